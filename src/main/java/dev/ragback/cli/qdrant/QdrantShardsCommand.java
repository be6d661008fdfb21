package dev.ragback.cli.qdrant;

import dev.ragback.app.Names;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.vectors.ShardCounts;
import dev.ragback.app.vectors.ShardsOverview;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import dev.ragback.config.ConfigKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "shards", description = "On a cluster (qdrant.nodes): the peers, and the collection's shards with their "
        + "replicas, states and peers; marks every shard with a replica that is not Active.")
final class QdrantShardsCommand implements Callable<Integer> {
    private final Session session;

    @Option(names = "--collection", paramLabel = "C", description = "Collection or alias (default: qdrant.collection).")
    String collection;

    QdrantShardsCommand(Session session) {
        this.session = session;
    }

    @Override
    public Integer call() {
        String name = Names.require("collection", collection == null ? session.config().get(ConfigKeys.QDRANT_COLLECTION) : collection);
        ShardsOverview.View view = session.services().shardsOverview().shards(name, true);
        if (session.json()) {
            session.printJson(Document.of(view));
            return ExitCodes.OK;
        }
        session.out().printf("%-20s %-28s %-28s %s%n", "PEER", "REST URL", "P2P URI", "STATE");
        for (ShardLayout.Peer peer : view.peers()) {
            session.out().printf("%-20d %-28s %-28s %s%n", peer.id(), peer.restUrl() == null ? "-" : peer.restUrl(), peer.p2pUri(),
                    peer.state());
        }
        session.out().println();
        session.out().println(view.asked().equals(view.collection()) ? view.collection() : view.asked() + " -> " + view.collection());
        session.out().printf("%-6s %-12s %10s  %s%n", "SHARD", "KEY", "POINTS", "REPLICAS (peer: state)");
        for (ShardLayout.Shard shard : view.layout().shards()) {
            session.out().printf("%-6d %-12s %10s  %s%s%n", shard.id(), shard.key() == null ? "-" : shard.key(),
                    shard.points() == null ? "-" : shard.points(), String.join(", ", shard.replicas().stream()
                            .map(r -> r.peer() + ": " + r.state()).toList()), shard.allActive() ? differing(shard) : "  <- not Active");
        }
        session.out().println(view.layout().shardCount() + " shards, " + view.layout().transfers() + " transfers running"
                + (view.layout().unreachable().isEmpty() ? "" : ", no answer from peers " + view.layout().unreachable()));
        return ExitCodes.OK;
    }

    /** {@code --json}: the peers, then the collection's shards (the alias resolved). */
    record Document(List<PeerRow> peers, String collection, int shardCount, int transfers, List<Long> unreachablePeers,
                    List<ShardRow> shards) {
        static Document of(ShardsOverview.View view) {
            return new Document(view.peers().stream().map(p -> new PeerRow(p.id(), p.restUrl(), p.p2pUri(), p.state())).toList(),
                    view.collection(), view.layout().shardCount(), view.layout().transfers(), view.layout().unreachable(),
                    view.layout().shards().stream().map(s -> new ShardRow(s.id(), s.key(), s.points(), s.allActive(),
                            s.replicas().stream().map(r -> new Replica(r.peer(), r.state(), r.pointsCount())).toList())).toList());
        }
    }

    record PeerRow(long peerId, String restUrl, String p2pUri, String state) {
    }

    /** @param shardKey its custom shard key (a string or a number), {@code null} with automatic sharding */
    record ShardRow(int shardId, Object shardKey, Long pointsCount, boolean allActive, List<Replica> replicas) {
    }

    private static String differing(ShardLayout.Shard shard) {
        String disagreement = ShardCounts.disagreement(shard);
        return disagreement.isEmpty() ? "" : "  <- replicas hold different points (" + disagreement + ")";
    }

    /** One replica of a shard in {@code --json}: its peer, state and points counted exactly on its node (null: not counted). */
    record Replica(long peerId, String state, Long pointsCount) {
    }
}
