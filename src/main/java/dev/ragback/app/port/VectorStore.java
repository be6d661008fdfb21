package dev.ragback.app.port;

import java.nio.file.Path;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.Optional;

/**
 * The vector store behind the RAG pipeline (Qdrant). Calls fail with a
 * {@link dev.ragback.app.RagbackException} of kind EXTERNAL, whose message names the server and
 * the cause and never carries a credential.
 */
public interface VectorStore {

    /** Server version, e.g. {@code 1.19.0}. */
    String serverVersion();

    /** True when the server says it is ready to serve. */
    boolean ready();

    /** Single node or cluster ({@code GET /cluster}); UNKNOWN when the key may not ask. */
    ClusterStatus clusterStatus();

    /**
     * Fails, changing nothing, unless the api key may manage collections (uploads, recovers and alias
     * changes need a global manage key): the failure says so.
     */
    void checkManageAccess();

    /** True when a collection or an alias of that name exists. */
    boolean collectionExists(String name);

    /** Creates a collection with one 1-dimensional vector: a placeholder, e.g. to reach a snapshot directory. */
    void createPlaceholderCollection(String name);

    /** Names of every collection (aliases not included). */
    List<String> collectionNames();

    /** The collection with this exact name, or empty when there is none. */
    Optional<CollectionInfo> collection(String name);

    /** Every alias on the server. */
    List<Alias> aliases();

    /** The collection an alias points at, or empty when {@code alias} is not an alias. */
    Optional<String> resolveAlias(String alias);

    /**
     * The real collection behind {@code name}: the alias target when {@code name} is an alias,
     * {@code name} itself when it is a collection, empty when it is neither.
     */
    default Optional<String> resolve(String name) {
        Optional<String> target = resolveAlias(name);
        if (target.isPresent()) {
            return target;
        }
        return collection(name).map(CollectionInfo::name);
    }

    /** Takes a snapshot of {@code collection} (a real collection, not an alias) and waits for it. */
    SnapshotInfo createSnapshot(String collection);

    /** The snapshots the server holds for {@code collection}. */
    List<SnapshotInfo> snapshots(String collection);

    /**
     * Streams a server-side snapshot into a new file at {@code target}, hashing while writing,
     * with an idle timeout rather than a total one; the file is fsynced when this returns.
     */
    default dev.ragback.app.files.FileDigest downloadSnapshot(String collection, String snapshot, Path target,
                                                              String relativePath, LongConsumer progress) {
        return downloadSnapshot(collection, snapshot, dev.ragback.app.files.FileTarget.file(target), relativePath, progress);
    }

    /**
     * Streams a server-side snapshot into {@code target} (a local file or an object upload), hashing
     * while writing, with an idle timeout rather than a total one. A retried transfer opens the
     * target again; an attempt that fails closes its output unfinished.
     */
    dev.ragback.app.files.FileDigest downloadSnapshot(String collection, String snapshot, dev.ragback.app.files.FileTarget target,
                                                      String relativePath, LongConsumer progress);

    /** Deletes a server-side snapshot. */
    void deleteSnapshot(String collection, String snapshot);

    /** The exact number of points. */
    long countPoints(String collection);

    /**
     * Up to {@code limit} points in id order, with the vector {@code vectorName} ({@code null}:
     * the unnamed vector).
     */
    List<VectorPoint> firstPoints(String collection, int limit, String vectorName);

    /**
     * The vector {@code vectorName} ({@code null}: the unnamed vector) of the point {@code id}
     * (a {@link Long} or a UUID {@link String}); empty when there is no such point, or it lacks that vector.
     */
    Optional<float[]> vector(String collection, Object id, String vectorName);

    /** Exact (not approximate) top-{@code limit} search with {@code vector} against {@code vectorName}. */
    List<ScoredPoint> exactSearch(String collection, float[] vector, String vectorName, int limit);

    /**
     * One alias change; a list of them is applied by the server all at once.
     *
     * @param delete     true: remove {@code alias}; false: point {@code alias} at {@code collection}
     * @param alias      alias name
     * @param collection target collection (ignored for a delete)
     */
    record AliasAction(boolean delete, String alias, String collection) {
        public static AliasAction remove(String alias) {
            return new AliasAction(true, alias, null);
        }

        public static AliasAction create(String alias, String collection) {
            return new AliasAction(false, alias, collection);
        }
    }

    /**
     * Recovers {@code collection} from a snapshot file (created when it does not exist, its points
     * replaced when it does), streamed; the server checks {@code sha256} first. The server keeps the
     * file as {@code uploadName} among {@code collection}'s snapshots: delete it afterwards
     * ({@link #deleteSnapshot}). Sent once: a refused connection is tried again, nothing else is.
     *
     * @param bytesSent told how much of the file has gone out
     * @throws UploadInDoubt when the whole file went out but no answer came back: the server may
     *                       still be recovering
     */
    void uploadSnapshot(String collection, Path file, String sha256, String uploadName, LongConsumer bytesSent);

    /** Recovers {@code collection} from a snapshot the server can reach itself, checksum verified. */
    void recoverSnapshot(String collection, String location, String sha256);

    /** Deletes a collection; no error when there is none. */
    void deleteCollection(String collection);

    /** Applies alias changes in one request (visible all at once). */
    void updateAliases(List<AliasAction> actions);
}
