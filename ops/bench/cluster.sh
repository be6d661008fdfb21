# Sourced by bench.sh for BENCH_PHASES "cluster" (issue 18): the bench's points in a 3-node cluster of the
# Qdrant test double (6 shards, 2 replicas each) against the same points on the single-node double;
# `snapshot restore --only qdrant` of each, alternated. A cluster restore loads its shards in parallel
# (qdrant.parallel_shards), so it should stay near the single node's rather than add up six shards.
cluster_drop_kept() { # the collections a restore kept for undo, so the double does not hold one per run
  python3 - "$1" "$BENCH_ALIAS" <<'PY'
import json, sys, urllib.request
url, alias = sys.argv[1], sys.argv[2]
get = lambda path: json.load(urllib.request.urlopen(url + path))["result"]
live = {a["collection_name"] for a in get("/aliases")["aliases"] if a["alias_name"] == alias}
for c in get("/collections")["collections"]:
    if c["name"] not in live:
        urllib.request.urlopen(urllib.request.Request(url + "/collections/" + c["name"], method="DELETE")).read()
PY
}
if [ -n "$user_qdrant" ]; then
  bench_log "cluster: skipped (QDRANT_URL is yours; the cluster row runs on the test double)"
else
  bench_log "cluster: 3 nodes of the test double, $chunks points in 6 shards x 2 replicas, vs the single node"
  cluster_cp="$BENCH_ROOT/target/test-classes:$BENCH_ROOT/target/classes:$(cat "$BENCH_ROOT/target/test.classpath")"
  java -XX:+UseSerialGC -Xmx"$(( chunks * 64 / 1024 + 512 ))m" -Dsun.net.httpserver.nodelay=true -cp "$cluster_cp" \
    dev.ragback.testing.qdrant.QdrantDoubleMain --cluster-nodes 3 --port 0 --urls-file "$BENCH_TMP/cluster-nodes.txt" \
    > "$BENCH_TMP/cluster.out" 2>&1 &
  BENCH_PIDS+=("$!")
  for _ in $(seq 1 150); do [ -s "$BENCH_TMP/cluster-nodes.txt" ] && break; sleep 0.1; done
  [ -s "$BENCH_TMP/cluster-nodes.txt" ] || fail "the cluster double did not start: $(tail -3 "$BENCH_TMP/cluster.out")"
  cluster_nodes=$(paste -sd, "$BENCH_TMP/cluster-nodes.txt")
  cluster_url=${cluster_nodes%%,*}
  curl -fsS -X PUT "$cluster_url/collections/$BENCH_COLLECTION" -H 'Content-Type: application/json' \
    -d '{"vectors": {"size": 384, "distance": "Cosine"}, "shard_number": 6, "replication_factor": 2}' >/dev/null
  curl -fsS -X POST "$cluster_url/collections/aliases" -H 'Content-Type: application/json' -d "{\"actions\":
    [{\"create_alias\": {\"collection_name\": \"$BENCH_COLLECTION\", \"alias_name\": \"$BENCH_ALIAS\"}}]}" >/dev/null
  python3 "$BENCH_ROOT/ops/bench/dataset.py" qdrant "$cluster_url" "$BENCH_COLLECTION" "$chunks"
  on_cluster=(env QDRANT_NODES="$cluster_nodes" QDRANT_URL="$cluster_url" RAGBACK_BACKUPS="$work/cluster-sets")
  cluster_set=$("${on_cluster[@]}" "$ragback" --json snapshot create --label bench-cluster \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  for i in $(seq 1 "$runs"); do
    run cluster.restore "${on_cluster[@]}" "$ragback" -q snapshot restore "$cluster_set" --only qdrant --yes
    cluster_drop_kept "$cluster_url"
    run single.restore "$ragback" -q snapshot restore "$golden" --only qdrant --yes
    cluster_drop_kept "$QDRANT_URL"
  done
fi
