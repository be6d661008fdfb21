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
        RestorePlanView.Document plan = new RestorePlanView.Document("S", true, false, null, "v1", List.of(), "single-transaction", null,
                false, List.of(), null, null, List.of(), true, List.of(), "UNKNOWN");
        assertEquals("{\"plan\":{\"snapshot\":\"S\",\"postgres\":true,\"qdrant\":false,\"schema_from\":null,\"schema_to\":\"v1\","
                + "\"down_chain\":[],\"postgres_mode\":\"single-transaction\",\"qdrant_target\":null,\"qdrant_in_place\":false,"
                + "\"aliases\":[],\"previous_collection\":null,\"qdrant_peak_disk_bytes\":null,\"qdrant_notes\":[],\"atomic\":true,"
                + "\"not_atomic_because\":[],\"compat\":\"UNKNOWN\"},\"dry_run\":true}", json(new SnapshotRestoreCommand.DryRun(plan, true)));
    }

    @Test
    void aStoreRestoredIsItsTimeAndSizeAndForQdrantItsCollection() {
        assertEquals("{\"millis\":1200,\"bytes\":4096}", json(new SnapshotRestoreCommand.Restored(1200, 4096, null)));
        assertEquals("{\"millis\":900,\"bytes\":2048,\"collection\":\"rag_main_v1_rS\"}",
                json(new SnapshotRestoreCommand.Restored(900, 2048, "rag_main_v1_rS")));
    }
}
