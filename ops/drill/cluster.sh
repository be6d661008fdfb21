# `make drill CLUSTER=N`: sourced by drill.sh before its stores start; the drill then runs on a Qdrant
# cluster through qdrant.nodes (docs/qdrant.md, cluster mode): its collection has 2 shards per node and
# 2 replicas of each, and every set and restore goes shard by shard.
#   QDRANT_NODES set: your cluster (every node's REST URL, comma-separated);
#   else with Docker: ops/cluster/compose.yaml's 3 nodes (CLUSTER=3 only);
#   else: the Qdrant test double's cluster mode, N nodes on loopback ports (compiled from the test sources).
[[ "$CLUSTER" =~ ^[1-9][0-9]?$ ]] || fail "CLUSTER takes a node count from 1 to 99, e.g. make drill CLUSTER=3" 2
cluster_shards=$(( CLUSTER * 2 ))
cluster_replicas=$(( CLUSTER > 1 ? 2 : 1 ))
cluster_stop() { :; }
if [ -z "${QDRANT_NODES:-}" ]; then
  if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    [ "$CLUSTER" = 3 ] || fail "with Docker the drill's cluster is ops/cluster/compose.yaml's 3 nodes: make drill CLUSTER=3" 2
    say "CLUSTER=3: a 3-node Qdrant cluster from ops/cluster/compose.yaml"
    cluster_compose=(docker compose -f "$root/ops/cluster/compose.yaml" -p ragback-drill-cluster)
    "${cluster_compose[@]}" up -d --wait qdrant-node-1 qdrant-node-2 qdrant-node-3
    cluster_stop() { "${cluster_compose[@]}" down -v >/dev/null 2>&1 || true; }
    QDRANT_NODES=http://127.0.0.1:6343,http://127.0.0.1:6344,http://127.0.0.1:6345
  else
    say "CLUSTER=$CLUSTER: the Qdrant test double's cluster mode, $CLUSTER nodes (no Docker here)"
    if [ ! -f "$root/target/test.classpath" ] || [ "$root/pom.xml" -nt "$root/target/test.classpath" ] \
       || [ ! -f "$root/target/test-classes/dev/ragback/testing/qdrant/QdrantDoubleMain.class" ]; then
      (cd "$root" && mvn -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile=target/test.classpath >/dev/null 2>&1 || mvn -B -q test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath >/dev/null) \
        || fail "could not compile the Qdrant test double (mvn test-compile); or point the drill at your cluster: QDRANT_NODES=http://…,http://… make drill CLUSTER=3"
    fi
    mkdir -p "$drill_dir"
    rm -f "$drill_dir/qdrant-nodes.txt"
    java -XX:+UseSerialGC -Xmx512m -cp "$root/target/test-classes:$root/target/classes:$(cat "$root/target/test.classpath")" \
      dev.ragback.testing.qdrant.QdrantDoubleMain --cluster-nodes "$CLUSTER" --port 0 --urls-file "$drill_dir/qdrant-nodes.txt" \
      > "$drill_dir/qdrant-cluster.log" 2>&1 &
    cluster_pid=$!
    cluster_stop() { kill "$cluster_pid" 2>/dev/null || true; wait "$cluster_pid" 2>/dev/null || true; }
    cleanup_hooks+=(cluster_stop)
    for _ in $(seq 1 150); do [ -s "$drill_dir/qdrant-nodes.txt" ] && break; kill -0 "$cluster_pid" 2>/dev/null || break; sleep 0.1; done
    [ -s "$drill_dir/qdrant-nodes.txt" ] || fail "the Qdrant double's cluster did not start: $(tail -3 "$drill_dir/qdrant-cluster.log")"
    QDRANT_NODES=$(paste -sd, "$drill_dir/qdrant-nodes.txt")
  fi
fi
[[ " ${cleanup_hooks[*]} " == *" cluster_stop "* ]] || cleanup_hooks+=(cluster_stop)
export QDRANT_NODES
export QDRANT_URL=${QDRANT_NODES%%,*}
collection_layout=", \"shard_number\": $cluster_shards, \"replication_factor\": $cluster_replicas"
