package dev.ragback.testing.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Collects texts a program left behind (its output, files, rows, requests, argv) and finds the
 * secrets in them: each value as is, URL-encoded, JSON-escaped, base64-encoded, and its random tail
 * alone (a truncated or partly masked secret still counts).
 *
 * <pre>{@code
 * SecretScanner scan = new SecretScanner().secret("PGPASSWORD", password);
 * scan.add("stdout", "doctor", result.stdout());
 * scan.addFiles("file", work.resolve("backups"));
 * assertEquals(List.of(), scan.hits());
 * }</pre>
 */
public final class SecretScanner {
    private static final int MIN_TAIL = 12;

    /** One collected text; {@code kind} groups them in {@link #countsByKind()}. */
    public record Artifact(String kind, String name, String text) {
    }

    /** A secret (in one of its forms) found in an artifact. */
    public record Hit(String secret, String form, Artifact artifact) {
        @Override
        public String toString() {
            return secret + " (" + form + ") in " + artifact.kind() + " " + artifact.name();
        }
    }

    private final Map<String, Map<String, String>> needles = new LinkedHashMap<>();
    private final List<Artifact> artifacts = new ArrayList<>();

    /** Looks for {@code value} under the label {@code name}. */
    public SecretScanner secret(String name, String value) {
        Map<String, String> forms = new LinkedHashMap<>();
        forms.put("plain", value);
        forms.put("url-encoded", URLEncoder.encode(value, StandardCharsets.UTF_8));
        forms.put("json-escaped", value.replace("/", "\\/"));
        forms.put("base64", Base64.getEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        String tail = value.substring(Math.max(value.lastIndexOf('-'), value.lastIndexOf('/')) + 1);
        if (tail.length() >= MIN_TAIL && !tail.equals(value)) {
            forms.put("random tail", tail);
        }
        // one hit per place, not one per form that happens to equal the plain value
        Map<String, String> distinct = new LinkedHashMap<>();
        forms.forEach((form, needle) -> {
            if (!distinct.containsValue(needle)) {
                distinct.put(form, needle);
            }
        });
        needles.put(name, distinct);
        return this;
    }

    public Set<String> secretNames() {
        return needles.keySet();
    }

    public void add(String kind, String name, String text) {
        artifacts.add(new Artifact(kind, name, text == null ? "" : text));
    }

    /** Every regular file under {@code root} (when it exists), read byte for byte, as one artifact each. */
    public void addFiles(String kind, Path root) {
        if (!Files.isDirectory(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                // ISO-8859-1 maps each byte to one char, so ASCII needles match wherever they sit in binary files too
                add(kind, file.toString(), new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root, e);
        }
    }

    public List<Artifact> artifacts() {
        return List.copyOf(artifacts);
    }

    public Map<String, Integer> countsByKind() {
        Map<String, Integer> counts = new TreeMap<>();
        artifacts.forEach(a -> counts.merge(a.kind(), 1, Integer::sum));
        return counts;
    }

    public List<Hit> hits() {
        return hits(artifacts);
    }

    public List<Hit> hits(List<Artifact> scanned) {
        Set<Hit> hits = new LinkedHashSet<>();
        for (Artifact artifact : scanned) {
            needles.forEach((name, forms) -> forms.forEach((form, needle) -> {
                if (artifact.text().contains(needle)) {
                    hits.add(new Hit(name, form, artifact));
                }
            }));
        }
        return List.copyOf(hits);
    }
}
