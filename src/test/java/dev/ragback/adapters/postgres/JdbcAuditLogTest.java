package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.AuditLog;
import dev.ragback.testing.pg.PgDatabase;
import dev.ragback.testing.pg.PostgresExtension;
import dev.ragback.testing.pg.ThrowawayPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(PostgresExtension.class)
class JdbcAuditLogTest {
    private final ThrowawayPostgres postgres;
    private final PgDatabase db;
    private final JdbcAuditLog audit;

    private final String applicationName = "ragback-test-" + UUID.randomUUID();

    JdbcAuditLogTest(ThrowawayPostgres postgres, PgDatabase db) {
        this.postgres = postgres;
        this.db = db;
        PostgresConnection shared = db.connection();
        this.audit = new JdbcAuditLog(new PostgresConnection(shared.host(), shared.port(), shared.user(),
                shared.database(), shared.password(), Map.of("ApplicationName", applicationName)));
    }

    @BeforeEach
    void noTable() {
        db.execute("DROP TABLE IF EXISTS task_events");
    }

    @AfterEach
    void closeSession() {
        audit.close();
    }

    private List<String> query(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = db.connection().open(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getString(i));
                }
                rows.add(String.join("|", row));
            }
        }
        return rows;
    }

    @Test
    void theFirstRecordCreatesTheTableExactlyAsTheSpecGivesIt() throws Exception {
        audit.record("traffic", "traffic_set", Map.of("old", 100, "new", 0));
        assertEquals(List.of(
                        "id|bigint|NO|nextval('task_events_id_seq'::regclass)",
                        "task_id|text|NO|null",
                        "event_type|text|NO|null",
                        "metadata|jsonb|NO|'{}'::jsonb",
                        "created_at|timestamp with time zone|NO|now()"),
                query("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns "
                        + "WHERE table_name = 'task_events' ORDER BY ordinal_position"));
        assertEquals(List.of("task_events_pkey|id"), query("SELECT c.conname, a.attname FROM pg_constraint c "
                + "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
                + "WHERE c.conrelid = 'task_events'::regclass AND c.contype = 'p'"));
    }

    @Test
    void theRunbooksInsertWorksBesideRagbacksEvents() {
        long first = audit.record("rollback_1764300000", "rollback_step", Map.of("step", "lock", "status", "started"));
        db.execute("INSERT INTO task_events (task_id, event_type, metadata) VALUES ('rollback_1764300000', 'rollback_auto', "
                + "'{\"reason\":\"gate_fail_rate\",\"timestamp\":\"2026-11-28T03:15:02+00:00\"}')");
        List<AuditLog.Event> events = audit.events("rollback_1764300000");
        assertEquals(List.of("rollback_step", "rollback_auto"), events.stream().map(AuditLog.Event::eventType).toList());
        assertEquals(first, events.get(0).id());
        assertEquals("gate_fail_rate", events.get(1).metadata().get("reason"));
    }

    @Test
    void aTableCreatedByTheRunbookIsUsedAsItIs() {
        db.execute("CREATE TABLE task_events (id bigserial PRIMARY KEY, task_id text NOT NULL, event_type text NOT NULL, "
                + "metadata jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())");
        db.execute("INSERT INTO task_events (task_id, event_type) VALUES ('manual', 'note')");
        audit.record("manual", "note", Map.of());
        assertEquals(2, audit.events("manual").size());
        assertEquals(Map.of(), audit.events("manual").get(0).metadata());
    }

    @Test
    void metadataIsStoredAsJsonbAndReadBackWithItsTypes() throws Exception {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("old", null);
        metadata.put("new", 0);
        metadata.put("forced", true);
        metadata.put("score", 0.84);
        metadata.put("host", "ops-1");
        metadata.put("quote", "it's \"fine\" \\ ünïcode");
        metadata.put("steps", List.of("lock", "plan"));
        metadata.put("nested", Map.of("k", 5));
        long id = audit.record("traffic", "traffic_set", metadata);

        assertEquals(List.of("jsonb|0|ops-1"), query("SELECT pg_typeof(metadata), metadata->>'new', metadata->>'host' FROM task_events"));
        AuditLog.Event event = audit.events("traffic").get(0);
        assertEquals(id, event.id());
        assertEquals("traffic", event.taskId());
        assertEquals("traffic_set", event.eventType());
        assertEquals(metadata, event.metadata());
        assertTrue(event.metadata().containsKey("old"), "a null value is kept, not dropped");
        assertNotNull(event.createdAt());
    }

    @Test
    void recordAllWritesEveryEventInOrderOrNoneAtAll() throws Exception {
        audit.recordAll(List.of(new AuditLog.Entry("rollback_1", "rollback_auto", Map.of("reason", "manual")),
                new AuditLog.Entry("rollback_1", "rollback_finished", Map.of("outcome", "succeeded"))));
        assertEquals(List.of("rollback_auto", "rollback_finished"),
                audit.events("rollback_1").stream().map(AuditLog.Event::eventType).toList());

        // the second entry breaks task_id NOT NULL: the first must not stay behind
        RagbackException failure = assertThrows(RagbackException.class, () -> audit.recordAll(List.of(
                new AuditLog.Entry("rollback_2", "rollback_auto", Map.of()), new AuditLog.Entry(null, "rollback_step", Map.of()))));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertEquals(List.of("0"), query("SELECT count(*) FROM task_events WHERE task_id = 'rollback_2'"));
        audit.record("rollback_2", "rollback_auto", Map.of());
        assertEquals(1, audit.events("rollback_2").size(), "the held session works on after the rolled-back batch");
    }

    @Test
    void latestIsNewestFirstAndLimitedToTheType() {
        long a = audit.record("release", "release_green", Map.of("version", "v1.0.0"));
        audit.record("traffic", "traffic_set", Map.of("new", 0));
        long b = audit.record("release", "release_green", Map.of("version", "v1.1.0"));
        long c = audit.record("release", "release_green", Map.of("version", "v2.0.0"));
        assertTrue(a < b && b < c);
        assertEquals(List.of(c, b), audit.latest("release_green", 2).stream().map(AuditLog.Event::id).toList());
        assertEquals(List.of(), audit.latest("nothing_like_this", 5));
    }

    @Test
    void readingBeforeAnyEventFindsNothingAndCreatesNothing() throws Exception {
        assertEquals(List.of(), audit.events("traffic"));
        assertEquals(List.of(), audit.latest("traffic_set", 10));
        assertEquals(List.of("f"), query("SELECT to_regclass('task_events') IS NOT NULL"));
    }

    @Test
    void anUnreachableTaskDbFailsExternalWithoutThePassword() {
        PostgresConnection shared = db.connection();
        PostgresConnection down = new PostgresConnection(shared.host(), ThrowawayPostgres.closedPort(), shared.user(),
                shared.database(), shared.password());
        JdbcAuditLog unreachable = new JdbcAuditLog(down);
        RagbackException failure = assertThrows(RagbackException.class,
                () -> unreachable.record("traffic", "traffic_set", Map.of("new", 0)));
        assertEquals(RagbackException.Kind.EXTERNAL, failure.kind());
        assertTrue(failure.getMessage().contains(down.describe()), failure.getMessage());
        assertFalse(failure.getMessage().contains(postgres.password()), failure.getMessage());
        assertEquals(RagbackException.Kind.EXTERNAL,
                assertThrows(RagbackException.class, () -> unreachable.events("traffic")).kind());
    }

    /** Only this test's own audit sessions: other tests of the run share the cluster and may hold theirs. */
    private List<String> ragbackSessions() throws Exception {
        return query("SELECT pid FROM pg_stat_activity WHERE application_name = '" + applicationName + "'");
    }

    @Test
    void aRunsEventsShareOneSessionThatCloseEnds() throws Exception {
        for (int i = 0; i < 5; i++) {
            audit.record("run_1", "rollback_step", Map.of("n", i));
        }
        assertEquals(1, ragbackSessions().size(), "five events, one session");
        audit.close();
        for (int i = 0; i < 50 && !ragbackSessions().isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), ragbackSessions());
        assertEquals(List.of("5"), query("SELECT count(*) FROM task_events WHERE task_id = 'run_1'"));
    }

    @Test
    void readsGoThroughTheHeldSessionToo() throws Exception {
        audit.record("run_3", "rollback_step", Map.of("n", 1));
        List<String> held = ragbackSessions();
        assertEquals(1, held.size(), held.toString());
        java.util.concurrent.CompletableFuture<List<AuditLog.Event>> read;
        try (Connection locker = db.connection().open(); Statement lock = locker.createStatement()) {
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE task_events IN ACCESS EXCLUSIVE MODE");
            read = java.util.concurrent.CompletableFuture.supplyAsync(() -> audit.events("run_3"));
            List<String> waiting = List.of();
            for (int i = 0; i < 500 && waiting.isEmpty(); i++) {
                Thread.sleep(10);
                waiting = query("SELECT pid FROM pg_stat_activity WHERE application_name = '" + applicationName
                        + "' AND wait_event_type = 'Lock'");
            }
            assertEquals(held, waiting, "the read waits on the session that recorded the event");
            assertEquals(held, ragbackSessions(), "and no other session was opened for it");
            locker.commit();
        }
        assertEquals(1, read.get(30, java.util.concurrent.TimeUnit.SECONDS).size());
    }

    @Test
    void aHeldSessionKilledBetweenEventsIsReplacedAndNothingIsLost() throws Exception {
        try (Connection anotherTestsSession = db.connection().open()) {
            audit.record("run_2", "rollback_step", Map.of("n", 1));
            assertEquals(List.of("t"), query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    + "WHERE application_name = '" + applicationName + "'"));
            audit.record("run_2", "rollback_step", Map.of("n", 2));
            assertEquals(List.of("1", "2"), query("SELECT metadata->>'n' FROM task_events WHERE task_id = 'run_2' ORDER BY id"));
            assertTrue(anotherTestsSession.isValid(2), "a session this test did not open is left alone");
        }
    }
}
