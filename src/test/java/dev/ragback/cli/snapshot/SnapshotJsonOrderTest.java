package dev.ragback.cli.snapshot;

import dev.ragback.cli.Session;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Documents that were Map.of, whose key order changed from one JVM to the next: now records, in a fixed order. */
class SnapshotJsonOrderTest {

    private static String json(Object document) {
        StringWriter out = new StringWriter();
        new Session(new PrintWriter(out), new PrintWriter(Writer.nullWriter()), Map.of(), false, () -> null).printJson(document);
        return out.toString().replaceAll("\\s+", "");
    }

    @Test
    void verifyListsTheSetsThenWhetherAllPassed() {
        assertEquals("{\"sets\":[],\"ok\":true}", json(new SnapshotVerifyCommand.Verified(List.of(), true)));
    }

    @Test
    void aDryRunIsThePlanThenTheFlag() {
        assertEquals("{\"plan\":{\"id\":\"S\"},\"dry_run\":true}", json(new SnapshotRestoreCommand.DryRun(Map.of("id", "S"), true)));
    }

    @Test
    void aStoreRestoredIsItsTimeAndSizeAndForQdrantItsCollection() {
        assertEquals("{\"millis\":1200,\"bytes\":4096}", json(new SnapshotRestoreCommand.Restored(1200, 4096, null)));
        assertEquals("{\"millis\":900,\"bytes\":2048,\"collection\":\"rag_main_v1_rS\"}",
                json(new SnapshotRestoreCommand.Restored(900, 2048, "rag_main_v1_rS")));
    }
}
