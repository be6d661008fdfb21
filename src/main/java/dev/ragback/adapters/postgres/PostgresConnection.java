package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where and as whom to reach one PostgreSQL database. The password never appears in
 * {@link #jdbcUrl()}, {@link #describe()} or {@link #toString()}; it travels to the driver as a
 * connection property and to child processes as {@code PGPASSWORD}.
 *
 * @param host       server host name or address
 * @param port       server port
 * @param user       role to log in as
 * @param database   database name
 * @param password   password, or {@code null} to let the driver read {@code ~/.pgpass}
 * @param parameters other driver parameters (e.g. {@code sslmode}, or {@code ApplicationName}, which
 *                   defaults to {@code ragback}); never user or password
 */
public record PostgresConnection(String host, int port, String user, String database, String password,
                                 Map<String, String> parameters) {

    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int SOCKET_TIMEOUT_SECONDS = 60;
    private static final String APPLICATION_NAME = "ragback";
    private static final Set<String> CREDENTIAL_PARAMETERS = Set.of("user", "password");

    public PostgresConnection {
        requireText("host", host);
        requireText("user", user);
        requireText("database", database);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
        parameters = Map.copyOf(parameters == null ? Map.of() : parameters);
        for (String key : parameters.keySet()) {
            if (CREDENTIAL_PARAMETERS.contains(key.toLowerCase())) {
                throw new IllegalArgumentException("parameters must not carry " + key);
            }
        }
    }

    public PostgresConnection(String host, int port, String user, String database, String password) {
        this(host, port, user, database, password, Map.of());
    }

    /**
     * Reads a TaskDB-style JDBC URL ({@code jdbc:postgresql://host:port/db?user=u&password=p&sslmode=...}).
     * User and password in the URL win over the fallbacks; other URL parameters are kept.
     */
    public static PostgresConnection fromJdbcUrl(String url, String userFallback, String passwordFallback) {
        return JdbcUrls.parse(url, userFallback, passwordFallback);
    }

    /** The driver URL, without user or password. */
    public String jdbcUrl() {
        StringBuilder url = new StringBuilder("jdbc:postgresql://")
                .append(hostForUrl()).append(':').append(port).append('/').append(encode(database));
        if (!parameters.isEmpty()) {
            url.append('?').append(new TreeMap<>(parameters).entrySet().stream()
                    .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                    .collect(Collectors.joining("&")));
        }
        return url.toString();
    }

    /** {@code host:port/database}, for messages. */
    public String describe() {
        return hostForUrl() + ":" + port + "/" + database;
    }

    /**
     * Environment for a child process (pg_dump, pg_restore, psql) to reach this database; the
     * only place the password leaves this object other than the driver.
     */
    public Map<String, String> childEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", String.valueOf(port));
        env.put("PGUSER", user);
        env.put("PGDATABASE", database);
        if (password != null) {
            env.put("PGPASSWORD", password);
        }
        String sslmode = parameters.get("sslmode");
        if (sslmode != null) {
            env.put("PGSSLMODE", sslmode);
        }
        return env;
    }

    /** Opens a connection with short connect and socket timeouts; fails EXTERNAL naming {@link #describe()}. */
    public Connection open() {
        if (host.startsWith("/")) {
            // libpq reads a leading slash as a Unix socket directory; the JDBC driver speaks TCP only
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "PostgreSQL host " + host
                    + " is a Unix socket directory; ragback connects over TCP only",
                    "set PGHOST (or postgres.host) to localhost or the server's address, and PGPORT to its port");
        }
        Properties properties = new Properties();
        properties.putAll(parameters);
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_SECONDS));
        properties.putIfAbsent("ApplicationName", APPLICATION_NAME);
        try {
            return DriverManager.getConnection(jdbcUrl(), properties);
        } catch (SQLException e) {
            throw PostgresFailures.external(this, "cannot connect", e);
        }
    }

    @Override
    public String toString() {
        return "PostgresConnection[" + describe() + " user=" + user
                + " password=" + (password == null ? "none" : "***")
                + (parameters.isEmpty() ? "" : " parameters=" + new TreeMap<>(parameters)) + "]";
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void requireText(String what, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
