package dev.ragback.app.migrate;

import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;
import dev.ragback.app.Versions;
import dev.ragback.app.files.Sha256;
import dev.ragback.app.port.SchemaMigrator;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The migrations directory: one directory per version ({@code v1.1.0}), each with a non-empty
 * {@code up.sql} and {@code down.sql}. Hidden entries and plain files beside the versions (a
 * README) are ignored; anything else that is wrong is MALFORMED_INPUT naming the path.
 */
public final class MigrationDir {
    static final Pattern VERSION = Pattern.compile("v?\\d+(\\.\\d+)*([-+][0-9A-Za-z.+-]+)?");
    public static final String UP = "up.sql";
    public static final String DOWN = "down.sql";

    private final Path path;
    private final List<Migration> migrations;

    /**
     * One version's files.
     *
     * @param version    the directory name, e.g. {@code v1.1.0}
     * @param dir        the version's directory
     * @param upSql      up.sql's text
     * @param upSha256   sha256 of up.sql
     * @param downSql    down.sql's text
     * @param downSha256 sha256 of down.sql
     */
    public record Migration(String version, Path dir, String upSql, String upSha256, String downSql, String downSha256) {

        public Path upFile() {
            return dir.resolve(UP);
        }

        public Path downFile() {
            return dir.resolve(DOWN);
        }

        SchemaMigrator.Migration forMigrator() {
            return new SchemaMigrator.Migration(version, upSql, upSha256, downSql, downSha256);
        }
    }

    private MigrationDir(Path path, List<Migration> migrations) {
        this.path = path;
        this.migrations = List.copyOf(migrations);
    }

    /** Reads and checks every version; fails MALFORMED_INPUT naming the first bad path. */
    public static MigrationDir read(Path path) {
        if (!Files.isDirectory(path)) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    "migrations.dir " + path + " is not a directory" + (Files.exists(path) ? "" : " (it does not exist)"),
                    "set migrations.dir (ops/ragback.yaml or --set migrations.dir=DIR) to the directory holding "
                            + "<version>/up.sql and down.sql");
        }
        List<Migration> migrations = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        try (Stream<Path> entries = Files.list(path)) {
            for (Path dir : entries.sorted().toList()) {
                String name = dir.getFileName().toString();
                if (name.startsWith(".") || !Files.isDirectory(dir)) {
                    continue;
                }
                checkName(dir, name);
                Path earlier = seen.put(name.startsWith("v") ? name.substring(1) : name, dir);
                if (earlier != null) {
                    throw malformed(dir, "the same version as " + earlier);
                }
                migrations.add(readVersion(dir, name));
            }
        } catch (IOException e) {
            throw malformed(path, "cannot be read: " + e.getMessage());
        }
        migrations.sort((a, b) -> Versions.SEMANTIC.compare(a.version(), b.version()));
        return new MigrationDir(path, migrations);
    }

    private static void checkName(Path dir, String name) {
        String problem = Names.problem(name);
        if (problem != null) {
            throw malformed(dir, "not an allowed name: " + problem);
        }
        if (!VERSION.matcher(name).matches()) {
            throw malformed(dir, "not a version name (expected e.g. v1.2.0)");
        }
    }

    private static Migration readVersion(Path dir, String version) {
        String up = readScript(dir.resolve(UP));
        String down = readScript(dir.resolve(DOWN));
        return new Migration(version, dir, up, Sha256.ofText(up), down, Sha256.ofText(down));
    }

    private static String readScript(Path file) {
        if (!Files.isRegularFile(file)) {
            throw malformed(file, "missing: every version needs an up.sql and a down.sql");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw malformed(file, "not UTF-8 text");
        } catch (IOException e) {
            throw malformed(file, "cannot be read: " + e.getMessage());
        }
        List<SqlScript.Statement> statements = SqlScript.split(text);
        if (statements.isEmpty()) {
            throw malformed(file, "no SQL statement in it");
        }
        for (SqlScript.Statement statement : statements) {
            String problem = SqlScript.problem(statement);
            if (problem != null) {
                throw malformed(file, "line " + statement.line() + ": " + problem);
            }
        }
        return text;
    }

    private static RagbackException malformed(Path path, String why) {
        return new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "migrations: " + path + ": " + why,
                "fix the migrations directory; ragback migrate verify checks it");
    }

    public Path path() {
        return path;
    }

    /** Oldest version first (semantic-version order). */
    public List<Migration> migrations() {
        return migrations;
    }

    public Optional<Migration> find(String version) {
        return migrations.stream().filter(m -> m.version().equals(version)).findFirst();
    }

    /** True when {@code name} looks like a migration version. */
    public static boolean looksLikeVersion(String name) {
        return name != null && VERSION.matcher(name).matches();
    }
}
