package dev.ragback.app.vectors;

import dev.ragback.app.RagbackException;
import dev.ragback.app.compat.Triple;
import dev.ragback.app.port.Alias;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.SnapshotInfo;
import dev.ragback.app.port.VectorStore;

import java.util.ArrayList;
import java.util.List;

/** What {@code ragback qdrant collections} and {@code qdrant snapshots} show, for troubleshooting. */
public final class CollectionsOverview {

    /**
     * One collection.
     *
     * @param note what ragback knows of it, e.g. that a restore created it or left it behind; or {@code null}
     */
    public record Row(String name, String status, Long points, List<String> aliases, String note) {
    }

    private final VectorStore store;

    public CollectionsOverview(VectorStore store) {
        this.store = store;
    }

    public List<Row> collections() {
        List<Alias> aliases = store.aliases();
        List<Row> rows = new ArrayList<>();
        for (String name : store.collectionNames()) {
            CollectionInfo info = store.collection(name).orElse(null);
            List<String> pointing = aliases.stream().filter(a -> a.collectionName().equals(name)).map(Alias::aliasName).toList();
            rows.add(new Row(name, info == null ? "gone" : info.status(), info == null ? null : info.pointsCount(), pointing,
                    note(name, pointing, aliases)));
        }
        return rows;
    }

    private static String note(String name, List<String> pointing, List<Alias> aliases) {
        String base = Triple.matrixCollection(name);
        boolean restored = !base.equals(name);
        boolean aliasOfFamily = aliases.stream().anyMatch(a -> Triple.matrixCollection(a.collectionName()).equals(base)
                && !a.collectionName().equals(name));
        if (pointing.isEmpty() && aliasOfFamily) {
            return "no alias points here: kept by a restore so it can be undone; when no longer needed: ragback qdrant drop " + name;
        }
        return restored ? "created by ragback restore (set " + name.substring(base.length() + 2) + ")" : null;
    }

    /** The real collection behind {@code nameOrAlias}, or a clear failure. */
    public String resolve(String nameOrAlias) {
        return store.resolve(nameOrAlias).orElseThrow(() -> RagbackException.external(
                "Qdrant has no collection or alias '" + nameOrAlias + "'",
                "list them: ragback qdrant collections", null));
    }

    public List<SnapshotInfo> snapshots(String nameOrAlias) {
        return store.snapshots(resolve(nameOrAlias));
    }

    /** A snapshot file ragback uploaded and did not delete, in {@code collection}'s snapshot directory. */
    public record Leftover(String collection, SnapshotInfo snapshot) {
    }

    /**
     * The files ragback left on the Qdrant host, in every collection's snapshots (an upload whose
     * collection is gone cannot be listed through the API, so it is not among them).
     */
    public List<Leftover> leftovers() {
        List<Leftover> left = new ArrayList<>();
        for (String name : store.collectionNames()) {
            store.snapshots(name).stream().filter(s -> UploadedCopy.leftByRagback(s.name()))
                    .forEach(s -> left.add(new Leftover(name, s)));
        }
        return left;
    }

    /** Deletes the given leftovers; returns how many bytes that freed on the Qdrant host. */
    public long delete(List<Leftover> leftovers) {
        long freed = 0;
        for (Leftover leftover : leftovers) {
            store.deleteSnapshot(leftover.collection(), leftover.snapshot().name());
            freed += leftover.snapshot().size();
        }
        return freed;
    }
}
