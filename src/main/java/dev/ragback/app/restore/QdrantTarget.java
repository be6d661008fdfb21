package dev.ragback.app.restore;

import dev.ragback.app.compat.Triple;
import dev.ragback.app.snapshot.Manifest;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a restore puts the set's collection: a new shadow collection whose aliases are then moved,
 * or the configured plain collection, recovered in place. The one place this is decided.
 *
 * @param collection         the collection the snapshot is uploaded into
 * @param inPlace            true: {@code collection} is the configured plain collection
 * @param aliasesToSwitch    aliases pointed at {@code collection} once it is green (in place: the manifest's, recreated)
 * @param previousCollection the collection the configured alias points at now, or {@code null}
 */
public record QdrantTarget(String collection, boolean inPlace, List<String> aliasesToSwitch, String previousCollection) {

    /** The live store's names, asked only when the decision needs them. */
    public interface LiveNames {
        /** A collection (not an alias) has this name now. */
        boolean collectionNamed(String name);

        /** Every collection and alias name in use now. */
        Set<String> taken();
    }

    /**
     * Alias mode when {@code configured} is a live alias, or was one in the set and no collection has the
     * name now (a new collection can take it); otherwise in place.
     */
    public static QdrantTarget choose(String configured, Optional<String> liveAlias, Manifest manifest, LiveNames live) {
        boolean aliasInSet = manifest.qdrant().aliases().stream().anyMatch(a -> a.aliasName().equals(configured));
        if (liveAlias.isPresent() || aliasInSet && !live.collectionNamed(configured)) {
            String shadow = shadowName(Triple.matrixCollection(manifest.qdrant().collection()) + "_r" + manifest.id(), live.taken());
            Set<String> names = new LinkedHashSet<>();
            names.add(configured);
            manifest.qdrant().aliases().forEach(a -> names.add(a.aliasName()));
            return new QdrantTarget(shadow, configured.equals(shadow), List.copyOf(names), liveAlias.orElse(null));
        }
        List<String> aliases = manifest.qdrant().aliases().stream().map(Manifest.AliasEntry::aliasName).distinct().toList();
        return new QdrantTarget(configured, true, aliases, null);
    }

    /**
     * {@code base}, or {@code base_<n>} with the next free n: a restore never uploads into a
     * collection that exists, least of all the live one (SPEC section 5; issue 14 item 2).
     */
    private static String shadowName(String base, Set<String> taken) {
        String name = base;
        for (int n = 2; taken.contains(name); n++) {
            name = base + "_" + n;
        }
        return name;
    }
}
