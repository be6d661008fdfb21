package dev.ragback.app.snapshot;

import dev.ragback.app.Background;
import dev.ragback.app.RagbackException;
import dev.ragback.app.port.CollectionInfo;
import dev.ragback.app.port.ScoredPoint;
import dev.ragback.app.port.VectorStore;

import java.util.ArrayList;
import java.util.List;

/** Golden top-k queries: each probe point's own vector, exact search, k hits (SPEC section 4). */
public final class Probes {
    /** Probe queries in flight at once: they are independent reads, and a real Qdrant answers them concurrently. */
    public static final int PARALLEL_QUERIES = 4;

    private Probes() {
    }

    /** The vector probes use: the configured name, else the unnamed vector, else the first named one ({@code null} = unnamed). */
    public static String vectorName(CollectionInfo info, String configured) {
        List<CollectionInfo.VectorParams> vectors = info.vectors();
        if (configured != null && !configured.isEmpty()) {
            if (vectors.stream().noneMatch(v -> v.name().equals(configured))) {
                throw RagbackException.malformed("qdrant.vector_name '" + configured + "' is not a vector of collection "
                        + info.name() + " (it has " + vectors.stream().map(v -> v.name().isEmpty() ? "an unnamed vector" : v.name()).toList() + ")");
            }
            return configured;
        }
        if (vectors.isEmpty() || vectors.stream().anyMatch(v -> v.name().isEmpty())) {
            return null;
        }
        return vectors.get(0).name();
    }

    /** Records the probes against the live collection. */
    public static List<Manifest.Probe> record(VectorStore store, String collection, String vectorName, int count, int k) {
        return Background.map("probe", store.firstPoints(collection, count, vectorName), PARALLEL_QUERIES,
                point -> run(store, collection, vectorName, point.id(), point.vector(), k));
    }

    static Manifest.Probe run(VectorStore store, String collection, String vectorName, Object id, float[] vector, int k) {
        List<Manifest.ProbeHit> hits = new ArrayList<>();
        double sum = 0;
        for (ScoredPoint hit : store.exactSearch(collection, vector, vectorName, k)) {
            hits.add(new Manifest.ProbeHit(hit.id(), hit.score()));
            sum += hit.score();
        }
        return new Manifest.Probe(id, k, hits, hits.isEmpty() ? 0 : sum / hits.size());
    }
}
