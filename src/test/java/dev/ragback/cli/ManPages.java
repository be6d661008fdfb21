package dev.ragback.cli;

import picocli.codegen.docgen.manpage.ManPageGenerator;

import java.io.File;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Map;

/**
 * Build step of {@code make build} (exec-maven-plugin, package phase): writes one AsciiDoc man page per command of
 * the full tree with picocli-codegen's ManPageGenerator; asciidoctor's manpage backend turns them into target/man/*.1.
 * It lives in the test sources so that picocli-codegen never reaches the runtime jar.
 */
public final class ManPages {
    private ManPages() {
    }

    public static void main(String[] args) throws Exception {
        File outDir = new File(args[0]);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        var root = Cli.fullTree(new Session(nowhere, nowhere, Map.of(), false, () -> null));
        int status = ManPageGenerator.generateManPage(outDir, null, new boolean[0], true, root.getCommandSpec());
        if (status != 0) {
            throw new IllegalStateException("ManPageGenerator exit status " + status);
        }
    }
}
