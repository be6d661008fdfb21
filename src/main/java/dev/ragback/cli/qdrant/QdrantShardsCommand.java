package dev.ragback.cli.qdrant;

import dev.ragback.app.Names;
import dev.ragback.app.port.ShardLayout;
import dev.ragback.app.vectors.ShardsOverview;
import dev.ragback.cli.ExitCodes;
import dev.ragback.cli.Session;
import dev.ragback.config.ConfigKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            session.printJson(json(view));
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

    private static String differing(ShardLayout.Shard shard) {
        String disagreement = dev.ragback.app.vectors.ShardCounts.disagreement(shard);
        return disagreement.isEmpty() ? "" : "  <- replicas hold different points (" + disagreement + ")";
    }

    private static Map<String, Object> json(ShardsOverview.View view) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("peers", view.peers().stream().map(p -> {
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("peer_id", p.id());
            peer.put("rest_url", p.restUrl());
            peer.put("p2p_uri", p.p2pUri());
            peer.put("state", p.state());
            return peer;
        }).toList());
        out.put("collection", view.collection());
        out.put("shard_count", view.layout().shardCount());
        out.put("transfers", view.layout().transfers());
        out.put("unreachable_peers", view.layout().unreachable());
        List<Map<String, Object>> shards = view.layout().shards().stream().map(s -> {
            Map<String, Object> shard = new LinkedHashMap<>();
            shard.put("shard_id", s.id());
            shard.put("shard_key", s.key());
            shard.put("points_count", s.points());
            shard.put("all_active", s.allActive());
            shard.put("replicas", s.replicas().stream().map(r -> new Replica(r.peer(), r.state(), r.pointsCount())).toList());
            return shard;
        }).toList();
        out.put("shards", shards);
        return out;
    }

    /** One replica of a shard in {@code --json}: its peer, state and points counted exactly on its node (null: not counted). */
    record Replica(long peerId, String state, Long pointsCount) {
    }
}
