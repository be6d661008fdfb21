#!/usr/bin/env bash
# The runbook's commands (seed/RAG_ROLLBACK.md sections 2 and 4) run one after the other, as an
# on-call shell script would: the baselines `make bench` compares ragback with.
#   baseline.sh create DIR                 curl create, download the Qdrant snapshot, pg_dump -Fc (default
#                                          compression), sha256sum, delete the server-side snapshot
#   baseline.sh restore DIR                pg_restore --clean --if-exists, then curl upload (what create wrote)
#   baseline.sh pg-restore DUMP            pg_restore --clean --if-exists alone
#   baseline.sh upload FILE COLLECTION     the curl upload alone
# Needs QDRANT_URL, PG* (PGPASSWORD in the environment) and BENCH_COLLECTION (the real collection, not an alias).
set -euo pipefail

auth=()
[ -n "${QDRANT_API_KEY:-}" ] && auth=(-H "api-key: $QDRANT_API_KEY")
collection=${BENCH_COLLECTION:?the real collection}

upload() {
  curl -fsS "${auth[@]}" -X POST "$QDRANT_URL/collections/$2/snapshots/upload?wait=true&priority=snapshot" \
    -F "snapshot=@$1" >/dev/null
}

case "${1:-}" in
  create)
    dir=$2
    mkdir -p "$dir"
    name=$(curl -fsS "${auth[@]}" -X POST "$QDRANT_URL/collections/$collection/snapshots?wait=true" \
      | sed -n 's/.*"name" *: *"\([^"]*\)".*/\1/p')
    curl -fsS "${auth[@]}" -o "$dir/qdrant.snapshot" "$QDRANT_URL/collections/$collection/snapshots/$name"
    pg_dump -Fc -f "$dir/ragdb.dump"
    (cd "$dir" && sha256sum qdrant.snapshot ragdb.dump > SHA256SUMS)
    curl -fsS "${auth[@]}" -X DELETE "$QDRANT_URL/collections/$collection/snapshots/$name" >/dev/null
    ;;
  restore)
    pg_restore --clean --if-exists -d "$PGDATABASE" "$2/ragdb.dump"
    upload "$2/qdrant.snapshot" "$collection"
    ;;
  pg-restore)
    pg_restore --clean --if-exists -d "$PGDATABASE" "$2"
    ;;
  upload)
    upload "$2" "$3"
    ;;
  *)
    sed -n '2,9p' "$0" >&2
    exit 2
    ;;
esac
