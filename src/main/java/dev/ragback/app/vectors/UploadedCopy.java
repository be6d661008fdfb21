package dev.ragback.app.vectors;

import dev.ragback.app.RagbackException;
import dev.ragback.app.port.VectorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The copy Qdrant keeps of every uploaded snapshot, at {@code snapshots/<collection>/<name>} (SPEC
 * section 13, Qdrant issue #10207): a full copy of the collection on the Qdrant host until it is
 * deleted. ragback uploads under a name of its own ({@value #PREFIX}...) and deletes the copy through
 * the API once the upload is answered, whether the recovery worked or not, and before it deletes a
 * half-made collection: once that is gone, the API cannot reach the copy.
 */
public final class UploadedCopy {
    /** Every file ragback uploads starts with this; {@code qdrant snapshots} and doctor mark such files. */
    public static final String PREFIX = "ragback-";
    private static final Logger LOG = LoggerFactory.getLogger(UploadedCopy.class);
    private static final int MAX_NAME_PART = 100;

    private final VectorStore store;
    private final String collection;
    private final String name;
    private final long size;
    private final AtomicLong sent = new AtomicLong();

    /** @param size bytes of the file to upload */
    public UploadedCopy(VectorStore store, String collection, String name, long size) {
        this.store = store;
        this.collection = collection;
        this.name = name;
        this.size = size;
    }

    /** The name a restore of set {@code setId} into {@code target} uploads under. */
    public static String forRestore(String setId, String target) {
        return PREFIX + setId + "-" + shorten(target) + ".snapshot";
    }

    /** The name {@code qdrant recover} uploads {@code snapshot} back under: never the original's, which would be replaced. */
    public static String forRecover(String snapshot) {
        String base = snapshot.endsWith(".snapshot") ? snapshot.substring(0, snapshot.length() - 9) : snapshot;
        return PREFIX + "recover-" + shorten(base) + ".snapshot";
    }

    /** True for a server-side file ragback uploaded (and should have deleted). */
    public static boolean leftByRagback(String snapshotName) {
        return snapshotName.startsWith(PREFIX);
    }

    public String name() {
        return name;
    }

    /** Counts the bytes that went out, then tells {@code progress}. */
    public LongConsumer counting(LongConsumer progress) {
        return bytes -> {
            sent.set(bytes);
            progress.accept(bytes);
        };
    }

    /**
     * Deletes the server's copy. Returns {@code null} when it is gone (or never got there: the whole
     * file must go out before Qdrant keeps it), else what is left and how to remove it.
     */
    public String remove() {
        if (sent.get() < size) {
            return null;
        }
        boolean interrupted = Thread.interrupted(); // an interrupt would stop the very calls that clean up
        try {
            if (store.collectionExists(collection)) {
                store.deleteSnapshot(collection, name);
            } else {
                reclaim();
            }
            return null;
        } catch (RagbackException e) {
            LOG.warn("the uploaded copy {} of {} stays on the Qdrant host: {}", name, collection, e.getMessage());
            return "the uploaded copy " + name + " stays on the Qdrant host (" + e.getMessage()
                    + "); remove it: ragback qdrant prune-snapshots --yes";
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // Qdrant keeps the upload even when no collection came of it, in a directory only a collection of that
    // name reaches through the API: make one for as long as it takes to delete the file
    private void reclaim() {
        LOG.debug("no collection {}: reaching its snapshot directory through a placeholder", collection);
        store.createPlaceholderCollection(collection);
        try {
            store.deleteSnapshot(collection, name);
        } finally {
            store.deleteCollection(collection);
        }
    }

    private static String shorten(String part) {
        return part.length() <= MAX_NAME_PART ? part : part.substring(0, MAX_NAME_PART);
    }
}
