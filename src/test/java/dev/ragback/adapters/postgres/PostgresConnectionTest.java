package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostgresConnectionTest {
    private static final String SECRET = "s3cret&more";

    @Test
    void jdbcUrlDescribeAndToStringNeverCarryThePassword() {
        PostgresConnection connection = new PostgresConnection("db.internal", 5433, "rag", "ragdb", SECRET);
        assertEquals("jdbc:postgresql://db.internal:5433/ragdb", connection.jdbcUrl());
        assertEquals("db.internal:5433/ragdb", connection.describe());
        assertFalse(connection.toString().contains(SECRET), connection.toString());
        assertTrue(connection.toString().contains("password=***"), connection.toString());
    }

    @Test
    void childEnvironmentCarriesThePasswordOnlyWhenThereIsOne() {
        assertEquals(SECRET, new PostgresConnection("h", 5432, "rag", "ragdb", SECRET).childEnvironment().get("PGPASSWORD"));
        Map<String, String> env = new PostgresConnection("h", 5432, "rag", "ragdb", null).childEnvironment();
        assertEquals(Map.of("PGHOST", "h", "PGPORT", "5432", "PGUSER", "rag", "PGDATABASE", "ragdb"), env);
    }

    @Test
    void fromJdbcUrlTakesCredentialsFromTheUrlAndKeepsOtherParameters() {
        PostgresConnection connection = PostgresConnection.fromJdbcUrl(
                "jdbc:postgresql://tasks:6543/taskdb?user=audit&password=s3cret%26more&sslmode=require", "rag", "fallback");
        assertEquals("tasks", connection.host());
        assertEquals(6543, connection.port());
        assertEquals("audit", connection.user());
        assertEquals("taskdb", connection.database());
        assertEquals(SECRET, connection.password());
        assertEquals("jdbc:postgresql://tasks:6543/taskdb?sslmode=require", connection.jdbcUrl());
        assertEquals("require", connection.childEnvironment().get("PGSSLMODE"));
    }

    @Test
    void fromJdbcUrlFallsBackToTheGivenUserAndPassword() {
        PostgresConnection connection = PostgresConnection.fromJdbcUrl("jdbc:postgresql:taskdb", "rag", null);
        assertEquals("localhost:5432/taskdb", connection.describe());
        assertEquals("rag", connection.user());
        assertNull(connection.password());
    }

    @Test
    void ipv6HostsAreBracketedInTheUrl() {
        PostgresConnection connection = PostgresConnection.fromJdbcUrl("jdbc:postgresql://[::1]:5432/ragdb", "rag", null);
        assertEquals("::1", connection.host());
        assertEquals("jdbc:postgresql://[::1]:5432/ragdb", connection.jdbcUrl());
    }

    @Test
    void invalidUrlsFailMalformedWithoutThePassword() {
        for (String url : new String[]{
                "jdbc:postgresql://a,b/taskdb?password=" + SECRET,
                "jdbc:postgresql://tasks/?password=" + SECRET,
                "jdbc:postgresql://audit:" + SECRET + "@tasks/taskdb",
                "jdbc:mysql://tasks/taskdb?password=" + SECRET}) {
            RagbackException failure = assertThrows(RagbackException.class, () -> PostgresConnection.fromJdbcUrl(url, "rag", null));
            assertEquals(RagbackException.Kind.MALFORMED_INPUT, failure.kind(), url);
            assertFalse(failure.getMessage().contains("s3cret"), failure.getMessage());
        }
    }
}
