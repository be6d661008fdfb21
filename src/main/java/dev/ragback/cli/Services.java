package dev.ragback.cli;

import dev.ragback.adapters.os.LocalOperator;
import dev.ragback.adapters.postgres.JdbcAppliedMigrations;
import dev.ragback.adapters.postgres.JdbcAuditLog;
import dev.ragback.adapters.postgres.JdbcDatabaseProbe;
import dev.ragback.adapters.postgres.PgDumpTool;
import dev.ragback.adapters.postgres.PostgresConnection;
import dev.ragback.adapters.qdrant.QdrantRestVectorStore;
import dev.ragback.adapters.release.CommandReleaseSwitch;
import dev.ragback.adapters.release.SymlinkReleaseSwitch;
import dev.ragback.adapters.traffic.CommandTrafficSwitch;
import dev.ragback.adapters.traffic.FileTrafficSwitch;
import dev.ragback.adapters.traffic.HttpTrafficSwitch;
import dev.ragback.app.compat.CompatService;
import dev.ragback.app.compat.LiveSources;
import dev.ragback.app.doctor.BackupsDirCheck;
import dev.ragback.app.doctor.DoctorService;
import dev.ragback.app.port.AppliedMigrations;
import dev.ragback.app.port.AuditLog;
import dev.ragback.app.port.DatabaseProbe;
import dev.ragback.app.port.DumpTool;
import dev.ragback.app.port.ReleaseSwitch;
import dev.ragback.app.port.TrafficSwitch;
import dev.ragback.app.port.VectorStore;
import dev.ragback.app.release.ReleaseService;
import dev.ragback.app.traffic.TrafficService;
import dev.ragback.config.Config;
import dev.ragback.config.ConfigKeys;

/** Wires adapters and use cases from the configuration. Nothing is built before it is asked for. */
public final class Services {
    private final Config config;

    Services(Config config) {
        this.config = config;
    }

    /** The matrix, with the live triple read from the release switch, schema_migrations and Qdrant. */
    public CompatService compat() {
        return new CompatService(config.get(ConfigKeys.COMPAT_MATRIX), new LiveSources(releaseSwitch(), appliedMigrations(),
                vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION)));
    }

    public VectorStore vectorStore() {
        return new QdrantRestVectorStore(config.get(ConfigKeys.QDRANT_URL), config.get(ConfigKeys.QDRANT_API_KEY),
                config.get(ConfigKeys.QDRANT_TIMEOUT));
    }

    public PostgresConnection postgresConnection() {
        return new PostgresConnection(config.get(ConfigKeys.POSTGRES_HOST), config.get(ConfigKeys.POSTGRES_PORT),
                config.get(ConfigKeys.POSTGRES_USER), config.get(ConfigKeys.POSTGRES_DATABASE),
                config.get(ConfigKeys.POSTGRES_PASSWORD));
    }

    public DatabaseProbe postgres() {
        return new JdbcDatabaseProbe(postgresConnection());
    }

    /** TaskDB: taskdb.url when set, otherwise the postgres.* database. */
    private PostgresConnection taskDbConnection() {
        String url = config.get(ConfigKeys.TASKDB_URL);
        if (url == null) {
            return postgresConnection();
        }
        return PostgresConnection.fromJdbcUrl(url, config.get(ConfigKeys.POSTGRES_USER), config.get(ConfigKeys.POSTGRES_PASSWORD));
    }

    public DatabaseProbe taskDb() {
        return new JdbcDatabaseProbe(taskDbConnection());
    }

    public AuditLog auditLog() {
        return new JdbcAuditLog(taskDbConnection());
    }

    public TrafficSwitch trafficSwitch() {
        return switch (config.get(ConfigKeys.TRAFFIC_MODE)) {
            case "command" -> new CommandTrafficSwitch(config.get(ConfigKeys.TRAFFIC_COMMAND));
            case "http" -> new HttpTrafficSwitch(config.get(ConfigKeys.TRAFFIC_URL));
            default -> new FileTrafficSwitch(config.get(ConfigKeys.TRAFFIC_FILE));
        };
    }

    public TrafficService traffic() {
        return new TrafficService(trafficSwitch(), auditLog(), LocalOperator::current);
    }

    public ReleaseSwitch releaseSwitch() {
        if ("command".equals(config.get(ConfigKeys.RELEASE_MODE))) {
            return new CommandReleaseSwitch(config.get(ConfigKeys.RELEASE_CURRENT_COMMAND),
                    config.get(ConfigKeys.RELEASE_ACTIVATE_COMMAND), config.get(ConfigKeys.RELEASE_DIR));
        }
        return new SymlinkReleaseSwitch(config.get(ConfigKeys.RELEASE_DIR));
    }

    public ReleaseService releases() {
        return new ReleaseService(releaseSwitch(), compat(), auditLog(), LocalOperator::current);
    }

    public AppliedMigrations appliedMigrations() {
        return new JdbcAppliedMigrations(postgresConnection());
    }

    public DumpTool dumpTool() {
        return new PgDumpTool(null);
    }

    public DoctorService doctor() {
        return new DoctorService(new DoctorService.Subjects(vectorStore(), config.get(ConfigKeys.QDRANT_COLLECTION),
                postgres(), taskDb(), dumpTool(), compat(), new BackupsDirCheck(config.get(ConfigKeys.BACKUPS_DIR))));
    }
}
