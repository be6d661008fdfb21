#!/usr/bin/env bash
# Peak RSS of `ragback snapshot create` when Qdrant's snapshot is about 1 GB (BENCH_SNAPSHOT_MB,
# default 1024): memory must stay flat (target: under 300 MB), because the snapshot is streamed
# to disk and hashed while it is written. Needs: make build; PostgreSQL binaries; python3, curl.
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

snapshot_mb=${BENCH_SNAPSHOT_MB:-1024}
bench_require_build
bench_start_postgres 2000
bench_start_qdrant --snapshot-ballast-bytes $((snapshot_mb * 1024 * 1024))
bench_load_points 2000
export RAGBACK_BACKUPS="$BENCH_TMP/backups"

bench_log "snapshot create with a ${snapshot_mb} MiB Qdrant snapshot"
read -r wall rss < <(bench_measure "$BENCH_ROOT/bin/ragback" snapshot create --label bench-memory)
size=$(du -sm "$RAGBACK_BACKUPS" | cut -f1)
printf 'snapshot create: %s s, peak RSS %d MB, set size %d MB\n' "$wall" $((rss / 1024)) "$size"
if [ $((rss / 1024)) -lt 300 ]; then echo "PASS peak RSS under 300 MB"; else echo "FAIL peak RSS ${rss} kB >= 300 MB"; exit 1; fi
