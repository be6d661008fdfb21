package dev.ragback.adapters.postgres;

import dev.ragback.app.RagbackException;
import dev.ragback.app.Redaction;
import org.postgresql.Driver;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/** Turns a PostgreSQL JDBC URL into a {@link PostgresConnection}, keeping its password out of every message. */
final class JdbcUrls {
    private static final Pattern USER_INFO = Pattern.compile("//[^/?#]*@");
    private static final String HOST = "PGHOST";
    private static final String PORT = "PGPORT";
    private static final String DATABASE = "PGDBNAME";

    private JdbcUrls() {
    }

    static PostgresConnection parse(String url, String userFallback, String passwordFallback) {
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            throw invalid(url, "expected a URL starting with jdbc:postgresql:");
        }
        // pgjdbc does not support user:password@host and would log the fragment while failing on it
        if (USER_INFO.matcher(url).find()) {
            throw invalid(url, "put user and password in ?user=...&password=... (or PGPASSWORD), not before the host");
        }
        Properties parsed = Driver.parseURL(url, new Properties());
        if (parsed == null) {
            throw invalid(url, "the driver cannot parse it");
        }
        String host = parsed.getProperty(HOST);
        String port = parsed.getProperty(PORT);
        if (host == null || host.contains(",") || (port != null && port.contains(","))) {
            throw invalid(url, "exactly one host is supported");
        }
        String database = parsed.getProperty(DATABASE);
        if (database == null || database.isBlank()) {
            throw invalid(url, "it names no database");
        }
        String user = parsed.getProperty("user", userFallback);
        if (user == null || user.isBlank()) {
            throw invalid(url, "it names no user (add ?user=...)");
        }
        return new PostgresConnection(unbracket(host), parsePort(url, port), user, database,
                parsed.getProperty("password", passwordFallback), otherParameters(parsed));
    }

    private static Map<String, String> otherParameters(Properties parsed) {
        Map<String, String> parameters = new HashMap<>();
        for (String key : parsed.stringPropertyNames()) {
            if (!key.equals(HOST) && !key.equals(PORT) && !key.equals(DATABASE)
                    && !key.equalsIgnoreCase("user") && !key.equalsIgnoreCase("password")) {
                parameters.put(key, parsed.getProperty(key));
            }
        }
        return parameters;
    }

    private static int parsePort(String url, String port) {
        if (port == null || port.isEmpty()) {
            return 5432;
        }
        try {
            int value = Integer.parseInt(port);
            if (value >= 1 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(url, "the port is not a number in 1..65535");
    }

    private static String unbracket(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static RagbackException invalid(String url, String why) {
        return RagbackException.malformed("invalid PostgreSQL JDBC URL '" + Redaction.redactUrl(url) + "': " + why);
    }
}
