package dev.ragback.testing.qdrant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Qdrant cluster of doubles: N nodes on free loopback ports sharing one cluster state (peers,
 * collections and aliases, shard placement, replica states), as Qdrant's consensus shares them.
 * {@code GET /cluster} is "enabled" on every node with its own {@code peer_id}; collections are placed
 * as shards × replicas over the peers; writes and reads from any node see the whole collection; shard
 * snapshots and collection snapshots are per node, of the shards that node holds. Each node keeps its
 * own snapshot files, request log and fault switches ({@link #node(int)}).
 */
public final class QdrantDoubleCluster implements AutoCloseable {
    private final ClusterState state;
    private final List<QdrantDouble> nodes = new ArrayList<>();

    private QdrantDoubleCluster(int nodes, String apiKey, int firstPort) {
        state = new ClusterState(nodes);
        CollectionStore store = new CollectionStore();
        try {
            for (int i = 0; i < nodes; i++) {
                int port = firstPort == 0 ? 0 : firstPort + i;
                this.nodes.add(new QdrantDouble(apiKey, null, port, store, state, i, false));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@code nodes} nodes on free loopback ports, without authentication. */
    public static QdrantDoubleCluster start(int nodes) {
        return start(nodes, null);
    }

    /** {@code nodes} nodes on free loopback ports; every node answers 401 without this api key ({@code null}: none). */
    public static QdrantDoubleCluster start(int nodes, String apiKey) {
        return new QdrantDoubleCluster(nodes, apiKey, 0);
    }

    /** {@code nodes} nodes on ports {@code firstPort} … {@code firstPort + nodes - 1} (for a process run by hand). */
    public static QdrantDoubleCluster startOnPorts(int nodes, String apiKey, int firstPort) {
        return new QdrantDoubleCluster(nodes, apiKey, firstPort);
    }

    /** The nodes' REST base URLs in node order, e.g. {@code http://127.0.0.1:41234}. */
    public List<String> urls() {
        return nodes.stream().map(n -> n.url().toString()).toList();
    }

    public QdrantDouble node(int index) {
        return nodes.get(index);
    }

    public int size() {
        return nodes.size();
    }

    public long peerId(int index) {
        return state.peer(index).id();
    }

    /** The p2p URI {@code /cluster} reports for the node, e.g. {@code http://qdrant-node-1:6335/}. */
    public String peerUri(int index) {
        return state.peer(index).uri();
    }

    /** How long a new replica stays Initializing (or a fed replica Partial) before Active; default 200 ms. */
    public void activationDelay(Duration delay) {
        state.activationDelay(delay);
    }

    /**
     * The node stops answering: connections to it are closed without an answer. The other nodes still
     * list its peer in {@code /cluster}, with message send failures; its replicas turn Dead when a write
     * reaches their shard, as Qdrant's write path reports them.
     */
    public void down(int index) {
        state.down(index);
        nodes.get(index).down(true);
    }

    /** The node answers again; its Dead replicas are fed from an Active one (Dead, Partial with a transfer, Active). */
    public void up(int index) {
        nodes.get(index).down(false);
        state.up(index);
    }

    /**
     * That node's replica of the shard never leaves Partial (or Initializing, shown as Partial) once
     * it is not Active; {@code collection} may be {@value ClusterState#ANY_COLLECTION} for every
     * collection, including ones created later (a restore's new collection).
     */
    public void stuckPartial(String collection, int shardId, int index) {
        state.stuckPartial(collection, shardId, peerId(index));
    }

    /**
     * The next shard snapshot upload of that shard, on any node, reads its body then answers 500 and
     * changes nothing; {@code collection} may be {@value ClusterState#ANY_COLLECTION}.
     */
    public void failShardUpload(String collection, int shardId) {
        state.failShardUpload(collection, shardId);
    }

    /** Stops every node and deletes their snapshot files. */
    @Override
    public void close() {
        nodes.forEach(QdrantDouble::close);
    }

    @Override
    public String toString() {
        return "QdrantDoubleCluster" + urls();
    }
}
