package dev.ragback.blackbox;

import dev.ragback.cli.Cli;
import dev.ragback.cli.Session;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.File;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** make build / mvn package: target/man holds one roff page per command of the tree, and groff renders them cleanly. */
@BlackBox
class ManPagesIT {
    private static final Path MAN = Path.of(System.getProperty("ragback.jar", "target/ragback.jar")).toAbsolutePath()
            .getParent().resolve("man");

    private static void collect(CommandLine command, List<String> pages) {
        pages.add(command.getCommandSpec().qualifiedName("-") + ".1");
        command.getSubcommands().values().stream().distinct().forEach(sub -> collect(sub, pages));
    }

    @Test
    void everyCommandOfTheTreeHasAManPage() {
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        List<String> pages = new ArrayList<>();
        collect(Cli.fullTree(new Session(nowhere, nowhere, Map.of(), false, () -> null)), pages);
        assertTrue(pages.contains("ragback-rollback-auto.1"), pages.toString());
        List<String> missing = pages.stream().filter(page -> !Files.isRegularFile(MAN.resolve(page))).toList();
        assertEquals(List.of(), missing, "missing in " + MAN);
    }

    @Test
    void groffRendersThePagesWithoutWarnings() throws Exception {
        assumeTrue(onPath("groff"), "groff is not installed");
        for (String page : List.of("ragback.1", "ragback-rollback-auto.1", "ragback-snapshot-restore.1")) {
            Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", MAN.resolve(page).toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String warnings = new String(groff.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(groff.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, groff.exitValue(), warnings);
            assertEquals("", warnings, page);
        }
        String rendered = render("ragback-rollback-auto.1");
        assertTrue(rendered.contains("NAME") && rendered.contains("--reason=REASON"), rendered);
    }

    private static String render(String page) throws Exception {
        Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-P-cbou", MAN.resolve(page).toString()).start();
        String text = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(groff.waitFor(30, TimeUnit.SECONDS));
        return text;
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
