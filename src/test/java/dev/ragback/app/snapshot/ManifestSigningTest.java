package dev.ragback.app.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.Progress;
import dev.ragback.app.RagbackException;
import dev.ragback.app.fakes.FakeDatabaseProbe;
import dev.ragback.app.fakes.FakeDumpTool;
import dev.ragback.app.fakes.FakeVectorStore;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ManifestSigningTest {
    private static final Instant NOW = Instant.parse("2026-11-28T03:15:02Z");
    private static final String KEY = "test-signing-key-7f3a9c2e41d8b6";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private final FakeVectorStore vectors = new FakeVectorStore();
    private final FakeDatabaseProbe database = new FakeDatabaseProbe();
    private final FakeDumpTool dumpTool = new FakeDumpTool();
    private final AppliedMigrations migrations = () -> List.of(
            new AppliedMigrations.Applied("v1.1.0", NOW, "up1", "down1", "DROP TABLE rag_ingest_runs;", false));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final ManifestSignature signed = ManifestSignature.of(KEY);
    private BackupsDir backups;

    @BeforeEach
    void stores() {
        backups = new BackupsDir(root.resolve("backups"));
        vectors.withCollection("rag_main_v2", "green", 0).withPoints("rag_main_v2", 20).withAlias("rag_main", "rag_main_v2");
        database.tables.add("rag_chunks");
        database.counts.add(new DatabaseProbe.ModelCount("e5-small", 120, 12));
    }

    private Manifest create(ManifestSignature signature) {
        SnapshotSettings settings = new SnapshotSettings("rag_main", null, 3, 5, "rag_chunks",
                new DumpTool.DumpOptions(false, 1, 1, List.of("task_events")), true, "http://fake:6333", "ragdb");
        return new SnapshotCreator(backups, new SnapshotCreator.Sources(vectors, database, dumpTool, migrations, null), settings,
                "0.1.0", clock, signature)
                .create("pre C1", false, Progress.NONE).manifest();
    }

    private SnapshotVerifier verifier(ManifestSignature signature) {
        return new SnapshotVerifier(backups, dumpTool, signature);
    }

    private Path manifestFile(String id) {
        return backups.root().resolve(id).resolve(BackupsDir.MANIFEST);
    }

    @Test
    void aSignedSetVerifiesAndCarriesAnHmacThatIsNotTheKey() throws Exception {
        Manifest m = create(signed);
        JsonNode tree = JSON.readTree(manifestFile(m.id()).toFile());
        assertEquals("HMAC-SHA256", tree.at("/signature/alg").asText());
        assertTrue(tree.at("/signature/value").asText().matches("[0-9a-f]{64}"), tree.get("signature").toString());

        SnapshotVerifier.SetCheck check = verifier(signed).verify(m.id(), false);
        assertTrue(check.ok(), check.problems().toString());
        assertTrue(check.signatureChecked());
        assertFalse(check.files().isEmpty());
        assertFalse(Files.readString(manifestFile(m.id())).contains(KEY), "key written to the manifest");
        assertFalse(signed.toString().contains(KEY));
    }

    @Test
    void aChangedFieldNoLongerMatchesAndNoFileIsRead() throws Exception {
        Manifest m = create(signed);
        Path file = manifestFile(m.id());
        Files.writeString(file, Files.readString(file).replace("\"pre C1\"", "\"pre C2\""));

        SnapshotVerifier.SetCheck check = verifier(signed).verify(m.id(), false);
        assertFalse(check.ok());
        assertEquals("signature of " + m.id() + " does not match: the manifest was changed or signed with another key",
                check.signatureProblem().substring(0, check.signatureProblem().indexOf(';')));
        assertEquals(List.of(), check.files(), "digests from an untrusted manifest are not compared");
        assertFalse(verifier(ManifestSignature.of("another-key-of-enough-length")).verify(create(signed).id(), false).ok(),
                "signed with another key");
    }

    @Test
    void reorderedOrReindentedManifestStillMatches() throws Exception {
        Manifest m = create(signed);
        JsonNode tree = JSON.readTree(manifestFile(m.id()).toFile());
        Files.writeString(manifestFile(m.id()), JSON.writeValueAsString(tree));
        assertTrue(verifier(signed).verify(m.id(), false).ok(), "whitespace is not part of the signed content");
    }

    @Test
    void anUnsignedSetIsRefusedWhenTheKeyIsSet() {
        Manifest m = create(ManifestSignature.none());
        SnapshotVerifier.SetCheck check = verifier(signed).verify(m.id(), false);
        assertFalse(check.ok());
        assertTrue(check.signatureProblem().startsWith("manifest of " + m.id() + " is not signed"), check.signatureProblem());
        assertEquals(check.signatureProblem(), check.problems().get(0));
    }

    @Test
    void aMalformedSignatureIsRefused() throws Exception {
        Manifest m = create(signed);
        Path file = manifestFile(m.id());
        Files.writeString(file, Files.readString(file).replace("\"HMAC-SHA256\"", "\"none\""));
        assertTrue(verifier(signed).verify(m.id(), false).signatureProblem().startsWith("signature of " + m.id() + " is not an HMAC-SHA256"));
        Files.writeString(file, Files.readString(file).replace("\"none\"", "\"HMAC-SHA256\"").replaceAll("\"value\" : \"[0-9a-f]+\"", "\"value\" : \"zz\""));
        assertTrue(verifier(signed).verify(m.id(), false).signatureProblem().contains("does not match"));
    }

    @Test
    void promoteVerifiesThenReSignsSoTheSetStaysValid() throws Exception {
        Manifest m = create(signed);
        String before = JSON.readTree(manifestFile(m.id()).toFile()).at("/signature/value").asText();
        SnapshotCatalog catalog = new SnapshotCatalog(backups, verifier(signed), clock);
        SnapshotVerifier.SetCheck promoted = catalog.promote(m.id());
        assertTrue(promoted.ok(), promoted.problems().toString());
        assertTrue(promoted.manifest().golden());
        assertNotEquals(before, JSON.readTree(manifestFile(m.id()).toFile()).at("/signature/value").asText());
    }

    @Test
    void promoteRefusesATamperedSetAndASignedSetWithoutTheKey() throws Exception {
        Manifest tampered = create(signed);
        Path file = manifestFile(tampered.id());
        Files.writeString(file, Files.readString(file).replace("\"pre C1\"", "\"pre C2\""));
        RagbackException e = assertThrows(RagbackException.class,
                () -> new SnapshotCatalog(backups, verifier(signed), clock).promote(tampered.id()));
        assertEquals(RagbackException.Kind.INTEGRITY, e.kind());
        assertFalse(ManifestJson.read(file).golden());

        Manifest good = create(signed);
        RagbackException withoutKey = assertThrows(RagbackException.class,
                () -> new SnapshotCatalog(backups, verifier(ManifestSignature.none()), clock).promote(good.id()));
        assertEquals(RagbackException.Kind.USAGE, withoutKey.kind());
        assertTrue(withoutKey.hint().contains("RAGBACK_SIGNING_KEY"), withoutKey.hint());
        assertTrue(verifier(signed).verify(good.id(), false).ok(), "the refused promote left the signature intact");
    }

    @Test
    void withoutTheKeyNothingIsSignedAndSignaturesAreIgnored() throws Exception {
        Manifest unsigned = create(ManifestSignature.none());
        assertNull(JSON.readTree(manifestFile(unsigned.id()).toFile()).get("signature"));
        SnapshotVerifier.SetCheck check = verifier(ManifestSignature.none()).verify(unsigned.id(), false);
        assertTrue(check.ok());
        assertFalse(check.signatureChecked());

        Manifest tampered = create(signed);
        Path file = manifestFile(tampered.id());
        Files.writeString(file, Files.readString(file).replace("\"pre C1\"", "\"pre C2\""));
        assertTrue(verifier(ManifestSignature.none()).verify(tampered.id(), false).ok(), "unchanged behaviour without the key");
        assertTrue(new SnapshotCatalog(backups, verifier(ManifestSignature.none()), clock).promote(unsigned.id()).manifest().golden());
    }
}
