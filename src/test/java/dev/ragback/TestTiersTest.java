package dev.ragback;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import dev.ragback.blackbox.BlackBox;
import dev.ragback.testing.archfixture.JarTestWithoutTheTag;
import dev.ragback.testing.cli.RagbackCli;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tiers are chosen by tag: a test that starts the built jar must be tagged black-box, or it would slow down make check. */
class TestTiersTest {
    private static final ArchRule JAR_RUNNING_TESTS_ARE_BLACK_BOX = classes()
            .that(DescribedPredicate.describe("start the built jar (RagbackCli.create()) or hold tests in dev.ragback.blackbox",
                    TestTiersTest::needsTheJar))
            .should(beInsideAClassTagged())
            .because("make check runs every test not tagged blackbox, and a jar started per test costs about a second");

    @Test
    void everyTestThatStartsTheJarIsTaggedBlackBox() {
        JavaClasses tests = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/archfixture/"))
                .importPackages("dev.ragback");
        JAR_RUNNING_TESTS_ARE_BLACK_BOX.check(tests);
    }

    @Test
    void theRuleCatchesAnUntaggedOne() {
        JavaClasses bad = new ClassFileImporter().importClasses(JarTestWithoutTheTag.class, RagbackCli.class);
        AssertionError violation = assertThrows(AssertionError.class, () -> JAR_RUNNING_TESTS_ARE_BLACK_BOX.check(bad));
        assertTrue(violation.getMessage().contains("JarTestWithoutTheTag"), violation.getMessage());
    }

    private static boolean needsTheJar(JavaClass javaClass) {
        boolean startsTheJar = !javaClass.isEquivalentTo(RagbackCli.class) && javaClass.getMethodCallsFromSelf().stream()
                .anyMatch(call -> call.getTargetOwner().isEquivalentTo(RagbackCli.class) && call.getName().equals("create"));
        boolean blackBoxTests = javaClass.getPackageName().equals(BlackBox.class.getPackageName())
                && javaClass.getMethods().stream().anyMatch(method -> method.isAnnotatedWith(Test.class));
        return startsTheJar || blackBoxTests;
    }

    private static ArchCondition<JavaClass> beInsideAClassTagged() {
        return new ArchCondition<>("be (inside) a class annotated @BlackBox") {
            @Override
            public void check(JavaClass javaClass, ConditionEvents events) {
                JavaClass outer = javaClass;
                while (outer.getEnclosingClass().isPresent()) {
                    outer = outer.getEnclosingClass().get();
                }
                boolean tagged = outer.isAnnotatedWith(BlackBox.class);
                events.add(new SimpleConditionEvent(javaClass, tagged, javaClass.getName() + " needs the built jar"
                        + (tagged ? "" : " but " + outer.getSimpleName() + " is not annotated @BlackBox")));
            }
        };
    }
}
