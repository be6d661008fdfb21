package dev.ragback.app.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragback.app.RagbackException;
import dev.ragback.app.files.AtomicFiles;

import java.io.CharConversionException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Reads and writes manifests; a manifest that cannot be read is malformed input naming the file. */
public final class ManifestJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);
    private static final int MAX_BYTES = 64 << 20;

    private ManifestJson() {
    }

    public static Manifest read(Path file) {
        return fromTree(file, readTree(file));
    }

    static Manifest fromTree(Path file, JsonNode tree) {
        try {
            Manifest manifest = MAPPER.treeToValue(tree, Manifest.class);
            if (manifest.id() == null || manifest.status() == null) {
                throw RagbackException.malformed(file + ": not a snapshot manifest (no id or status)");
            }
            return manifest;
        } catch (JsonProcessingException e) {
            throw RagbackException.malformed(file + ": " + oneLine(e.getOriginalMessage()));
        }
    }

    static JsonNode readTree(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw RagbackException.malformed(file + ": larger than any manifest ragback writes");
            }
            JsonNode tree = MAPPER.readTree(file.toFile());
            if (tree == null || !tree.isObject()) {
                throw RagbackException.malformed(file + ": not a JSON object");
            }
            return tree;
        } catch (NoSuchFileException e) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, file + " is missing",
                    "the set is incomplete; pick another one: ragback snapshot list");
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw RagbackException.malformed(file + ": line " + line + ": " + oneLine(e.getOriginalMessage()));
        } catch (CharConversionException e) {
            throw RagbackException.malformed(file + ": not UTF-8 text: " + oneLine(e.getMessage()));
        } catch (IOException e) {
            throw RagbackException.external("cannot read " + file + ": " + e.getMessage(), null, e);
        }
    }

    private static String oneLine(String message) {
        return message == null ? "unreadable" : message.lines().findFirst().orElse("").strip();
    }

    /** Writes the manifest, signed when {@code signature} has a key. */
    public static void write(Path file, Manifest manifest, ManifestSignature signature) throws IOException {
        // signed as the tree a reader gets back from the file, so numbers compare exactly as read
        ObjectNode tree = (ObjectNode) MAPPER.readTree(MAPPER.writeValueAsString(manifest));
        signature.sign(tree);
        AtomicFiles.write(file, MAPPER.writeValueAsString(tree) + "\n", false);
    }

    /**
     * Changes top-level fields, keeping every other field as found (also ones this version does not
     * know); re-signs when {@code signature} has a key.
     */
    static void update(Path file, Map<String, Object> fields, ManifestSignature signature) throws IOException {
        ObjectNode tree = (ObjectNode) readTree(file);
        fields.forEach((name, value) -> tree.set(name, MAPPER.valueToTree(value)));
        ObjectNode reread = (ObjectNode) MAPPER.readTree(MAPPER.writeValueAsString(tree));
        signature.sign(reread);
        AtomicFiles.write(file, MAPPER.writeValueAsString(reread) + "\n", false);
    }

    /** The manifest as plain maps and lists, for JSON output. */
    public static Object asJson(Manifest manifest) {
        return MAPPER.convertValue(manifest, Object.class);
    }
}
