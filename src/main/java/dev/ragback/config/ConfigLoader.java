package dev.ragback.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ragback.app.Names;
import dev.ragback.app.RagbackException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The one configuration merge: defaults &lt; file &lt; environment &lt; flags. Records where each
 * value came from. Every problem is a {@link RagbackException} of kind MALFORMED_INPUT (file,
 * env) or USAGE (flags) naming the key and, for the file, the line.
 */
public final class ConfigLoader {
    /** The config file read when {@code --config} is not given. */
    public static final Path DEFAULT_FILE = Path.of("ops", "ragback.yaml");

    private static final String KEYS_HINT = "every key is documented in ops/ragback.yaml and docs/configuration.md";

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final Path defaultFile;

    public ConfigLoader() {
        this(DEFAULT_FILE);
    }

    /** A loader whose implicit config file is {@code defaultFile} instead of {@link #DEFAULT_FILE}. */
    public ConfigLoader(Path defaultFile) {
        this.defaultFile = defaultFile;
    }

    /** The environment variable naming the config file when {@code --config} is not given. */
    public static final String CONFIG_ENV = "RAGBACK_CONFIG";

    /**
     * Where the configuration comes from, found the way git finds {@code .git}.
     *
     * @param file the config file, or {@code null} when none was found (built-in defaults)
     * @param root the project root: relative paths of the file and of the defaults resolve against it
     * @param how  how it was found, for messages: {@code --config}, {@code RAGBACK_CONFIG}, or the directories searched
     */
    public record Location(Path file, Path root, String how) {
        public boolean found() {
            return file != null;
        }
    }

    /**
     * {@code --config}, else {@code RAGBACK_CONFIG}, else {@code ops/ragback.yaml} in {@code workDir} or the
     * nearest parent holding one. The project root is the directory holding {@code ops/} (or the file's own
     * directory when it is not in one named {@code ops}); with no file, the working directory.
     */
    public static Location locate(Path explicit, Map<String, String> env, Path workDir) {
        Path cwd = workDir.toAbsolutePath().normalize();
        String named = env.get(CONFIG_ENV);
        if (explicit != null || (named != null && !named.isEmpty())) {
            Path file = explicit != null ? explicit : Path.of(named);
            Path absolute = cwd.resolve(file).normalize();
            Path dir = absolute.getParent();
            boolean inOps = dir.getFileName() != null && dir.getFileName().toString().equals("ops") && dir.getParent() != null;
            return new Location(file, inOps ? dir.getParent() : dir, explicit != null ? "--config" : CONFIG_ENV);
        }
        for (Path dir = cwd; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(DEFAULT_FILE);
            if (Files.isRegularFile(candidate)) {
                return new Location(dir.equals(cwd) ? DEFAULT_FILE : candidate, dir, "found in " + dir);
            }
        }
        return new Location(null, cwd, "no --config, no " + CONFIG_ENV + ", no " + DEFAULT_FILE + " in " + cwd + " or a parent");
    }

    /**
     * Merges the layers from a located file. Relative paths from the file and the defaults resolve
     * against the project root; those from the environment and flags, typed in a shell, stay
     * relative to the working directory.
     */
    public Config load(Location location, Path workDir, Map<String, String> env, Map<String, String> flags) {
        Map<String, Setting> settings = new HashMap<>();
        Path base = workDir.toAbsolutePath().normalize();
        String merged = merge(location.file(), base, env, flags, settings);
        String fileLabel = location.found() ? merged : "none (" + location.how() + "; built-in defaults)";
        if (!location.root().equals(workDir.toAbsolutePath().normalize())) {
            settings.replaceAll((name, setting) -> {
                Path relative = relativeLocalPath(setting);
                if (relative == null || setting.source() != Source.DEFAULT && setting.source() != Source.FILE) {
                    return setting;
                }
                Path resolved = location.root().resolve(relative).normalize();
                return new Setting(setting.key(), setting.value() instanceof Path ? resolved : resolved.toString(), setting.source(),
                        setting.origin());
            });
        }
        return new Config(settings, fileLabel, location, base);
    }

    // backups.dir is a directory, or s3://bucket/prefix, which is no path
    private static Path relativeLocalPath(Setting setting) {
        Path path = setting.value() instanceof Path p ? p
                : setting.key() == ConfigKeys.BACKUPS_DIR && setting.value() instanceof String text
                        && !text.regionMatches(true, 0, "s3://", 0, 5) ? Path.of(text) : null;
        return path == null || path.isAbsolute() ? null : path;
    }

    /**
     * Merges the layers.
     *
     * @param file     the config file; {@code null} means the default file, when it exists
     * @param env      the process environment
     * @param flags    {@code key -> raw value} from the command line, in the order given
     */
    public Config load(Path file, Map<String, String> env, Map<String, String> flags) {
        Map<String, Setting> settings = new HashMap<>();
        String fileLabel = merge(file, null, env, flags, settings);
        return new Config(settings, fileLabel, null, null);
    }

    private String merge(Path file, Path base, Map<String, String> env, Map<String, String> flags, Map<String, Setting> settings) {
        for (Key<?> key : ConfigKeys.all()) {
            Object value = key.defaultText() == null ? null : key.parser().parse(defaultNode(key.defaultText()));
            settings.put(key.name(), new Setting(key, value, Source.DEFAULT, "built-in"));
        }
        String fileLabel = readFile(file, base, settings);
        for (Key<?> key : ConfigKeys.all()) {
            String raw = key.env() == null ? null : env.get(key.env());
            if (raw != null && !raw.isEmpty()) {
                settings.put(key.name(), parse(key, TextNode.valueOf(raw), Source.ENV, "env " + key.env(),
                        RagbackException.Kind.MALFORMED_INPUT, "environment variable " + key.env()));
            }
        }
        flags.forEach((name, raw) -> settings.put(name, parseFlag(name, raw)));
        return fileLabel;
    }

    // base: the working directory a relative file is read from (null: the process's); messages name the file as written
    private String readFile(Path file, Path base, Map<String, Setting> settings) {
        Path path = file != null ? file : defaultFile;
        Path readable = base == null ? path : base.resolve(path);
        if (file == null && !Files.exists(readable)) {
            return "none (" + defaultFile + " not found; built-in defaults)";
        }
        String label = path.toString();
        String text;
        try {
            text = Files.readString(readable, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    "config file " + label + " not found", "check --config, or run from the directory that holds ops/");
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    "config file " + label + " cannot be read: " + e.getMessage(), "check the file's permissions");
        }
        try {
            yaml.readTree(text); // the whole file first: a syntax error is reported as one, not as the key before it
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "config file " + label + ": invalid YAML at line "
                    + line + ": " + e.getOriginalMessage().lines().findFirst().orElse(""), KEYS_HINT);
        }
        try (Reader reader = new java.io.StringReader(text);
             JsonParser parser = yaml.getFactory().createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return label;
            }
            if (first != JsonToken.START_OBJECT) {
                throw fileError(label, line(parser), "the file must be a mapping of sections such as qdrant: and postgres:");
            }
            walk(parser, "", label, settings);
            return label;
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw fileError(label, line, "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    "config file " + label + " cannot be read: " + e.getMessage(), "check the file's permissions");
        }
    }

    private void walk(JsonParser parser, String prefix, String label, Map<String, Setting> settings) throws IOException {
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            int line = line(parser);
            String name = prefix.isEmpty() ? field : prefix + "." + field;
            if (!seen.add(field)) {
                throw fileError(label, line, "key '" + name + "' is set twice");
            }
            JsonToken valueToken = parser.nextToken();
            Key<?> key = ConfigKeys.byName(name);
            if (key != null) {
                JsonNode node = yaml.readTree(parser);
                if (key.envOnly()) {
                    throw fileError(label, line, "'" + name + "' is a secret and may not be in the config file; set "
                            + key.env() + " in the environment");
                }
                if (node != null && !node.isNull()) {
                    settings.put(name, parse(key, node, Source.FILE, label + ":" + line,
                            RagbackException.Kind.MALFORMED_INPUT, label + ":" + line));
                }
            } else if (valueToken == JsonToken.START_OBJECT && ConfigKeys.isSection(name)) {
                walk(parser, name, label, settings);
            } else {
                throw fileError(label, line, "unknown key '" + Names.printable(name) + "'" + nearest(name));
            }
        }
    }

    private Setting parseFlag(String name, String raw) {
        Key<?> key = ConfigKeys.byName(name);
        if (key == null) {
            throw new RagbackException(RagbackException.Kind.USAGE,
                    "--set " + Names.printable(name) + ": unknown key" + nearest(name), KEYS_HINT);
        }
        if (key.envOnly()) {
            throw RagbackException.usage("--set " + name + ": secrets never go on the command line; set "
                    + key.env() + " in the environment");
        }
        JsonNode node = raw.startsWith("[") || raw.startsWith("{") ? structured(name, raw) : TextNode.valueOf(raw);
        return parse(key, node, Source.FLAG, "--set " + name, RagbackException.Kind.USAGE, "--set " + name);
    }

    private JsonNode structured(String name, String raw) {
        try {
            return yaml.readTree(raw);
        } catch (JsonProcessingException e) {
            throw RagbackException.usage("--set " + name + ": not a valid list or map");
        }
    }

    private static Setting parse(Key<?> key, JsonNode node, Source source, String origin,
                                 RagbackException.Kind kind, String where) {
        try {
            return new Setting(key, key.parser().parse(node), source, origin);
        } catch (IllegalArgumentException e) {
            String shown = key.secret() || !node.isValueNode() ? "" : " '" + Names.printable(node.asText()) + "'";
            throw new RagbackException(kind, where + ": bad value" + shown + " for " + key.name() + ": " + e.getMessage(),
                    KEYS_HINT);
        }
    }

    private JsonNode defaultNode(String text) {
        if (!text.startsWith("[") && !text.startsWith("{")) {
            return TextNode.valueOf(text);
        }
        try {
            return yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("built-in default is not YAML: " + text, e);
        }
    }

    /** {@code " (did you mean qdrant.timeout?)"} for a key within two edits of a real one, else empty. */
    static String nearest(String name) {
        String best = null;
        int bestDistance = 3;
        for (Key<?> key : ConfigKeys.all()) {
            int distance = editDistance(name, key.name());
            if (distance < bestDistance) {
                best = key.name();
                bestDistance = distance;
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static RagbackException fileError(String label, int line, String message) {
        return new RagbackException(RagbackException.Kind.MALFORMED_INPUT, label + ":" + line + ": " + message, KEYS_HINT);
    }

    /** Parses {@code key=value} pairs from {@code --set}, keeping their order. */
    public static Map<String, String> parseSetFlags(Iterable<String> pairs) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw RagbackException.usage("--set expects KEY=VALUE, got '" + Names.printable(pair) + "'");
            }
            flags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
        }
        return flags;
    }
}
