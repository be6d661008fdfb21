package dev.ragback.testing.qdrant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point id as Qdrant orders them: unsigned integers first, then UUIDs (kept in their canonical
 * lower-case hyphenated form, which sorts like Qdrant's 128-bit value).
 */
record PointId(long number, String uuid) implements Comparable<PointId> {
    private static final Pattern UUID = Pattern.compile(
            "(?i)([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})");

    /** Parses an id as sent in a request; {@code where} names the field for the error. */
    static PointId of(JsonNode id, String where) {
        if (id != null && id.isIntegralNumber() && id.canConvertToLong() && id.asLong() >= 0) {
            return new PointId(id.asLong(), null);
        }
        if (id != null && id.isTextual()) {
            Matcher m = UUID.matcher(id.asText());
            if (m.matches()) {
                String canonical = String.join("-", m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
                return new PointId(0, canonical.toLowerCase(Locale.ROOT));
            }
        }
        throw QdrantError.format(where + ": id must be an unsigned integer or a UUID, got " + id);
    }

    JsonNode json() {
        return uuid == null ? LongNode.valueOf(number) : TextNode.valueOf(uuid);
    }

    @Override
    public int compareTo(PointId other) {
        if (uuid == null && other.uuid == null) {
            return Long.compareUnsigned(number, other.number);
        }
        if (uuid == null || other.uuid == null) {
            return uuid == null ? -1 : 1;
        }
        return uuid.compareTo(other.uuid);
    }

    @Override
    public String toString() {
        return uuid == null ? Long.toString(number) : uuid;
    }
}
