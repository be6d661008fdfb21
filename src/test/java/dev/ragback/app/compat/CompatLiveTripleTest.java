package dev.ragback.app.compat;

import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeAppliedMigrations;
import dev.ragback.app.fakes.FakeReleaseSwitch;
import dev.ragback.app.fakes.FakeVectorStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompatLiveTripleTest {
    @TempDir
    Path dir;

    private final FakeReleaseSwitch releases = new FakeReleaseSwitch().with("v1.1.0", true).with("v2.0.0", false).current("v2.0.0");
    private final FakeAppliedMigrations migrations = new FakeAppliedMigrations().applied("v1.0.0").applied("v1.1.0");
    private final FakeVectorStore vectors = new FakeVectorStore().withCollection("rag_main_v2", "green", 10).withAlias("rag_main", "rag_main_v2");
    private CompatService service;

    @BeforeEach
    void matrix() throws IOException {
        Path file = Files.writeString(dir.resolve("matrix.md"), MatrixParserTest.HEADER
                + "| v1.1.0 | v1.1.0 | rag_main_v2 | ✅ OK |\n| v2.0.0 | v1.1.0 | rag_main_v2 | ❌ INCOMPATIBLE |\n");
        service = new CompatService(file, new LiveSources(releases, migrations, vectors, "rag_main"));
    }

    @Test
    void withoutFlagsTheTripleIsTheCurrentReleaseNewestMigrationAndRealCollection() {
        CompatService.Lookup lookup = service.liveTriple(null, null, null);
        assertEquals(new Triple("v2.0.0", "v1.1.0", "rag_main_v2"), lookup.triple());
        assertEquals(List.of("binary", "schema", "collection"), lookup.fromLive());
        assertEquals(CompatStatus.INCOMPATIBLE, service.check(lookup.triple()).status());
    }

    @Test
    void givenPartsWinAndOnlyTheOthersAreReadLive() {
        releases.current = null;
        migrations.down = true;
        CompatService.Lookup lookup = service.liveTriple("v1.1.0", "v1.1.0", null);
        assertEquals(new Triple("v1.1.0", "v1.1.0", "rag_main_v2"), lookup.triple());
        assertEquals(List.of("collection"), lookup.fromLive());
        assertEquals(CompatStatus.OK, service.check(lookup.triple()).status());
    }

    @Test
    void aDirtyNewestMigrationIsNotTheLiveSchema() {
        migrations.dirty("v2.0.0");
        assertEquals("v1.1.0", service.liveTriple(null, null, null).schema());
    }

    @Test
    void aPlainCollectionIsItsOwnRealCollection() {
        vectors.withCollection("rag_plain", "green", 1);
        CompatService plain = new CompatService(dir.resolve("matrix.md"), new LiveSources(releases, migrations, vectors, "rag_plain"));
        assertEquals("rag_plain", plain.liveTriple(null, null, null).collection());
    }

    @Test
    void unknownPartsAreAUsageErrorNamingEachAndItsFlag() {
        releases.current = null;
        migrations.rows.clear();
        RagbackException failure = assertThrows(RagbackException.class, () -> service.liveTriple(null, null, "rag_main_v2"));
        assertEquals(RagbackException.Kind.USAGE, failure.kind());
        assertEquals("live triple incomplete: binary unknown: no current release (see: ragback release list); "
                + "schema unknown: no applied migration in schema_migrations", failure.getMessage());
        assertEquals("pass --binary V and --schema V", failure.hint());
    }

    @Test
    void aMissingCollectionNamesTheConfiguredName() {
        vectors.aliases.clear();
        RagbackException failure = assertThrows(RagbackException.class, () -> service.liveTriple("v1", "v1", null));
        assertTrue(failure.getMessage().contains("qdrant.collection 'rag_main' is neither a collection nor an alias"), failure.getMessage());
        assertEquals("pass --collection C", failure.hint());
    }

    @Test
    void anUnreachableLiveSystemFailsExternalAndSuggestsTheFlags() {
        vectors.down = true;
        RagbackException failure = assertThrows(RagbackException.class, () -> service.liveTriple(null, null, null));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().startsWith("cannot read the live triple: Qdrant"), failure.getMessage());
        assertTrue(failure.hint().endsWith("or give the triple with --binary, --schema and --collection"), failure.hint());
    }

    @Test
    void lookUpReportsMissingPartsWithoutFailing() {
        migrations.rows.clear();
        CompatService.Lookup lookup = service.lookUp("v1.1.0", null, null);
        assertEquals(List.of("schema"), List.copyOf(lookup.missing().keySet()));
        assertEquals("rag_main_v2", lookup.collection());
        assertThrows(IllegalStateException.class, lookup::triple);
    }
}
