package dev.ragback.app.port;

/**
 * How the vector store runs, from Qdrant's {@code GET /cluster}.
 *
 * @param mode   single node ({@code disabled}), cluster ({@code enabled}), or unknown
 * @param peers  peers in the cluster; 0 on a single node or when unknown
 * @param detail what the server said, for messages
 */
public record ClusterStatus(Mode mode, int peers, String detail) {

    /** The three answers ragback can get. */
    public enum Mode {
        /** {@code "status": "disabled"}: one node holds every shard. */
        SINGLE_NODE,
        /** {@code "status": "enabled"}: a collection snapshot holds only the receiving node's shards. */
        CLUSTER,
        /** The api key may not read {@code GET /cluster} (it needs global access). */
        UNKNOWN
    }

    public static ClusterStatus singleNode() {
        return new ClusterStatus(Mode.SINGLE_NODE, 0, "disabled");
    }

    /** One line for doctor and messages, e.g. {@code cluster mode, 3 peers}. */
    public String describe() {
        return switch (mode) {
            case SINGLE_NODE -> "single node (cluster disabled)";
            case CLUSTER -> "cluster mode, " + peers + " peer" + (peers == 1 ? "" : "s");
            case UNKNOWN -> "unknown (" + detail + ")";
        };
    }
}
