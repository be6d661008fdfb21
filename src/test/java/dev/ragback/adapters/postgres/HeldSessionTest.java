package dev.ragback.adapters.postgres;

import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe, the migrations reader and the audit log of one command share one session of their database. */
@ExtendWith(PostgresExtension.class)
class HeldSessionTest {
    private final PgDatabase db;
    // only this test's sessions: other tests share the cluster and may hold theirs
    private final String applicationName = "ragback-held-" + UUID.randomUUID();
    private final HeldSession session;

    HeldSessionTest(PgDatabase db) {
        this.db = db;
        PostgresConnection shared = db.connection();
        this.session = new HeldSession(new PostgresConnection(shared.host(), shared.port(), shared.user(),
                shared.database(), shared.password(), Map.of("ApplicationName", applicationName)));
    }

    @AfterEach
    void closeSession() {
        session.close();
    }

    private List<List<String>> sessions() {
        return db.rows("SELECT pid FROM pg_stat_activity WHERE application_name = '" + applicationName + "'");
    }

    @Test
    void everyQuestionAndEventOfACommandGoesThroughOneSessionThatCloseEnds() {
        db.execute("CREATE TABLE IF NOT EXISTS held_chunks (model_id text, uri text, deleted_at timestamptz)");
        JdbcDatabaseProbe probe = new JdbcDatabaseProbe(session);
        JdbcAppliedMigrations migrations = new JdbcAppliedMigrations(session);
        JdbcAuditLog audit = new JdbcAuditLog(session);
        probe.serverVersion();
        assertTrue(probe.tableExists("held_chunks"));
        probe.tablesStartingWith("held_");
        probe.chunkCounts("held_chunks");
        migrations.applied();
        audit.record("held_run", "rollback_step", Map.of("n", 1));
        assertEquals(1, audit.events("held_run").size());
        assertEquals(1, sessions().size(), "seven questions and an event, one session");
        session.close();
        for (int i = 0; i < 50 && !sessions().isEmpty(); i++) {
            sleep();
        }
        assertEquals(List.of(), sessions());
        db.execute("DELETE FROM task_events WHERE task_id = 'held_run'");
    }

    @Test
    void aSessionEndedUnderItIsReplacedOnceAndTheQuestionStillAnswered() {
        JdbcDatabaseProbe probe = new JdbcDatabaseProbe(session);
        probe.serverVersion();
        List<List<String>> before = sessions();
        assertEquals(1, before.size());
        assertEquals(List.of(List.of("t")), db.rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE application_name = '" + applicationName + "'"));
        assertTrue(probe.serverVersion().matches("\\d+\\.\\d+"));
        List<List<String>> after = sessions();
        assertEquals(1, after.size());
        assertNotEquals(before, after, "a new backend answered");
    }

    @Test
    void withoutAHeldSessionEachQuestionHasItsOwnAndLeavesNoneOpen() {
        JdbcDatabaseProbe probe = new JdbcDatabaseProbe(session.connection());
        probe.serverVersion();
        new JdbcAppliedMigrations(session.connection()).applied();
        for (int i = 0; i < 50 && !sessions().isEmpty(); i++) {
            sleep();
        }
        assertEquals(List.of(), sessions());
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
