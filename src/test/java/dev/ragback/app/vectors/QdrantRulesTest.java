package dev.ragback.app.vectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Versions and config comparisons as Qdrant makes them. */
class QdrantRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void versionsCompareByNumbersAndCountMinorsBetween() {
        assertEquals(new QdrantVersion(1, 19, 0), QdrantVersion.parse("1.19.0"));
        assertEquals(new QdrantVersion(1, 10, 1), QdrantVersion.parse("v1.10.1-dev"));
        assertTrue(QdrantVersion.parse("1.10.0").compareTo(QdrantVersion.parse("1.9.7")) > 0, "numbers, not text");
        assertEquals(2, QdrantVersion.parse("1.19.0").minorsAfter(QdrantVersion.parse("1.17.4")));
        assertEquals(-1, QdrantVersion.parse("1.18.0").minorsAfter(QdrantVersion.parse("1.19.0")));
        assertTrue(QdrantVersion.parse("2.0.0").minorsAfter(QdrantVersion.parse("1.19.0")) > 1, "a new major is far");
        assertThrows(IllegalArgumentException.class, () -> QdrantVersion.parse("dev"));
    }

    @Test
    void theRecoveryCheckLooksAtWholeVectorParamsAndShardsOnly() throws Exception {
        var live = JSON.readTree("{\"params\":{\"vectors\":{\"size\":4,\"distance\":\"Cosine\",\"hnsw_config\":{\"m\":32},"
                + "\"datatype\":\"float16\"},\"shard_number\":1,\"replication_factor\":2},\"hnsw_config\":{\"m\":16}}");
        var snapshot = JSON.readTree("{\"params\":{\"vectors\":{\"size\":4,\"distance\":\"Cosine\",\"hnsw_config\":{\"m\":16},"
                + "\"multivector_config\":null},\"shard_number\":1,\"replication_factor\":1},\"hnsw_config\":{\"m\":64}}");
        assertEquals(List.of("params.vectors.datatype: \"float16\" live, unset in the snapshot",
                "params.vectors.hnsw_config.m: 32 live, 16 in the snapshot"), ConfigDiff.of(live, snapshot, ConfigDiff.RECOVERY_CHECKED));
        assertEquals(4, ConfigDiff.of(live, snapshot, ConfigDiff.VERIFIED).size(), "verify also sees replication and hnsw");
        var named = JSON.readTree("{\"params\":{\"vectors\":{\"text\":{\"size\":4,\"distance\":\"Dot\"}},\"shard_number\":3}}");
        List<String> toNamed = ConfigDiff.of(live, named, ConfigDiff.RECOVERY_CHECKED);
        assertTrue(toNamed.contains("params.vectors.text: unset live, {\"size\":4,\"distance\":\"Dot\"} in the snapshot"), toNamed.toString());
        assertTrue(toNamed.contains("params.shard_number: 1 live, 3 in the snapshot"), toNamed.toString());
        assertEquals(List.of(), ConfigDiff.of(JSON.readTree("{\"params\":{\"shard_number\":1.0,\"vectors\":{\"on_disk\":null}}}"),
                JSON.readTree("{\"params\":{\"shard_number\":1,\"vectors\":{}}}"), ConfigDiff.RECOVERY_CHECKED));
    }
}
