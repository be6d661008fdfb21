package dev.ragback.adapters.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragback.app.port.AuditLog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link AuditLog} in TaskDB's {@code task_events} table, created when missing exactly as SPEC
 * section 8 gives it, so the runbook's own {@code INSERT} keeps working next to ragback's.
 */
public final class JdbcAuditLog implements AuditLog, AutoCloseable {
    static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS task_events (\n"
            + "  id bigserial PRIMARY KEY, task_id text NOT NULL, event_type text NOT NULL,\n"
            + "  metadata jsonb NOT NULL DEFAULT '{}', created_at timestamptz NOT NULL DEFAULT now())";
    private static final String INSERT =
            "INSERT INTO task_events (task_id, event_type, metadata) VALUES (?, ?, CAST(? AS jsonb)) RETURNING id";
    private static final String INSERT_MANY =
            "INSERT INTO task_events (task_id, event_type, metadata) VALUES (?, ?, CAST(? AS jsonb))";
    private static final String COLUMNS = "SELECT id, task_id, event_type, metadata::text, created_at FROM task_events ";
    private static final String BY_TASK = COLUMNS + "WHERE task_id = ? ORDER BY id";
    private static final String LATEST_OF_TYPE = COLUMNS + "WHERE event_type = ? ORDER BY id DESC LIMIT ?";
    private static final String TABLE_EXISTS = "SELECT to_regclass('task_events') IS NOT NULL";
    // two sessions racing through CREATE TABLE IF NOT EXISTS: the loser sees one of these
    private static final List<String> ALREADY_CREATED = List.of("23505", "42P07");

    private final PostgresConnection connection;
    private final ObjectMapper json = new ObjectMapper();
    private volatile boolean tableReady;
    // one session for all of a run's events and reads: a rollback records dozens and reads its journal as often
    private final HeldSession session;

    public JdbcAuditLog(PostgresConnection connection) {
        this(new HeldSession(connection));
    }

    /** The events go through {@code session}, which other adapters of the same database may share. */
    public JdbcAuditLog(HeldSession session) {
        this.connection = session.connection();
        this.session = session;
    }

    @Override
    public long record(String taskId, String eventType, Map<String, Object> metadata) {
        String document = toJson(metadata);
        try {
            return session.with(db -> {
                ensureTable(db);
                try (PreparedStatement insert = db.prepareStatement(INSERT)) {
                    insert.setString(1, taskId);
                    insert.setString(2, eventType);
                    insert.setString(3, document);
                    try (ResultSet id = insert.executeQuery()) {
                        id.next();
                        return id.getLong(1);
                    }
                }
            });
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot record the " + eventType + " event in task_events", e);
        }
    }

    @Override
    public void recordAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        List<String> documents = entries.stream().map(entry -> toJson(entry.metadata())).toList();
        try {
            session.with(db -> {
                ensureTable(db);
                db.setAutoCommit(false);
                try (PreparedStatement insert = db.prepareStatement(INSERT_MANY)) {
                    for (int i = 0; i < entries.size(); i++) {
                        insert.setString(1, entries.get(i).taskId());
                        insert.setString(2, entries.get(i).eventType());
                        insert.setString(3, documents.get(i));
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    db.commit();
                    return null;
                } catch (SQLException e) {
                    rollbackQuietly(db);
                    throw e;
                } finally {
                    db.setAutoCommit(true);
                }
            });
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, "cannot record " + entries.size() + " events in task_events", e);
        }
    }

    private static void rollbackQuietly(Connection db) {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // a broken session rolls back on its own when it closes
        }
    }

    @Override
    public void close() {
        session.close();
    }

    @Override
    public List<Event> events(String taskId) {
        return query(BY_TASK, "cannot read the events of " + taskId, statement -> statement.setString(1, taskId));
    }

    @Override
    public List<Event> latest(String eventType, int limit) {
        return query(LATEST_OF_TYPE, "cannot read the latest " + eventType + " events", statement -> {
            statement.setString(1, eventType);
            statement.setInt(2, Math.max(0, limit));
        });
    }

    private interface Binder {
        void bind(PreparedStatement statement) throws SQLException;
    }

    private List<Event> query(String sql, String doing, Binder binder) {
        try {
            return session.with(db -> readEvents(db, sql, binder));
        } catch (SQLException e) {
            throw PostgresFailures.external(connection, doing, e);
        }
    }

    private List<Event> readEvents(Connection db, String sql, Binder binder) throws SQLException {
        if (!tableExists(db)) {
            return List.of();
        }
        List<Event> events = new ArrayList<>();
        try (PreparedStatement select = db.prepareStatement(sql)) {
            binder.bind(select);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Timestamp at = rows.getTimestamp(5);
                    events.add(new Event(rows.getLong(1), rows.getString(2), rows.getString(3), fromJson(rows.getString(4)),
                            at == null ? null : at.toInstant()));
                }
            }
        }
        return List.copyOf(events);
    }

    private void ensureTable(Connection db) throws SQLException {
        if (tableReady) {
            return;
        }
        try (Statement create = db.createStatement()) {
            create.execute(CREATE_TABLE);
        } catch (SQLException e) {
            if (!ALREADY_CREATED.contains(e.getSQLState())) {
                throw e;
            }
        }
        tableReady = true;
    }

    private static boolean tableExists(Connection db) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet answer = statement.executeQuery(TABLE_EXISTS)) {
            answer.next();
            return answer.getBoolean(1);
        }
    }

    private String toJson(Map<String, Object> metadata) {
        try {
            return json.writeValueAsString(metadata == null ? Map.of() : metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event metadata is not JSON-serialisable: " + e.getOriginalMessage(), e);
        }
    }

    private Map<String, Object> fromJson(String text) {
        try {
            Map<String, Object> map = json.readValue(text, new TypeReference<LinkedHashMap<String, Object>>() { });
            return map == null ? Map.of() : map;
        } catch (JsonProcessingException e) {
            // a row written by hand with a JSON array or scalar; keep it readable rather than fail the listing
            Map<String, Object> wrapped = new LinkedHashMap<>();
            wrapped.put("value", text);
            return wrapped;
        }
    }

    @Override
    public String toString() {
        return "JdbcAuditLog[" + connection.describe() + "]";
    }
}
