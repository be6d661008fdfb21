package dev.ragback.blackbox;

import dev.ragback.cli.HostileArgumentsTest;
import dev.ragback.testing.cli.RagbackCli;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * What only a process shows about hostile names: each value crosses a real argv (the launcher's "$@",
 * the JVM decoding it under LANG=C.UTF-8) and is still refused in one line with exit 2 from the real
 * JVM. Every command that takes a name is checked with the same values in process by
 * HostileArgumentsTest, and each check's rule by HostileNamesTest.
 */
@BlackBox
class HostileNamesCliIT {
    @TempDir
    Path work;

    static IntStream values() {
        return IntStream.range(0, HostileArgumentsTest.VALUES.size());
    }

    @ParameterizedTest(name = "value {0}")
    @MethodSource("values")
    void aHostileArgvValueIsRefusedWithExit2AndOneLine(int valueIndex) {
        RagbackCli.Result result = RagbackCli.create().process().workDir(work)
                .run("snapshot", "verify", HostileArgumentsTest.VALUES.get(valueIndex));

        HostileArgumentsTest.assertRefusedInOneLine(result.exitCode(), result.stderr(), result.toString());
    }
}
