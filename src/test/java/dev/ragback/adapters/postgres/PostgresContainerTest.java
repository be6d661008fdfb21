package dev.ragback.adapters.postgres;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The probe against the real postgres image; runs where Docker runs (CI), skipped elsewhere. */
@Testcontainers(disabledWithoutDocker = true)
class PostgresContainerTest {

    @Container
    private static final PostgreSQLContainer<?> POSTGRES = new PostgreSQLContainer<>("postgres:15.10")
            .withDatabaseName("ragdb")
            .withUsername("rag")
            .withPassword("rag-container-secret");

    private static PostgresConnection connection() {
        return new PostgresConnection(POSTGRES.getHost(), POSTGRES.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                POSTGRES.getUsername(), POSTGRES.getDatabaseName(), POSTGRES.getPassword());
    }

    @Test
    void serverVersionIsThePinnedImageVersion() {
        assertEquals("15.10", new JdbcDatabaseProbe(connection()).serverVersion());
    }

    @Test
    void tableExistsAfterCreateTable() throws Exception {
        JdbcDatabaseProbe probe = new JdbcDatabaseProbe(connection());
        assertFalse(probe.tableExists("container_items"));
        try (var db = connection().open(); var statement = db.createStatement()) {
            statement.execute("CREATE TABLE container_items (id int)");
        }
        assertTrue(probe.tableExists("container_items"));
    }

    @Test
    void taskDbUrlFromTheContainerWorks() {
        String base = POSTGRES.getJdbcUrl();
        String url = base + (base.contains("?") ? "&" : "?") + "user=" + POSTGRES.getUsername() + "&password=" + POSTGRES.getPassword();
        PostgresConnection fromUrl = PostgresConnection.fromJdbcUrl(url, "nobody", null);
        assertEquals("15.10", new JdbcDatabaseProbe(fromUrl).serverVersion());
        assertFalse(fromUrl.jdbcUrl().contains(POSTGRES.getPassword()));
    }
}
