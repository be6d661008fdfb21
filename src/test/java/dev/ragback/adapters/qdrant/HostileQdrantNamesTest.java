package dev.ragback.adapters.qdrant;

import dev.ragback.app.HostileNamesTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Collection and snapshot names from outside never become a URL path segment unchecked. */
class HostileQdrantNamesTest {
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.ragback.app.HostileNamesTest#hostile")
    void collectionAndSnapshotNamesAreRefused(String label, String name) {
        HostileNamesTest.assertRefused(() -> QdrantRestVectorStore.segment("collection name", name));
        HostileNamesTest.assertRefused(() -> QdrantRestVectorStore.segment("snapshot name", name));
    }

    @org.junit.jupiter.api.Test
    void aPlainNameIsOneEncodedSegment() {
        assertEquals("docs-1.snapshot", QdrantRestVectorStore.segment("snapshot name", "docs-1.snapshot"));
        assertEquals("%C3%A9t%C3%A9", QdrantRestVectorStore.segment("collection name", "été"));
    }
}
