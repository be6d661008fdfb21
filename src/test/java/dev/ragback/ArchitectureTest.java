package dev.ragback;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.ragback.adapters.archfixture.AdapterThatUsesTheCli;
import dev.ragback.app.archfixture.UseCaseThatTalksSql;
import dev.ragback.cli.archfixture.CommandThatAsksTheSession;
import dev.ragback.cli.archfixture.CommandThatBuildsAMap;
import dev.ragback.cli.archfixture.CommandThatBuildsAnAdapter;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dependency rules of SPEC section 12, checked on the production classes. */
@AnalyzeClasses(packages = "dev.ragback", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule USE_CASES_KNOW_NO_OUTSIDE_TECHNOLOGY = noClasses()
            .that().resideInAPackage("dev.ragback.app..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "picocli..", "java.sql..", "javax.sql..", "org.postgresql..", "java.net.http..",
                    "dev.ragback.cli..", "dev.ragback.adapters..")
            .because("use cases talk to the outside only through the ports in dev.ragback.app.port");

    @ArchTest
    static final ArchRule ADAPTERS_DO_NOT_KNOW_THE_CLI = noClasses()
            .that().resideInAPackage("dev.ragback.adapters..")
            .should().dependOnClassesThat().resideInAPackage("dev.ragback.cli..")
            .because("the CLI wires adapters, not the other way round");

    @ArchTest
    static final ArchRule ONLY_THE_COMPOSITION_ROOT_KNOWS_ADAPTERS = noClasses()
            .that().resideOutsideOfPackage("dev.ragback.adapters..")
            .and().haveNameNotMatching("dev\\.ragback\\.cli\\.(Eval|S3|Qdrant|Run)?Services")
            .should().dependOnClassesThat().resideInAPackage("dev.ragback.adapters..")
            .because("commands and use cases reach adapters through the ports; cli.Services (with its parts "
                    + "cli.EvalServices, cli.S3Services, cli.QdrantServices and cli.RunServices) alone builds them");

    @ArchTest
    static final ArchRule ONLY_CONFIRM_OPTIONS_ASK_FOR_CONFIRMATION = noClasses()
            .that().doNotBelongToAnyOf(dev.ragback.cli.ConfirmOptions.class, dev.ragback.cli.Session.class)
            .should().callMethod(dev.ragback.cli.Session.class, "confirm", boolean.class, String.class)
            .orShould().callMethod(dev.ragback.cli.Session.class, "requireYesOrTerminal", boolean.class)
            .because("--yes, --dry-run and the prompt are one mixin (cli.ConfirmOptions): a command asks it, not the session");

    /** Maps in cli that are no output: picocli's command table, the signal handlers, the wiring. */
    static final List<String> MAPS_THAT_ARE_NOT_OUTPUT = List.of("dev.ragback.cli.Cli", "dev.ragback.cli.Interrupts",
            "dev.ragback.cli.Services", "dev.ragback.cli.EvalServices", "dev.ragback.cli.S3Services");

    @ArchTest
    static final ArchRule CLI_OUTPUT_IS_TYPED_RECORDS = noClasses()
            .that().resideInAPackage("dev.ragback.cli..")
            .and(noneOf(MAPS_THAT_ARE_NOT_OUTPUT))
            .should().callConstructorWhere(target(owner(assignableTo(HashMap.class))))
            .orShould().callMethodWhere(target(owner(type(Map.class))).and(target(nameMatching("of|ofEntries"))))
            .because("a --json document is a record rendered by cli.JsonOutput, not a hand-built map (issue 15: one JSON "
                    + "rendering path)");

    @ArchTest
    static final ArchRule ONE_OBJECT_MAPPER_RENDERS_OUTPUT = noClasses()
            .that().resideInAPackage("dev.ragback.cli..")
            .and().doNotHaveFullyQualifiedName("dev.ragback.cli.JsonOutput")
            .should().callConstructorWhere(target(owner(assignableTo(ObjectMapper.class))))
            .because("cli.JsonOutput holds the one configured ObjectMapper that renders --json documents");

    /** Not one of {@code names} (a trailing {@code .*} is a whole package), nor a class nested in one. */
    private static DescribedPredicate<JavaClass> noneOf(List<String> names) {
        List<String> patterns = names.stream().map(n -> n.replace(".", "\\.").replace("\\.*", "\\..*") + "(\\$.*)?").toList();
        return DescribedPredicate.describe("not one of " + names,
                c -> patterns.stream().noneMatch(p -> c.getName().matches(p)));
    }

    @Test
    void theRulesCatchDeliberatelyBadClasses() {
        JavaClasses bad = new ClassFileImporter().importClasses(UseCaseThatTalksSql.class, AdapterThatUsesTheCli.class);
        AssertionError appViolation = assertThrows(AssertionError.class, () -> USE_CASES_KNOW_NO_OUTSIDE_TECHNOLOGY.check(bad));
        assertTrue(appViolation.getMessage().contains("java.sql.Connection"), appViolation.getMessage());
        assertTrue(appViolation.getMessage().contains("picocli.CommandLine"), appViolation.getMessage());
        AssertionError adapterViolation = assertThrows(AssertionError.class, () -> ADAPTERS_DO_NOT_KNOW_THE_CLI.check(bad));
        assertTrue(adapterViolation.getMessage().contains("dev.ragback.cli.ExitCodes"), adapterViolation.getMessage());
        JavaClasses wiring = new ClassFileImporter().importClasses(CommandThatBuildsAnAdapter.class);
        AssertionError rootViolation = assertThrows(AssertionError.class, () -> ONLY_THE_COMPOSITION_ROOT_KNOWS_ADAPTERS.check(wiring));
        assertTrue(rootViolation.getMessage().contains("dev.ragback.adapters.os.LocalOperator"), rootViolation.getMessage());
        JavaClasses asking = new ClassFileImporter().importClasses(CommandThatAsksTheSession.class);
        AssertionError confirmViolation = assertThrows(AssertionError.class, () -> ONLY_CONFIRM_OPTIONS_ASK_FOR_CONFIRMATION.check(asking));
        assertTrue(confirmViolation.getMessage().contains("Session.confirm"), confirmViolation.getMessage());
        JavaClasses mapping = new ClassFileImporter().importClasses(CommandThatBuildsAMap.class);
        AssertionError mapViolation = assertThrows(AssertionError.class, () -> CLI_OUTPUT_IS_TYPED_RECORDS.check(mapping));
        assertTrue(mapViolation.getMessage().contains("LinkedHashMap.<init>()"), mapViolation.getMessage());
        assertTrue(mapViolation.getMessage().contains("Map.of("), mapViolation.getMessage());
        AssertionError mapperViolation = assertThrows(AssertionError.class, () -> ONE_OBJECT_MAPPER_RENDERS_OUTPUT.check(mapping));
        assertTrue(mapperViolation.getMessage().contains("ObjectMapper.<init>()"), mapperViolation.getMessage());
    }
}
