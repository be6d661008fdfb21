package dev.ragback.app.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * HMAC-SHA256 over a manifest's canonical form: the JSON tree without {@code signature}, keys
 * sorted, no whitespace. Without a key nothing is signed or checked. The key is never shown.
 */
public final class ManifestSignature {
    public static final String FIELD = "signature";
    public static final String ALGORITHM = "HMAC-SHA256";
    /** Below this many bytes doctor warns that the key is easy to guess. */
    public static final int RECOMMENDED_KEY_BYTES = 16;
    private static final String MAC = "HmacSHA256";
    private static final ObjectMapper COMPACT = new ObjectMapper();
    private static final ManifestSignature NONE = new ManifestSignature(null);

    private final byte[] key;

    private ManifestSignature(byte[] key) {
        this.key = key;
    }

    /** No key: manifests are written unsigned and any signature found is ignored. */
    public static ManifestSignature none() {
        return NONE;
    }

    /** A key, or {@link #none()} for {@code null}. */
    public static ManifestSignature of(String keyOrNull) {
        return keyOrNull == null ? NONE : new ManifestSignature(keyOrNull.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return key != null;
    }

    public int keyBytes() {
        return key == null ? 0 : key.length;
    }

    /** Replaces any signature in {@code manifest} by one made with this key; a no-op without a key. */
    void sign(ObjectNode manifest) {
        if (!enabled()) {
            return;
        }
        manifest.remove(FIELD);
        ObjectNode signature = manifest.putObject(FIELD);
        signature.put("alg", ALGORITHM);
        signature.put("value", HexFormat.of().formatHex(mac(manifest)));
    }

    /**
     * What is wrong with the signature of set {@code id}, or {@code null} when it matches or no key
     * is configured.
     */
    String problem(String id, JsonNode manifest) {
        if (!enabled()) {
            return null;
        }
        JsonNode signature = manifest.get(FIELD);
        if (signature == null || signature.isNull()) {
            return "manifest of " + id + " is not signed (RAGBACK_SIGNING_KEY is set); take a new set with the key, "
                    + "or check this one with --deep and the key unset before trusting it";
        }
        JsonNode alg = signature.get("alg");
        JsonNode value = signature.get("value");
        if (alg == null || !ALGORITHM.equals(alg.asText()) || value == null || !value.isTextual()) {
            return "signature of " + id + " is not an " + ALGORITHM + " signature ragback can read; pick another set";
        }
        byte[] claimed;
        try {
            claimed = HexFormat.of().parseHex(value.asText());
        } catch (IllegalArgumentException e) {
            claimed = new byte[0];
        }
        if (!MessageDigest.isEqual(claimed, mac(manifest))) {
            return "signature of " + id + " does not match: the manifest was changed or signed with another key; "
                    + "do not restore it, pick another set, or check that RAGBACK_SIGNING_KEY is the key the set was made with";
        }
        return null;
    }

    private byte[] mac(JsonNode manifest) {
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            return mac.doFinal(canonical(manifest).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(MAC + " is not available in this JVM", e);
        }
    }

    /** The manifest without its signature, object keys sorted at every level, no whitespace. */
    static String canonical(JsonNode manifest) {
        JsonNode unsigned = manifest;
        if (manifest instanceof ObjectNode object && object.has(FIELD)) {
            unsigned = object.deepCopy();
            ((ObjectNode) unsigned).remove(FIELD);
        }
        try {
            return COMPACT.writeValueAsString(sorted(unsigned));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a manifest tree", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        return node;
    }

    @Override
    public String toString() {
        return enabled() ? "ManifestSignature[" + ALGORITHM + ", key redacted]" : "ManifestSignature[none]";
    }
}
