package dev.ragback.app.migrate;

import dev.ragback.app.RagbackException;
import dev.ragback.app.files.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.ragback.app.migrate.MigrationServiceTest.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MigrationDirTest {
    @TempDir
    Path dir;

    private RagbackException malformed() {
        RagbackException failure = assertThrows(RagbackException.class, () -> MigrationDir.read(dir));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind(), failure.getMessage());
        return failure;
    }

    @Test
    void readsVersionsInSemanticOrderWithTheirChecksums() throws IOException {
        write(dir, "v1.10.0", "CREATE TABLE c (id int);", "DROP TABLE c;");
        write(dir, "v1.2.0", "CREATE TABLE b (id int);", "DROP TABLE b;");
        write(dir, "v1.0.0", "CREATE TABLE a (id int);", "DROP TABLE a;");
        Files.writeString(dir.resolve("README.md"), "how we write migrations");
        Files.createDirectories(dir.resolve(".git"));
        MigrationDir read = MigrationDir.read(dir);
        assertEquals(List.of("v1.0.0", "v1.2.0", "v1.10.0"), read.migrations().stream().map(MigrationDir.Migration::version).toList());
        MigrationDir.Migration first = read.migrations().get(0);
        assertEquals(Sha256.ofText("CREATE TABLE a (id int);"), first.upSha256());
        assertEquals("DROP TABLE a;", first.downSql());
        assertEquals(dir.resolve("v1.0.0/up.sql"), first.upFile());
    }

    @Test
    void theShippedMigrationsAreWellFormed() {
        Path shipped = Path.of(System.getProperty("ragback.project.dir", "."), "ops", "migrations");
        assertEquals(List.of("v1.0.0", "v1.1.0"),
                MigrationDir.read(shipped).migrations().stream().map(MigrationDir.Migration::version).toList());
    }

    @Test
    void aMissingDirectoryNamesTheSetting() {
        RagbackException failure = assertThrows(RagbackException.class, () -> MigrationDir.read(dir.resolve("nope")));
        assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind());
        assertTrue(failure.getMessage().contains("migrations.dir " + dir.resolve("nope") + " is not a directory (it does not exist)"),
                failure.getMessage());
    }

    @Test
    void everyVersionNeedsBothFiles() throws IOException {
        write(dir, "v1.0.0", "CREATE TABLE a (id int);", "DROP TABLE a;");
        Files.delete(dir.resolve("v1.0.0/down.sql"));
        assertTrue(malformed().getMessage().contains(dir.resolve("v1.0.0/down.sql") + ": missing"));
    }

    @Test
    void emptyOrCommentOnlyScriptsAreMalformed() throws IOException {
        write(dir, "v1.0.0", "", "DROP TABLE a;");
        assertTrue(malformed().getMessage().contains(dir.resolve("v1.0.0/up.sql") + ": no SQL statement"));
        write(dir, "v1.0.0", "CREATE TABLE a (id int);", "-- TODO\n/* later */\n ;\n");
        assertTrue(malformed().getMessage().contains(dir.resolve("v1.0.0/down.sql") + ": no SQL statement"));
    }

    @Test
    void directoryNamesMustBeSafeVersions() throws IOException {
        write(dir, "latest", "CREATE TABLE a (id int);", "DROP TABLE a;");
        assertTrue(malformed().getMessage().contains(dir.resolve("latest") + ": not a version name"));
        Files.walk(dir.resolve("latest")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        write(dir, "v1..0", "CREATE TABLE a (id int);", "DROP TABLE a;");
        assertTrue(malformed().getMessage().contains("not an allowed name: it contains '..'"));
    }

    @Test
    void oneVersionWithAndWithoutItsVIsAmbiguous() throws IOException {
        write(dir, "v1.0.0", "CREATE TABLE a (id int);", "DROP TABLE a;");
        write(dir, "1.0.0", "CREATE TABLE a (id int);", "DROP TABLE a;");
        assertTrue(malformed().getMessage().contains("the same version as"));
    }

    @Test
    void transactionControlIsRefusedNamingTheLine() throws IOException {
        write(dir, "v1.0.0", "CREATE TABLE a (id int);\nCOMMIT;\n", "DROP TABLE a;");
        assertTrue(malformed().getMessage().contains(dir.resolve("v1.0.0/up.sql") + ": line 2: transaction control (COMMIT) is not allowed"));
        write(dir, "v1.0.0", "BEGIN;\nCREATE TABLE a (id int);", "DROP TABLE a;");
        assertTrue(malformed().getMessage().contains("line 1: transaction control (BEGIN)"));
    }

    @Test
    void scriptsMustBeUtf8() throws IOException {
        write(dir, "v1.0.0", "CREATE TABLE a (id int);", "DROP TABLE a;");
        Files.write(dir.resolve("v1.0.0/up.sql"), new byte[] {'S', 'E', 'L', (byte) 0xff, ';'});
        assertTrue(malformed().getMessage().contains("not UTF-8 text"));
    }
}
