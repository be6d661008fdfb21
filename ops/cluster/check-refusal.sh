#!/usr/bin/env bash
# CI: start a 3-node Qdrant cluster from ops/cluster/compose.yaml. Without qdrant.nodes ragback refuses
# it (issue 13): snapshot create, snapshot restore, rollback auto and qdrant recover exit 2 naming
# cluster mode before they change anything; doctor fails its qdrant line. With qdrant.nodes (issue 18)
# a set made on a single node is refused, and a cluster set round-trips: create -> damage -> verify
# (exit 3) -> restore into a new collection behind the alias -> verify (exit 0), every point back.
# Needs Docker, curl, python3 and target/ragback.jar (make build). Against servers of your own
# instead: CLUSTER_URL, CLUSTER_NODES (every node's REST URL, commas between) and SINGLE_URL (and PG*
# for PostgreSQL) skip the compose file.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd -P)
ragback="$root/bin/ragback"
compose=(docker compose -f "$root/ops/cluster/compose.yaml" -p ragback-cluster)
work=$(mktemp -d /tmp/ragback-cluster.XXXXXX)
fail() { printf 'cluster check: %s\n' "$*" >&2; exit 1; }
cleanup() { "${compose[@]}" down -v >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

[ -f "$root/target/ragback.jar" ] || fail "target/ragback.jar is missing; run: make build"
if [ -z "${CLUSTER_URL:-}" ]; then
  mkdir -p "$root/ops/state"
  [ -f "$root/ops/state/cluster-pg-password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$root/ops/state/cluster-pg-password")
  "${compose[@]}" up -d --wait
  export PGHOST=127.0.0.1 PGPORT=55433 PGUSER=rag PGDATABASE=ragdb
  PGPASSWORD=$(cat "$root/ops/state/cluster-pg-password"); export PGPASSWORD
else
  compose=(true)
fi
export QDRANT_COLLECTION=rag_main
single=${SINGLE_URL:-http://127.0.0.1:6353}
cluster=${CLUSTER_URL:-http://127.0.0.1:6343}
q() { curl -fsS -H 'Content-Type: application/json' "$@"; }

peers=$(q "$cluster/cluster" | python3 -c 'import json,sys; r=json.load(sys.stdin)["result"]; print(r["status"], len(r.get("peers", {})))')
[ "$peers" = "enabled 3" ] || fail "expected a cluster of 3 peers, GET /cluster says: $peers"

# the same collection and alias on both: a set is made on the single node, then aimed at the cluster
for url in "$single" "$cluster"; do
  q -X PUT "$url/collections/rag_main_v1" -d '{"vectors": {"size": 4, "distance": "Cosine"}, "shard_number": 3, "replication_factor": 2}' >/dev/null
  q -X POST "$url/collections/aliases" -d '{"actions": [{"create_alias": {"collection_name": "rag_main_v1", "alias_name": "rag_main"}}]}' >/dev/null
  python3 -c 'import json; print(json.dumps({"points": [{"id": i, "vector": [i % 7 + 0.5, i % 11, i % 13, 1.0]} for i in range(1, 301)]}))' \
    | q -X PUT "$url/collections/rag_main_v1/points?wait=true" --data-binary @- >/dev/null
done

cd "$work"
mkdir -p ops/state
printf 'migrations:\n  dir: %s/ops/migrations\n' "$root" > ops/ragback.yaml
echo 100 > ops/state/traffic
"$ragback" migrate up --to v1.0.0
QDRANT_URL=$single "$ragback" snapshot create --golden --label cluster-check
server_snapshot=$(q -X POST "$cluster/collections/rag_main_v1/snapshots?wait=true" | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["name"])')
count() { q -X POST "$cluster/collections/rag_main_v1/points/count" -d '{"exact": true}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["result"]["count"])'; }
aliases() { q "$cluster/aliases" | python3 -c 'import json,sys; print(sorted((a["alias_name"], a["collection_name"]) for a in json.load(sys.stdin)["result"]["aliases"]))'; }
points_before=$(count)
aliases_before=$(aliases)

export QDRANT_URL=$cluster
refused() {
  local out code
  set +e; out=$("$ragback" "$@" 2>&1); code=$?; set -e
  [ "$code" -eq 2 ] || fail "ragback $* exited $code, not 2: $out"
  grep -q "Qdrant runs in cluster mode (cluster mode, 3 peers)" <<<"$out" || fail "ragback $* did not name cluster mode: $out"
  echo "refused (exit 2): ragback $*"
}
refused snapshot create
refused snapshot restore --yes
refused rollback auto --reason manual --yes
refused qdrant recover "$server_snapshot" --yes

set +e; doctor=$("$ragback" doctor 2>&1); code=$?; set -e
[ "$code" -eq 1 ] && grep -q "cluster mode, 3 peers" <<<"$doctor" || fail "doctor (exit $code) did not fail on cluster mode: $doctor"
echo "doctor: fails its qdrant line on cluster mode"

[ "$(count)" = "$points_before" ] || fail "the cluster's points changed"
[ "$(aliases)" = "$aliases_before" ] || fail "the cluster's aliases changed"
[ "$(cat ops/state/traffic)" = "100" ] || fail "traffic was changed"
extra=$(q "$cluster/collections/rag_main_v1/snapshots" | python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)["result"] if s["name"].startswith("ragback-")))')
[ -z "$extra" ] || fail "ragback uploaded to the cluster: $extra"
echo "cluster check: ok: ragback refused the 3-node cluster without qdrant.nodes and changed nothing"

# with every node's REST URL: the set made on the single node is still refused, a cluster set round-trips
export QDRANT_NODES=${CLUSTER_NODES:-http://127.0.0.1:6343,http://127.0.0.1:6344,http://127.0.0.1:6345}
set +e; out=$("$ragback" snapshot restore --yes 2>&1); code=$?; set -e
[ "$code" -eq 2 ] && grep -q "holds one collection snapshot, not one per shard" <<<"$out" \
  || fail "a single-node set restored onto the cluster (exit $code): $out"
echo "refused (exit 2): a single-node set on the cluster"
"$ragback" qdrant shards
"$ragback" snapshot create --golden --label cluster-roundtrip
scroll() { q -X POST "$cluster/collections/rag_main/points/scroll" -d '{"limit": 1000, "with_payload": true, "with_vector": true}' \
  | python3 -c 'import json,sys; print(json.dumps(sorted((p["id"], p["vector"], p["payload"]) for p in json.load(sys.stdin)["result"]["points"])))'; }
points_set=$(scroll)
q -X POST "$cluster/collections/rag_main_v1/points/delete?wait=true" -d '{"points": [1, 2, 3, 150]}' >/dev/null
set +e; "$ragback" verify >/dev/null 2>&1; code=$?; set -e
[ "$code" -eq 3 ] || fail "verify after the damage exited $code, not 3"
"$ragback" snapshot restore --yes
[ "$(scroll)" = "$points_set" ] || fail "the restored collection does not hold the set's points and payloads"
"$ragback" verify
"$ragback" qdrant shards
target=$(q "$cluster/aliases" | python3 -c 'import json,sys; print([a["collection_name"] for a in json.load(sys.stdin)["result"]["aliases"] if a["alias_name"] == "rag_main"][0])')
case "$target" in rag_main_v1_r*) ;; *) fail "rag_main points at $target, not the restored collection" ;; esac
echo "cluster check: ok: create -> damage -> restore -> verify on the 3-node cluster, rag_main -> $target"
