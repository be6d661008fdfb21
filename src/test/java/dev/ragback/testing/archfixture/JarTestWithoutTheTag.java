package dev.ragback.testing.archfixture;

import dev.ragback.testing.cli.RagbackCli;

/** Runs the built jar without the black-box tag: {@code TestTiersTest} must catch it. */
public final class JarTestWithoutTheTag {
    private JarTestWithoutTheTag() {
    }

    static void runsTheJar() {
        RagbackCli.create().run("--version");
    }
}
