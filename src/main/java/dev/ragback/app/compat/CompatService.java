package dev.ragback.app.compat;

import dev.ragback.app.RagbackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Reads, lints and queries the compatibility matrix file, and finds the live triple. */
public final class CompatService {
    private static final String BINARY = "binary";
    private static final String SCHEMA = "schema";
    private static final String COLLECTION = "collection";

    private final Path matrixFile;
    private final LiveSources live;

    /**
     * The parts of a triple: each given by the caller or read from the live system.
     *
     * @param binary     the binary version, or {@code null} when unknown
     * @param schema     the schema version, or {@code null} when unknown
     * @param collection the real collection, or {@code null} when unknown
     * @param fromLive   the parts read from the live system ({@code binary}, {@code schema}, {@code collection})
     * @param missing    each unknown part and why it is unknown
     */
    public record Lookup(String binary, String schema, String collection, List<String> fromLive,
                         Map<String, String> missing) {

        public boolean complete() {
            return missing.isEmpty();
        }

        /** The triple; only when {@link #complete()}. */
        public Triple triple() {
            if (!complete()) {
                throw new IllegalStateException("incomplete triple: " + missing.keySet());
            }
            return new Triple(binary, schema, collection);
        }
    }

    /** Without live sources: every triple must be given in full. */
    public CompatService(Path matrixFile) {
        this(matrixFile, null);
    }

    public CompatService(Path matrixFile, LiveSources live) {
        this.matrixFile = matrixFile;
        this.live = live;
    }

    /** Reads and parses the matrix; a malformed one fails naming the line, lesser problems are its warnings. */
    public CompatMatrix load() {
        String text;
        try {
            text = Files.readString(matrixFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT, "compatibility matrix " + matrixFile + " not found",
                    "set compat.matrix in ops/ragback.yaml, or run from the directory that holds compat/");
        } catch (IOException e) {
            throw new RagbackException(RagbackException.Kind.MALFORMED_INPUT,
                    "compatibility matrix " + matrixFile + " cannot be read: " + e.getMessage(), null, e);
        }
        return new MatrixParser().parse(text, matrixFile.toString());
    }

    public CompatVerdict check(Triple triple) {
        CompatMatrix matrix = load();
        return matrix.find(triple)
                .map(row -> new CompatVerdict(triple, row.status(), row.line()))
                .orElse(new CompatVerdict(triple, CompatStatus.UNKNOWN, 0));
    }

    /**
     * The triple with every {@code null} part read from the live system: the current release, the
     * newest applied migration, the real collection behind the configured one. Given parts win.
     * Fails EXTERNAL when a live system cannot be reached.
     */
    public Lookup lookUp(String binary, String schema, String collection) {
        List<String> fromLive = new ArrayList<>();
        Map<String, String> missing = new LinkedHashMap<>();
        String b = part(BINARY, binary, () -> liveSources().releases().current(),
                "no current release (see: ragback release list)", fromLive, missing);
        String s = part(SCHEMA, schema, () -> liveSources().migrations().currentVersion(),
                "no applied migration in schema_migrations", fromLive, missing);
        String c = part(COLLECTION, collection, () -> liveSources().vectors().resolve(liveSources().collection()),
                "qdrant.collection '" + (live == null ? "" : live.collection()) + "' is neither a collection nor an alias",
                fromLive, missing);
        return new Lookup(b, s, c, List.copyOf(fromLive), Collections.unmodifiableMap(missing));
    }

    /** {@link #lookUp} that insists on a complete triple: an unknown part is a usage error naming its flag. */
    public Lookup liveTriple(String binary, String schema, String collection) {
        Lookup lookup;
        try {
            lookup = lookUp(binary, schema, collection);
        } catch (RagbackException e) {
            if (e.kind() != RagbackException.Kind.EXTERNAL) {
                throw e;
            }
            throw new RagbackException(e.kind(), "cannot read the live triple: " + e.getMessage(),
                    (e.hint() == null ? "" : e.hint() + "; ") + "or give the triple with --binary, --schema and --collection", e);
        }
        if (!lookup.complete()) {
            List<String> flags = new ArrayList<>();
            List<String> reasons = new ArrayList<>();
            lookup.missing().forEach((part, why) -> {
                flags.add("--" + part + (part.equals(COLLECTION) ? " C" : " V"));
                reasons.add(part + " unknown: " + why);
            });
            throw new RagbackException(RagbackException.Kind.USAGE, "live triple incomplete: " + String.join("; ", reasons),
                    "pass " + String.join(" and ", flags));
        }
        return lookup;
    }

    private String part(String name, String given, Supplier<Optional<String>> reader, String whyMissing,
                        List<String> fromLive, Map<String, String> missing) {
        if (given != null) {
            return given;
        }
        Optional<String> value = reader.get();
        if (value.isEmpty()) {
            missing.put(name, whyMissing);
            return null;
        }
        fromLive.add(name);
        return value.get();
    }

    private LiveSources liveSources() {
        if (live == null) {
            throw new IllegalStateException("this CompatService has no live sources");
        }
        return live;
    }
}
