package dev.ragback.build;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runbook's make targets call the commands they are named after, with the runbook's
 * arguments (`make -n`: printed, not run; each command has its own black-box tests).
 */
class MakefileTargetsTest {
    private static String planned(String... makeArgs) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("make", "-n", "--no-print-directory", "-o", "target/ragback.jar"));
        argv.addAll(List.of(makeArgs));
        Process make = new ProcessBuilder(argv).directory(Path.of("").toAbsolutePath().toFile()).redirectErrorStream(true).start();
        String output = new String(make.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(make.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, make.exitValue(), output);
        return output.strip().replaceAll(" +", " ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "traffic:0          | bin/ragback traffic set 0 --yes",
        "traffic:100        | bin/ragback traffic set 100 --yes",
        "revert:last-green  | bin/ragback revert last-green --yes",
        "smoke              | bin/ragback smoke",
        "eval.quick         | bin/ragback eval-quick",
        "verify             | bin/ragback verify",
        "snapshot.create    | bin/ragback snapshot create",
        "snapshot.restore   | bin/ragback snapshot restore --yes",
        "rollback.auto      | bin/ragback rollback auto --reason manual --yes",
        "drill              | ops/drill/drill.sh",
    })
    void eachRunbookTargetRunsItsCommand(String target, String command) throws Exception {
        assertEquals(command, planned(target));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "rollback.auto REASON=faithfulness_drop | bin/ragback rollback auto --reason faithfulness_drop --yes",
        "snapshot.restore SNAPSHOT=20261128-031502 | bin/ragback snapshot restore --yes 20261128-031502",
        "snapshot.create LABEL=pre-C1 | bin/ragback snapshot create --label \"pre-C1\"",
        "smoke RAGBACK_FLAGS=--config=/etc/ragback.yaml | bin/ragback --config=/etc/ragback.yaml smoke",
        "eval.quick RAGBACK_FLAGS=--config=/etc/ragback.yaml | bin/ragback --config=/etc/ragback.yaml eval-quick",
    })
    void variablesReachTheCommand(String makeArgs, String command) throws Exception {
        assertEquals(command, planned(makeArgs.split(" ")));
    }
}
