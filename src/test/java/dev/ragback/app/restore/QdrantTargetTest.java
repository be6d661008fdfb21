package dev.ragback.app.restore;

import dev.ragback.app.snapshot.Manifest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decision table of alias vs in-place restore (ARCHITECTURE.md, "where alias vs in-place is decided"). */
class QdrantTargetTest {

    private static Manifest manifest(String collection, Manifest.AliasEntry... aliases) {
        Manifest.QdrantPart qdrant = new Manifest.QdrantPart(null, null, collection, List.of(aliases), null, null, 0, null, null,
                0, null, null, null, null, null);
        return new Manifest("s1", null, null, Manifest.COMPLETE, true, null, null, null, null, null, qdrant, null,
                List.of(), List.of(), null);
    }

    private static QdrantTarget.LiveNames live(Set<String> collections, Set<String> aliases) {
        return new QdrantTarget.LiveNames() {
            @Override
            public boolean collectionNamed(String name) {
                return collections.contains(name);
            }

            @Override
            public Set<String> taken() {
                Set<String> taken = new java.util.HashSet<>(collections);
                taken.addAll(aliases);
                return taken;
            }
        };
    }

    @Test
    void aLiveAliasRestoresIntoAShadowCollectionAndMovesEveryAlias() {
        QdrantTarget t = QdrantTarget.choose("docs", Optional.of("docs_v1"),
                manifest("docs_v1", new Manifest.AliasEntry("docs", "docs_v1"), new Manifest.AliasEntry("docs_ro", "docs_v1")),
                live(Set.of("docs_v1"), Set.of("docs")));
        assertEquals("docs_v1_rs1", t.collection());
        assertFalse(t.inPlace());
        assertEquals(List.of("docs", "docs_ro"), t.aliasesToSwitch());
        assertEquals("docs_v1", t.previousCollection());
    }

    @Test
    void aLiveAliasTheSetDidNotKnowIsSwitchedToo() {
        QdrantTarget t = QdrantTarget.choose("docs", Optional.of("docs_v2"), manifest("docs_v1"), live(Set.of("docs_v2"), Set.of("docs")));
        assertEquals("docs_v1_rs1", t.collection());
        assertEquals(List.of("docs"), t.aliasesToSwitch());
        assertEquals("docs_v2", t.previousCollection());
    }

    @Test
    void anAliasOfTheSetThatIsGoneIsRecreatedOnANewCollection() {
        QdrantTarget t = QdrantTarget.choose("docs", Optional.empty(), manifest("docs_v1", new Manifest.AliasEntry("docs", "docs_v1")),
                live(Set.of(), Set.of()));
        assertEquals("docs_v1_rs1", t.collection());
        assertFalse(t.inPlace());
        assertEquals(List.of("docs"), t.aliasesToSwitch());
        assertEquals(null, t.previousCollection());
    }

    @Test
    void anAliasOfTheSetWhoseNameAPlainCollectionTookIsRestoredInPlace() {
        QdrantTarget t = QdrantTarget.choose("docs", Optional.empty(), manifest("docs_v1", new Manifest.AliasEntry("docs", "docs_v1")),
                live(Set.of("docs"), Set.of()));
        assertEquals("docs", t.collection());
        assertTrue(t.inPlace());
        assertEquals(List.of("docs"), t.aliasesToSwitch());
        assertEquals(null, t.previousCollection());
    }

    @Test
    void aPlainCollectionIsRestoredInPlaceWithTheSetsAliasesRecreated() {
        QdrantTarget t = QdrantTarget.choose("docs", Optional.empty(),
                manifest("docs", new Manifest.AliasEntry("docs_ro", "docs"), new Manifest.AliasEntry("docs_ro", "docs")),
                live(Set.of("docs"), Set.of()));
        assertEquals("docs", t.collection());
        assertTrue(t.inPlace());
        assertEquals(List.of("docs_ro"), t.aliasesToSwitch());
    }

    @Test
    void theShadowNameNeverTakesANameInUseAndDropsAnEarlierRestoreSuffix() {
        QdrantTarget t = QdrantTarget.choose("docs", Optional.of("docs_v1_r20260101-010203"),
                manifest("docs_v1_r20260101-010203"), live(Set.of("docs_v1_r20260101-010203", "docs_v1_rs1"), Set.of("docs", "docs_v1_rs1_2")));
        assertEquals("docs_v1_rs1_3", t.collection());
    }
}
