#!/usr/bin/env bash
# `make drill`: the whole story of the runbook on this machine, end to end.
#   1. stores: Docker (ops/compose.yaml) when there is Docker; otherwise PG* (PGHOST, PGPORT, PGUSER,
#      or PGDATABASE) when one is set, or a throwaway
#      PostgreSQL from the local binaries; and QDRANT_URL (a Qdrant is needed: there is no local one).
#   2. a small RAG dataset (schema v1.0.0, chunks, points behind alias rag_main), release v1.0.0 green;
#   3. a golden snapshot;
#   4. a bad change: migration v1.1.0, corrupted and deleted points, changed rows, release v1.1.0 live;
#   5. ragback rollback auto --reason manual --yes;
#   6. the verification that both stores are back.
# Everything happens in a scratch directory (DRILL_DIR, default a new temp dir) and on names the drill
# owns: a database ragback_drill_<id> it creates, and Qdrant collections and an alias prefixed
# ragback_drill_<id>. Both are removed at the end unless DRILL_KEEP=1; nothing of yours is touched.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd -P)
ragback="$root/bin/ragback"
made_dir=""; [ -n "${DRILL_DIR:-}" ] && [ -e "$DRILL_DIR" ] || made_dir=yes
drill_dir=${DRILL_DIR:-$(mktemp -d /tmp/ragback-drill.XXXXXX)}
chunks=${DRILL_CHUNKS:-2000}
drill_name=ragback_drill_$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
collection=${drill_name}_main_v1
alias_name=${drill_name}_main
step="start"; reported=""
say() { step=$*; printf '\n[drill] %s\n' "$*"; }
fail() { reported=yes; printf 'drill: %s\n' "$1" >&2; exit "${2:-1}"; }

started_pg=""; created_db=""; made_points=""; golden=""; cleanup_hooks=(); collection_layout=""
drop_drill_stores() {
  if [ -n "$made_points" ]; then
    q -X POST "$QDRANT_URL/collections/aliases" \
      -d "{\"actions\": [{\"delete_alias\": {\"alias_name\": \"$alias_name\"}}]}" >/dev/null 2>&1 || true
    # the drill's collections: its own and the shadow copies a restore makes from it (same prefix)
    for name in $(q "$QDRANT_URL/collections" 2>/dev/null | python3 -c 'import json, sys
print("\n".join(c["name"] for c in json.load(sys.stdin)["result"]["collections"] if c["name"].startswith(sys.argv[1])))' "${drill_name}_" 2>/dev/null); do
      q -X DELETE "$QDRANT_URL/collections/$name" >/dev/null 2>&1 || true
    done
  fi
  if [ -n "$created_db" ]; then
    on_maintenance_db -c "DROP DATABASE IF EXISTS $drill_name WITH (FORCE)" >/dev/null 2>&1 \
      || printf 'drill: could not drop database %s; drop it with: psql -c "DROP DATABASE %s"\n' "$drill_name" "$drill_name" >&2
  fi
}
cleanup() {
  status=$?
  if [ "${DRILL_KEEP:-}" = 1 ]; then
    [ -z "$created_db" ] || echo "drill: kept database $drill_name and Qdrant collections ${drill_name}_* (DRILL_KEEP=1)"
  else
    drop_drill_stores
  fi
  if [ -n "$started_pg" ]; then "$root/ops/scripts/pg-throwaway.sh" stop "$drill_dir/pg" || true; fi
  if [ "$status" -ne 0 ]; then
    [ -n "$reported" ] || [ "$step" = start ] || printf 'drill: failed during "%s" (exit %s); the output above says why\n' "$step" "$status" >&2
    # failed before there was anything to look at: leave no scratch directory behind
    if [ -z "$golden" ] && [ -n "$made_dir" ] && [ "${DRILL_KEEP:-}" != 1 ]; then rm -rf "$drill_dir"; fi
    if [ -d "$drill_dir" ]; then echo "drill: scratch directory $drill_dir kept, $(du -sh "$drill_dir" | cut -f1)" >&2; fi
  fi
  for hook in "${cleanup_hooks[@]}"; do "$hook"; done
}
trap cleanup EXIT
auth=(); [ -n "${QDRANT_API_KEY:-}" ] && auth=(-H "api-key: $QDRANT_API_KEY")
q() { curl -fsS "${auth[@]}" -H 'Content-Type: application/json' "$@"; }
# CREATE/DROP DATABASE run from a database that exists: postgres, else the one PGDATABASE names
on_maintenance_db() {
  psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@" 2>/dev/null \
    || psql -X -q -v ON_ERROR_STOP=1 -d "${user_db:-template1}" "$@"
}

[ -f "$root/target/ragback.jar" ] || fail "target/ragback.jar is missing; run: make build"
# CLUSTER=N (make drill CLUSTER=3): the same story on a Qdrant cluster (ops/drill/cluster.sh)
if [ -n "${CLUSTER:-}" ]; then source "$root/ops/drill/cluster.sh"; fi
use_docker=""
if command -v docker >/dev/null && docker info >/dev/null 2>&1 && [ -z "${QDRANT_URL:-}" ]; then use_docker=yes; fi
# the one thing this machine cannot make up: said first, before anything else is checked or started
[ -n "$use_docker" ] || [ -n "${QDRANT_URL:-}" ] || fail "a Qdrant is needed and Docker is not available: start one (docker run -p 6333:6333 qdrant/qdrant:v1.19.0) and run: QDRANT_URL=http://localhost:6333 make drill"
command -v python3 >/dev/null || fail "python3 is needed to generate the drill's vectors (apt-get install -y python3)"
command -v curl >/dev/null || fail "curl is needed to load the drill's points (apt-get install -y curl)"

if [ -n "$use_docker" ]; then
  say "starting Qdrant and PostgreSQL from ops/compose.yaml"
  mkdir -p "$root/ops/state"
  [ -f "$root/ops/state/drill-pg-password" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$root/ops/state/drill-pg-password")
  docker compose -f "$root/ops/compose.yaml" up -d --wait
  export QDRANT_URL=http://127.0.0.1:6333 PGHOST=127.0.0.1 PGPORT=55432 PGUSER=rag PGDATABASE=ragdb
  PGPASSWORD=$(cat "$root/ops/state/drill-pg-password"); export PGPASSWORD
else
  # any libpq connection variable means "use my PostgreSQL"; the rest take libpq's defaults
  if [ -z "${PGHOST:-}${PGPORT:-}${PGUSER:-}${PGDATABASE:-}" ]; then
    say "starting a throwaway PostgreSQL from the local binaries in $drill_dir/pg"
    pg_env=$("$root/ops/scripts/pg-throwaway.sh" start "$drill_dir/pg") || fail "the throwaway PostgreSQL did not start (see above); or point the drill at yours: PGHOST=... PGUSER=... make drill"
    eval "$pg_env"
    started_pg=yes
  fi
fi
user_db=${PGDATABASE:-}
pg_where="${PGHOST:-local socket}:${PGPORT:-5432}"
echo "drill: PostgreSQL $pg_where/$drill_name as ${PGUSER:-$(id -un)} (a database the drill creates; ${user_db:+$user_db and }your other databases are not touched)"
echo "drill: Qdrant ${QDRANT_NODES:-$QDRANT_URL}: collection $collection behind alias $alias_name (your collections are not touched)"
if ! error=$(on_maintenance_db -c "CREATE DATABASE $drill_name" 2>&1); then
  fail "cannot create its own database $drill_name on $pg_where: $(printf '%s' "$error" | grep -m1 -E 'ERROR|FATAL|error' | sed 's/^[^:]*: *//; s/^ERROR: *//'); the drill never works in an existing database: grant CREATEDB (ALTER ROLE ${PGUSER:-$(id -un)} CREATEDB) or point it at another PostgreSQL" 2
fi
created_db=yes
export PGDATABASE=$drill_name QDRANT_COLLECTION=$alias_name

say "scratch directory $drill_dir"
mkdir -p "$drill_dir/ops/releases" "$drill_dir/compat" "$drill_dir/ops/state"
cp "$root/compat/matrix.md" "$drill_dir/compat/matrix.md"
cat > "$drill_dir/ops/ragback.yaml" <<YAML
migrations:
  dir: $root/ops/migrations
eval:
  command: ["python3", "$root/ops/eval/quick_eval.py", "--n", "{queries}", "--out", "{output}"]
  timeout: 2m
YAML
# JUDGE=1 (make drill JUDGE=1): eval.mode judge against fakes this drill starts
if [ -n "${JUDGE:-}" ]; then source "$root/ops/drill/judge.sh"; fi
for v in v1.0.0 v1.1.0; do mkdir -p "$drill_dir/ops/releases/$v"; done
ln -sfn v1.0.0 "$drill_dir/ops/releases/current"
echo 100 > "$drill_dir/ops/state/traffic"
cd "$drill_dir"
if [ "${REPO:-dir}" = s3 ]; then source "$root/ops/drill/s3.sh"; fi

say "a small RAG dataset: schema v1.0.0, $chunks chunks, the same points in Qdrant"
"$ragback" migrate up --to v1.0.0
psql -q -v ON_ERROR_STOP=1 -c "INSERT INTO rag_chunks (uri, model_id, chunk_index, content, embedding, metadata)
  SELECT 'doc://runbook/' || (g / 8), CASE WHEN g % 4 = 0 THEN 'bge-small' ELSE 'e5-small' END, g % 8,
         'chunk ' || g || ' of the rollback runbook', ARRAY[(g % 7)::real, (g % 11)::real, (g % 13)::real, 1],
         jsonb_build_object('n', g) FROM generate_series(1, $chunks) AS g"
made_points=yes
q -X PUT "$QDRANT_URL/collections/$collection" -d "{\"vectors\": {\"size\": 4, \"distance\": \"Cosine\"}$collection_layout}" >/dev/null
q -X POST "$QDRANT_URL/collections/aliases" \
  -d "{\"actions\": [{\"create_alias\": {\"collection_name\": \"$collection\", \"alias_name\": \"$alias_name\"}}]}" >/dev/null
python3 - "$chunks" <<'PY' | q -X PUT "$QDRANT_URL/collections/$collection/points?wait=true" --data-binary @- >/dev/null
import json, sys
n = int(sys.argv[1])
print(json.dumps({"points": [{"id": g, "vector": [g % 7 + 0.5, g % 11, g % 13, 1.0],
                              "payload": {"uri": f"doc://runbook/{g // 8}"}} for g in range(1, n + 1)]}))
PY
"$ragback" release mark-green v1.0.0

say "golden snapshot"
"$ragback" snapshot create --golden --label drill-golden
golden=yes

say "a bad change: migration v1.1.0, corrupted and deleted points, changed rows, release v1.1.0 live"
"$ragback" migrate up --to v1.1.0
psql -q -v ON_ERROR_STOP=1 -c "DELETE FROM rag_chunks WHERE id % 10 = 0; UPDATE rag_chunks SET model_id = 'poisoned' WHERE id % 7 = 0"
q -X POST "$QDRANT_URL/collections/$collection/points/delete?wait=true" -d '{"points": [1, 2, 3, 4, 5, 6, 7, 8]}' >/dev/null
q -X PUT "$QDRANT_URL/collections/$collection/points?wait=true" \
  -d '{"points": [{"id": 9, "vector": [9, 0, 0, 0], "payload": {"uri": "corrupted"}}]}' >/dev/null
ln -sfn v1.1.0 ops/releases/current
"$ragback" verify || true

say "ragback rollback auto --reason manual --yes"
"$ragback" rollback auto --reason manual --yes

say "verification: both stores are back"
"$ragback" verify
"$ragback" history --limit 1
echo
echo "drill: done. Release: $(readlink ops/releases/current), traffic: $(cat ops/state/traffic) % (restore it with: ragback traffic set 100)"
echo "drill: scratch directory $drill_dir, $(du -sh "$drill_dir" | cut -f1) (delete it when done)"
