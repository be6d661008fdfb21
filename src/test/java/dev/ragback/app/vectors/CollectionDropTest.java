package dev.ragback.app.vectors;

import dev.ragback.app.Operator;
import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeAuditLog;
import dev.ragback.app.fakes.FakeVectorStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** qdrant drop: only what nothing serves from goes, and the audit trail says who dropped it. */
class CollectionDropTest {
    private final FakeVectorStore vectors = new FakeVectorStore()
            .withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 7)
            .withCollection("rag_main_v2_r20261128-031502", "green", 0).withPoints("rag_main_v2_r20261128-031502", 7)
            .withAlias("rag_main", "rag_main_v2_r20261128-031502");
    private final FakeAuditLog audit = new FakeAuditLog();
    private final List<String> warnings = new ArrayList<>();

    private CollectionDrop drop(String configured) {
        return new CollectionDrop(vectors, configured, audit, () -> new Operator("oncall", "host1"));
    }

    @Test
    void theCollectionARestoreKeptIsDroppedAndTheDropIsAudited() {
        CollectionDrop.Plan plan = drop("rag_main").plan("rag_main_v2");
        assertEquals(new CollectionDrop.Plan("rag_main_v2", 7L), plan);
        assertTrue(vectors.collections.containsKey("rag_main_v2"), "planning changes nothing");
        drop("rag_main").drop(plan, warnings::add);
        assertFalse(vectors.collections.containsKey("rag_main_v2"));
        assertTrue(vectors.collections.containsKey("rag_main_v2_r20261128-031502"));
        assertEquals("rag_main_v2", audit.only("qdrant_collection_dropped").metadata().get("collection"));
        assertEquals("oncall", audit.only("qdrant_collection_dropped").metadata().get("user"));
        assertEquals(List.of(), warnings);
    }

    @Test
    void aCollectionAnAliasPointsAtIsRefused() {
        RagbackException e = assertThrows(RagbackException.class, () -> drop("rag_main").plan("rag_main_v2_r20261128-031502"));
        assertEquals(RagbackException.Kind.USAGE, e.kind());
        assertTrue(e.getMessage().contains("alias rag_main points at it"), e.getMessage());
    }

    @Test
    void theConfiguredCollectionIsRefusedEvenWithoutAnAlias() {
        RagbackException e = assertThrows(RagbackException.class, () -> drop("rag_main_v2").plan("rag_main_v2"));
        assertEquals(RagbackException.Kind.USAGE, e.kind());
    }

    @Test
    void unknownAndHostileNamesAreRefusedBeforeAnyDelete() {
        assertEquals(RagbackException.Kind.EXTERNAL, assertThrows(RagbackException.class, () -> drop("rag_main").plan("nope")).kind());
        assertEquals(RagbackException.Kind.USAGE, assertThrows(RagbackException.class, () -> drop("rag_main").plan("../x")).kind());
        assertTrue(vectors.calls.stream().noneMatch(c -> c.startsWith("deleteCollection")), vectors.calls.toString());
    }

    @Test
    void taskDbDownIsAWarningAfterTheDrop() {
        audit.down = true;
        drop("rag_main").drop(drop("rag_main").plan("rag_main_v2"), warnings::add);
        assertFalse(vectors.collections.containsKey("rag_main_v2"));
        assertEquals(1, warnings.size(), warnings.toString());
    }
}
