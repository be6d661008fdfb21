package dev.ragback.testing.pg;

import dev.ragback.adapters.postgres.PostgresConnection;
import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterTemplateTest {
    @TempDir
    Path templates;

    @BeforeEach
    void letTheServerUserThrough() throws Exception {
        // as target/ is: initdb may run as the server user (PgProcesses), and @TempDir is 0700
        Files.setPosixFilePermissions(templates, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @Test
    void aMissingTemplateIsMadeOnceAndEachCopyGetsAPasswordOfItsOwn() throws Exception {
        ClusterTemplate template = new ClusterTemplate(Optional.of(templates));
        try (ThrowawayPostgres first = ThrowawayPostgres.createPrivate(template);
             ThrowawayPostgres second = ThrowawayPostgres.createPrivate(template)) {
            Path made = template.location(first.binDir());
            assertEquals("rw-------", permissions(made.resolve(ClusterTemplate.PASSWORD_FILE)));
            assertEquals("rwx------", permissions(made.resolve(ClusterTemplate.DATA)));
            // initdb gives every cluster a system identifier of its own; copies keep the template's
            assertEquals(systemIdentifier(first), systemIdentifier(second), "both clusters are copies of one template");

            assertNotEquals(first.password(), second.password());
            assertRefused(first, second.password());
            assertRefused(second, first.password());
            String templatePassword = Files.readString(made.resolve(ClusterTemplate.PASSWORD_FILE));
            assertRefused(first, templatePassword);
            assertRefused(second, templatePassword);
        }
    }

    @Test
    void aBrokenTemplateFallsBackToInitdb() throws Exception {
        ClusterTemplate template = new ClusterTemplate(Optional.of(templates));
        Path broken = template.location(PgProcesses.findBinDir());
        Files.createDirectories(broken.resolve(ClusterTemplate.DATA),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.writeString(broken.resolve(ClusterTemplate.PASSWORD_FILE), "not-the-password");
        try (ThrowawayPostgres postgres = ThrowawayPostgres.createPrivate(template)) {
            assertTrue(postgres.isRunning());
            assertFalse(systemIdentifier(postgres).isBlank(), "the superuser logs in with the cluster's password");
            assertRefused(postgres, "not-the-password");
        }
    }

    private static String systemIdentifier(ThrowawayPostgres postgres) {
        PgDatabase maintenance = new PgDatabase("postgres", postgres.connection("postgres"), postgres.env("postgres"));
        List<List<String>> rows = maintenance.rows("SELECT system_identifier FROM pg_control_system()");
        return rows.get(0).get(0);
    }

    private static void assertRefused(ThrowawayPostgres postgres, String password) {
        PostgresConnection wrong = new PostgresConnection(postgres.host(), postgres.port(), postgres.user(), "postgres", password);
        RagbackException refused = assertThrows(RagbackException.class, wrong::open);
        SQLException cause = assertInstanceOf(SQLException.class, refused.getCause());
        assertEquals("28P01", cause.getSQLState(), "invalid_password: " + cause.getMessage());
    }

    private static String permissions(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
