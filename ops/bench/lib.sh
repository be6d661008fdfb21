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

# Starts PostgreSQL and exports PG*; loads the reference schema and N chunks.
bench_start_postgres() {
  local chunks=${1:-1000}
  eval "$("$BENCH_ROOT/ops/scripts/pg-throwaway.sh" start "$BENCH_TMP/pg" | tail -1)"
  for version in $(ls "$BENCH_ROOT/ops/migrations" | sort -V); do
    psql -q -v ON_ERROR_STOP=1 -1 -f "$BENCH_ROOT/ops/migrations/$version/up.sql" >/dev/null
  done
  psql -q -v ON_ERROR_STOP=1 -c "INSERT INTO rag_chunks (uri, model_id, chunk_index, content, embedding, metadata)
    SELECT 'doc://bench/' || (g / 8), 'e5-small', g % 8, repeat(md5(g::text), 16),
           (SELECT array_agg(((g * 31 + i) % 997)::real / 997) FROM generate_series(1, 384) AS i),
           jsonb_build_object('n', g) FROM generate_series(1, $chunks) AS g" >/dev/null
}

# Starts the Qdrant double (extra args are passed on) and exports QDRANT_URL.
bench_start_qdrant() {
  local cp
  cp="$BENCH_ROOT/target/test-classes:$BENCH_ROOT/target/classes:$(cat "$BENCH_ROOT/target/test.classpath")"
  java -XX:+UseSerialGC -Xmx256m -cp "$cp" dev.ragback.testing.qdrant.QdrantDoubleMain --port 0 "$@" \
    >"$BENCH_TMP/qdrant.out" 2>"$BENCH_TMP/qdrant.err" &
  BENCH_PIDS+=($!)
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$BENCH_TMP/qdrant.out" 2>/dev/null; then break; fi
    sleep 0.1
  done
  QDRANT_URL=$(sed -n 's/^listening on //p' "$BENCH_TMP/qdrant.out")
  [ -n "$QDRANT_URL" ] || { cat "$BENCH_TMP/qdrant.err" >&2; echo "bench: the Qdrant double did not start" >&2; exit 1; }
  export QDRANT_URL
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

# Runs a command under /usr/bin/time -v; prints "<seconds> <peak RSS in kB>" on stdout.
bench_measure() {
  local log="$BENCH_TMP/time.$$.$RANDOM"
  /usr/bin/time -v "$@" >"$log.out" 2>"$log.err" || { tail -5 "$log.err" >&2; return 1; }
  local rss wall
  rss=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$log.err")
  wall=$(sed -n 's/^\s*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log.err" \
    | awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }')
  echo "$wall $rss"
}
