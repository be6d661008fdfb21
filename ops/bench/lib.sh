# Shared by the benchmark scripts: a throwaway PostgreSQL and the Qdrant test double as processes.
# Source it from bash; call bench_cleanup on exit (the scripts set a trap).
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BENCH_TMP=${BENCH_TMP:-$(mktemp -d /tmp/ragback-bench.XXXXXX)}
BENCH_PIDS=()

bench_log() { printf '[bench] %s\n' "$*" >&2; }

bench_require_build() {
  [ -f "$BENCH_ROOT/target/ragback.jar" ] || { echo "bench: target/ragback.jar missing; run: make build" >&2; exit 1; }
  if [ ! -f "$BENCH_ROOT/target/test.classpath" ] || [ "$BENCH_ROOT/pom.xml" -nt "$BENCH_ROOT/target/test.classpath" ] \
     || [ ! -d "$BENCH_ROOT/target/test-classes/dev/ragback/testing/qdrant" ]; then
    bench_log "compiling the Qdrant test double (test classes)"
    (cd "$BENCH_ROOT" && mvn -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/test.classpath 2>/dev/null || mvn -B -q test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath)
  fi
}

# Starts a throwaway PostgreSQL (no schema, no data) and exports PG*.
bench_start_pg_server() {
  local pg_env
  pg_env=$("$BENCH_ROOT/ops/scripts/pg-throwaway.sh" start "$BENCH_TMP/pg") \
    || { echo "bench: the throwaway PostgreSQL did not start" >&2; exit 1; }
  eval "$pg_env"
}

# Lets the machine settle before a timed run: dirty pages written (PostgreSQL checkpoint, then the
# kernel's), so that the previous run's write-back does not land in the next one's time.
bench_settle() {
  psql -q -c CHECKPOINT >/dev/null 2>&1 || true
  sync
}

# Starts PostgreSQL and exports PG*; loads the reference schema and N chunks.
bench_start_postgres() {
  local chunks=${1:-1000}
  bench_start_pg_server
  for version in $(ls "$BENCH_ROOT/ops/migrations" | sort -V); do
    psql -q -v ON_ERROR_STOP=1 -1 -f "$BENCH_ROOT/ops/migrations/$version/up.sql" >/dev/null
  done
  psql -q -v ON_ERROR_STOP=1 -c "INSERT INTO rag_chunks (uri, model_id, chunk_index, content, embedding, metadata)
    SELECT 'doc://bench/' || (g / 8), 'e5-small', g % 8, repeat(md5(g::text), 16),
           (SELECT array_agg(((g * 31 + i) % 997)::real / 997) FROM generate_series(1, 384) AS i),
           jsonb_build_object('n', g) FROM generate_series(1, $chunks) AS g" >/dev/null
}

# Starts the Qdrant double (extra args are passed on), exports QDRANT_URL and sets BENCH_QDRANT_PID.
# Its heap is BENCH_QDRANT_HEAP (default 256m): it holds every point of every collection in memory.
# TCP_NODELAY: the JDK's HTTP server writes headers and body separately, and without it every small
# answer waits ~40 ms for a delayed ACK, which Qdrant's own server does not do.
bench_start_qdrant() {
  local cp out
  cp="$BENCH_ROOT/target/test-classes:$BENCH_ROOT/target/classes:$(cat "$BENCH_ROOT/target/test.classpath")"
  out="$BENCH_TMP/qdrant.${#BENCH_PIDS[@]}"
  java -XX:+UseSerialGC -Xmx"${BENCH_QDRANT_HEAP:-256m}" -Dsun.net.httpserver.nodelay=true -cp "$cp" dev.ragback.testing.qdrant.QdrantDoubleMain \
    --port 0 "$@" >"$out.out" 2>"$out.err" &
  BENCH_QDRANT_PID=$!
  BENCH_PIDS+=("$BENCH_QDRANT_PID")
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$out.out" 2>/dev/null; then break; fi
    sleep 0.1
  done
  QDRANT_URL=$(sed -n 's/^listening on //p' "$out.out")
  [ -n "$QDRANT_URL" ] || { cat "$out.err" >&2; echo "bench: the Qdrant double did not start" >&2; exit 1; }
  export QDRANT_URL
}

# Stops the double started last (its snapshots go with it).
bench_stop_qdrant() {
  kill "$BENCH_QDRANT_PID" 2>/dev/null || true
  wait "$BENCH_QDRANT_PID" 2>/dev/null || true
}

# Creates collection rag_main_v2 (384 dims, Cosine) behind alias rag_main with N points.
bench_load_points() {
  local points=${1:-1000} batch=500 start
  curl -fsS -X PUT "$QDRANT_URL/collections/rag_main_v2" -H 'Content-Type: application/json' \
    -d '{"vectors": {"size": 384, "distance": "Cosine"}}' >/dev/null
  curl -fsS -X POST "$QDRANT_URL/collections/aliases" -H 'Content-Type: application/json' \
    -d '{"actions": [{"create_alias": {"collection_name": "rag_main_v2", "alias_name": "rag_main"}}]}' >/dev/null
  for ((start = 1; start <= points; start += batch)); do
    python3 - "$start" "$batch" "$points" <<'PY' | curl -fsS -X PUT "$QDRANT_URL/collections/rag_main_v2/points?wait=true" \
      -H 'Content-Type: application/json' --data-binary @- >/dev/null
import json, sys
start, batch, total = map(int, sys.argv[1:])
pts = [{"id": g, "vector": [((g * 31 + i) % 997) / 997 for i in range(1, 385)], "payload": {"uri": f"doc://bench/{g // 8}"}}
       for g in range(start, min(start + batch, total + 1))]
print(json.dumps({"points": pts}))
PY
  done
}

bench_cleanup() {
  for pid in "${BENCH_PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  "$BENCH_ROOT/ops/scripts/pg-throwaway.sh" stop "$BENCH_TMP/pg" || true
  rm -rf "$BENCH_TMP"
}

# Runs a command under /usr/bin/time -v; prints "<seconds> <peak RSS in kB> <CPU seconds, user + system,
# with its children>" on stdout.
bench_measure_cpu() {
  local figures log="$BENCH_TMP/time.$$.$RANDOM"
  figures=$(BENCH_TIME_LOG="$log" bench_measure "$@") || return 1
  echo "$figures $(sed -n 's/^\s*User time (seconds): //p; s/^\s*System time (seconds): //p' "$log.err" \
    | awk '{ s += $1 } END { printf "%.2f", s }')"
}

# CPU seconds the local stores have used so far: the Qdrant double started last (BENCH_QDRANT_PID) and
# the throwaway PostgreSQL cluster (postmaster, its live children, and the backends it has reaped).
bench_store_cpu() {
  local pids="" postmaster
  [ -n "${BENCH_QDRANT_PID:-}" ] && pids=$BENCH_QDRANT_PID
  postmaster=$(head -1 "$BENCH_TMP/pg/data/postmaster.pid" 2>/dev/null || true)
  [ -n "$postmaster" ] && pids="$pids $postmaster $(pgrep -P "$postmaster" | tr '\n' ' ')"
  for pid in $pids; do
    # fields after the command name: utime stime cutime cstime are the 12th to 15th
    sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{ print $12 + $13 + $14 + $15 }'
  done | awk -v hz="$(getconf CLK_TCK)" '{ t += $1 } END { printf "%.2f", t / hz }'
}

# Runs a command under /usr/bin/time -v; prints "<seconds> <peak RSS in kB>" on stdout.
bench_measure() {
  local log=${BENCH_TIME_LOG:-"$BENCH_TMP/time.$$.$RANDOM"}
  /usr/bin/time -v "$@" >"$log.out" 2>"$log.err" || { tail -5 "$log.err" >&2; return 1; }
  local rss wall
  rss=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$log.err")
  wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log.err" \
    | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  echo "$wall $rss"
}

# The bench's collection and its alias: not the runbook's names, so that a real Qdrant given as
# QDRANT_URL keeps its rag_main; still, use a scratch Qdrant: the bench replaces these two.
BENCH_COLLECTION=bench_rag_v2
BENCH_ALIAS=bench_rag

# A scratch working directory for ragback against the bench stores, printed on stdout: ops/ragback.yaml
# (the alias as qdrant.collection, the repository's migrations, a fixed-score evaluator), a
# compatibility matrix that knows the bench collection, release v1.1.0 current, traffic 100.
# ragback runs from it, so backups/ and the rest stay inside.
bench_workdir() {
  local work="$BENCH_TMP/work"
  mkdir -p "$work/ops/releases/v1.1.0" "$work/compat" "$work/ops/state"
  cat > "$work/compat/matrix.md" <<MD
| Binary Version | Schema Version | Qdrant Collection | Status |
| -------------- | -------------- | ----------------- | ------ |
| v1.1.0         | v1.1.0         | $BENCH_COLLECTION      | OK     |
MD
  cat > "$work/ops/ragback.yaml" <<YAML
qdrant:
  collection: $BENCH_ALIAS
migrations:
  dir: $BENCH_ROOT/ops/migrations
eval:
  command: ["sh", "-c", "echo '{\"faithfulness\": 0.9}'"]
  timeout: 1m
YAML
  ln -sfn v1.1.0 "$work/ops/releases/current"
  echo 100 > "$work/ops/state/traffic"
  echo "$work"
}

# The RAG-like dataset (ops/bench/dataset.py) in both stores: schema v1.1.0 through `ragback migrate up`
# and N chunks in PostgreSQL; BENCH_COLLECTION (384 dims, Cosine) behind BENCH_ALIAS with the same N
# points in Qdrant. Run it from the work dir. Both stores are loaded at the same time.
bench_dataset() {
  local n=$1 ragback="$BENCH_ROOT/bin/ragback" pg_pid
  "$ragback" -q migrate up
  python3 "$BENCH_ROOT/ops/bench/dataset.py" pg "$n" | psql -q -v ON_ERROR_STOP=1 \
    -c "\\copy rag_chunks (uri, model_id, chunk_index, content, content_sha256, embedding, metadata) FROM STDIN" &
  pg_pid=$!
  bench_collection "$n"
  wait "$pg_pid"
  psql -q -v ON_ERROR_STOP=1 -c "VACUUM ANALYZE rag_chunks" >/dev/null
  "$ragback" -q release mark-green v1.1.0
}

# (Re)creates BENCH_COLLECTION behind BENCH_ALIAS in QDRANT_URL with the dataset's first N points.
bench_collection() {
  local n=$1 auth=()
  [ -n "${QDRANT_API_KEY:-}" ] && auth=(-H "api-key: $QDRANT_API_KEY")
  q() { curl -fsS "${auth[@]}" -H 'Content-Type: application/json' "$@" >/dev/null; }
  q -X POST "$QDRANT_URL/collections/aliases" -d "{\"actions\": [{\"delete_alias\": {\"alias_name\": \"$BENCH_ALIAS\"}}]}" \
    2>/dev/null || true
  q -X DELETE "$QDRANT_URL/collections/$BENCH_COLLECTION" 2>/dev/null || true
  q -X PUT "$QDRANT_URL/collections/$BENCH_COLLECTION" -d '{"vectors": {"size": 384, "distance": "Cosine"}}'
  q -X POST "$QDRANT_URL/collections/aliases" -d "{\"actions\": [{\"create_alias\": {\"collection_name\":
    \"$BENCH_COLLECTION\", \"alias_name\": \"$BENCH_ALIAS\"}}]}"
  python3 "$BENCH_ROOT/ops/bench/dataset.py" qdrant "$QDRANT_URL" "$BENCH_COLLECTION" "$n"
}
