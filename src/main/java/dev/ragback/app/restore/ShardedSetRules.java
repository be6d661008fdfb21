package dev.ragback.app.restore;

import dev.ragback.app.RagbackException;
import dev.ragback.app.snapshot.Manifest;

import java.util.List;

/** When a set may be restored on a cluster, or a cluster set on this Qdrant: checked before anything changes. */
final class ShardedSetRules {
    private ShardedSetRules() {
    }

    static void check(Manifest manifest, boolean liveCluster, String target, boolean inPlace) {
        String id = manifest.id();
        if (!manifest.sharded()) {
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "set " + id + " holds one collection snapshot, not one"
                    + " per shard, and Qdrant runs as a cluster: recovering it would roll back only the shards of one node",
                    "nothing was changed; restore a set made on this cluster with qdrant.nodes set (ragback snapshot list)");
        }
        if (!liveCluster) {
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "set " + id + " was made on a Qdrant cluster (one"
                    + " snapshot per shard), and Qdrant runs as a single node: ragback restores it on a cluster only",
                    "nothing was changed; set qdrant.nodes to the cluster's REST URLs (docs/qdrant.md, cluster mode)");
        }
        if (inPlace) {
            throw new RagbackException(RagbackException.Kind.UNSUPPORTED, "an in-place restore of " + target + " on a cluster is"
                    + " refused: recovering shards into a live collection rolls back replicas one by one and marks others dead",
                    "nothing was changed; make qdrant.collection an alias: a restore then builds a new collection and switches"
                            + " the alias (docs/qdrant.md, cluster mode)");
        }
        Manifest.Sharding sharding = manifest.qdrant().sharding();
        List<Integer> ids = sharding.shards().stream().map(Manifest.ShardFile::shardId).toList();
        int expected = sharding.shardKeys().isEmpty() ? sharding.shardNumber() : sharding.shardNumber() * sharding.shardKeys().size();
        if (ids.size() != expected || ids.stream().distinct().count() != ids.size()) {
            throw new RagbackException(RagbackException.Kind.INTEGRITY, "set " + id + " holds " + ids.size() + " shard files "
                    + ids + ", but the collection had " + expected + " shards: a set is complete only with every shard",
                    "nothing was restored; pick another set: ragback snapshot list");
        }
    }
}
