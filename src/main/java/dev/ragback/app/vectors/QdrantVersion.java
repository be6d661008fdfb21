package dev.ragback.app.vectors;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Qdrant version, {@code major.minor.patch} (a leading {@code v} and any suffix such as
 * {@code -dev} ignored). Qdrant restores a snapshot on the same or the next minor version only.
 */
public record QdrantVersion(int major, int minor, int patch) implements Comparable<QdrantVersion> {
    private static final Pattern FORM = Pattern.compile("^v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** @throws IllegalArgumentException when {@code text} does not start with a version */
    public static QdrantVersion parse(String text) {
        Matcher m = FORM.matcher(text == null ? "" : text.strip());
        if (!m.find()) {
            throw new IllegalArgumentException("not a Qdrant version: '" + text + "'");
        }
        return new QdrantVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
    }

    /** Minor versions from {@code older} to this one (negative when this one is older); across majors, a large number. */
    public int minorsAfter(QdrantVersion older) {
        return major == older.major ? minor - older.minor : (major - older.major) * 1000;
    }

    @Override
    public int compareTo(QdrantVersion other) {
        int byMajor = Integer.compare(major, other.major);
        if (byMajor != 0) {
            return byMajor;
        }
        int byMinor = Integer.compare(minor, other.minor);
        return byMinor != 0 ? byMinor : Integer.compare(patch, other.patch);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
