#!/usr/bin/env bash
# `make bench` (issue 7): ragback against the runbook's shell commands on a reproducible RAG-like
# dataset, each pair run in one session, alternated A B A B ..., BENCH_RUNS times (default 3).
# Prints the medians, their ratios against the targets and the peak RSS of every ragback command,
# and writes the same figures to ops/bench/results/latest.json.
#
#   BENCH_SCALE=N     N times the default dataset (BENCH_CHUNKS, default 40000 chunks)
#   BENCH_RUNS=N      runs per command (at least 3)
#   BENCH_PHASES=...  a subset of: create verify restore startup judge rss s3 cluster (default: all)
#   QDRANT_URL=...    a real, scratch Qdrant instead of the test double (the bench replaces collection
#                     bench_rag_v2 and alias bench_rag there); the RSS phase always uses the double
#
# PostgreSQL is always a throwaway cluster from the local binaries (pg_restore --clean runs against it).
# Needs: make build; PostgreSQL server and client binaries; python3, curl, /usr/bin/time.
source "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

fail() { echo "bench: $*" >&2; exit 1; }

scale=${BENCH_SCALE:-1}
chunks=$(( ${BENCH_CHUNKS:-40000} * scale ))
runs=${BENCH_RUNS:-3}
phases=" ${BENCH_PHASES:-create verify restore startup judge rss s3 cluster} "
[ "$runs" -ge 3 ] || fail "BENCH_RUNS must be 3 or more"
for tool in python3 curl pg_dump pg_restore psql sha256sum /usr/bin/time; do
  command -v "$tool" >/dev/null || fail "$tool is needed (Debian: apt-get install -y python3 curl postgresql time)"
done
ragback="$BENCH_ROOT/bin/ragback"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
runs_file="$BENCH_TMP/runs.txt"
: > "$runs_file"
# the bench's own stores only: nothing from the caller's environment may point ragback elsewhere
unset RAGBACK_BACKUPS TASKDB_URL PUSHGATEWAY_URL SLACK_WEBHOOK QDRANT_COLLECTION PGSERVICE
user_qdrant=${QDRANT_URL:-}

# run LABEL CMD...: one timed run, appended to the runs file as "label wall rss_kB cpu store_cpu"
# (cpu: the command and its children; store_cpu: what the local stores used meanwhile); a failed run
# stops the bench.
run() {
  local label=$1 figures before after wall rss cpu
  shift
  bench_settle
  before=$(bench_store_cpu)
  figures=$(bench_measure_cpu "$@") || fail "$label failed: $*"
  after=$(bench_store_cpu)
  read -r wall rss cpu <<< "$figures"
  echo "$label $wall $rss $cpu $(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')" >> "$runs_file"
  bench_log "$(printf '%-18s %6.2f s %6d MB  cpu %6.2f s' "$label" "$wall" $(( rss / 1024 )) "$cpu")"
}

bench_require_build
started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

bench_log "PostgreSQL: a throwaway cluster"
bench_start_pg_server
# autovacuum would analyse each freshly restored table during whichever run comes next; the bench's
# runs restore over and over, so it is off here, and the dataset is analysed once after loading
psql -q -c "ALTER SYSTEM SET autovacuum = off" -c "SELECT pg_reload_conf()" >/dev/null
if [ -n "$user_qdrant" ]; then
  bench_log "Qdrant: $user_qdrant (QDRANT_URL)"
  qdrant_kind="qdrant at QDRANT_URL"
else
  # the double keeps every point of every collection in memory, about 15 kB each, three copies at most
  BENCH_QDRANT_HEAP="$(( chunks * 64 / 1024 + 512 ))m" bench_start_qdrant
  bench_log "Qdrant: the test double at $QDRANT_URL"
  qdrant_kind="test double"
fi
export BENCH_COLLECTION
work=$(bench_workdir)
cd "$work"

bench_log "dataset: $chunks chunks in PostgreSQL, the same $chunks points in Qdrant"
bench_dataset "$chunks"
golden=$("$ragback" --json snapshot create --golden --label bench-golden | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
golden_dir="$work/backups/$golden"
bench_log "golden set $golden: $(du -sh "$golden_dir" | cut -f1)"

if [[ $phases == *" create "* ]]; then
  bench_log "pair: snapshot create vs the runbook's snapshot commands"
  for i in $(seq 1 "$runs"); do
    run ragback.create "$ragback" -q snapshot create --label bench
    rm -rf "$BENCH_TMP/baseline"
    run baseline.create "$BENCH_ROOT/ops/bench/baseline.sh" create "$BENCH_TMP/baseline"
  done
  "$ragback" -q snapshot prune --keep 0 --yes >/dev/null
fi

if [[ $phases == *" verify "* ]]; then
  bench_log "pair: snapshot verify vs sha256sum -c on the same set"
  grep " $golden/" backups/SHA256SUMS > "$BENCH_TMP/golden.sums"
  for i in $(seq 1 "$runs"); do
    run ragback.verify "$ragback" -q snapshot verify "$golden"
    run baseline.verify sh -c 'cd backups && exec sha256sum --quiet -c "$1"' sh "$BENCH_TMP/golden.sums"
  done
fi

if [[ $phases == *" restore "* ]]; then
  [ -f "$BENCH_TMP/baseline/ragdb.dump" ] || "$BENCH_ROOT/ops/bench/baseline.sh" create "$BENCH_TMP/baseline"
  bench_log "group: snapshot restore, the runbook's sequential restore, its floor; rollback auto, smoke, eval-quick"
  # each restore keeps the collection it replaced (undo); drop the ones no alias points at between runs,
  # or the double would hold a copy of the collection per run
  drop_kept() {
    "$ragback" --json qdrant collections | python3 -c 'import json,sys
for c in json.load(sys.stdin):
    if not c["aliases"] and c["name"] != sys.argv[1]: print(c["name"])' "${BENCH_COLLECTION}_r$golden" |
      while read -r kept; do "$ragback" -q qdrant drop "$kept" --yes >/dev/null; done
  }
  for i in $(seq 1 "$runs"); do
    run ragback.restore "$ragback" -q snapshot restore "$golden" --yes
    drop_kept
    run baseline.restore "$BENCH_ROOT/ops/bench/baseline.sh" restore "$BENCH_TMP/baseline"
    run floor.pg_restore "$BENCH_ROOT/ops/bench/baseline.sh" pg-restore "$golden_dir/postgres/ragdb.dump"
    # a collection of the set's name (alias mode restores into <collection>_r<set id>, or _r<set id>_<n> once that exists)
    run floor.upload "$BENCH_ROOT/ops/bench/baseline.sh" upload "$golden_dir/qdrant/$BENCH_COLLECTION.snapshot" \
      "${BENCH_COLLECTION}_r$golden"
    run ragback.rollback "$ragback" -q rollback auto --reason bench --snapshot "$golden" --yes
    drop_kept
    run ragback.smoke "$ragback" -q smoke
    run ragback.eval "$ragback" -q eval-quick
  done
fi

if [[ $phases == *" startup "* ]]; then
  bench_log "pairs: ragback --version and compat check vs a bare java hello world"
  mkdir -p "$BENCH_TMP/hello"
  printf 'public class Hello {\n    public static void main(String[] args) {\n        System.out.println("hello");\n    }\n}\n' \
    > "$BENCH_TMP/hello/Hello.java"
  javac -d "$BENCH_TMP/hello" "$BENCH_TMP/hello/Hello.java" || fail "javac (a JDK) is needed for the start-up pairs"
  hello=("$java" -cp "$BENCH_TMP/hello" Hello)
  for i in $(seq 1 $(( runs < 5 ? 5 : runs ))); do
    run ragback.version "$ragback" --version
    run java.hello "${hello[@]}"
    run ragback.compat "$ragback" -q compat check --binary v1.1.0 --schema v1.1.0 --collection "$BENCH_COLLECTION"
    run java.hello "${hello[@]}"
  done
fi

if [[ $phases == *" judge "* ]]; then
  # eval.mode judge: 20 queries, a fake judge that takes 200 ms per answer, two stages per query. With
  # eval.concurrency 4 the ideal is 20 x 2 x 200 ms / 4 = 2 s plus start-up; with 1 it is 8 s.
  bench_log "judge mode: eval-quick on 20 queries, fake judge answering in 200 ms, concurrency 4 vs 1"
  judge_fixture="$BENCH_ROOT/src/test/resources/dev/ragback/judge/drill.jsonl"
  eval "$("$BENCH_ROOT/ops/scripts/judge-fakes.sh" start "$BENCH_TMP/judge" "$judge_fixture" --delay-ms 200)"
  BENCH_PIDS+=("$JUDGE_FAKE_PID")
  judge_set=(--set eval.mode=judge --set "eval.dataset=$judge_fixture" --set "eval.rag_url=$JUDGE_FAKE_RAG_URL"
    --set "eval.judge_url=$JUDGE_FAKE_JUDGE_URL" --set eval.judge_model=fake-judge --set eval.timeout=30s)
  for i in $(seq 1 "$runs"); do
    run ragback.judge4 "$ragback" -q eval-quick "${judge_set[@]}" --set eval.concurrency=4
    run ragback.judge1 "$ragback" -q eval-quick "${judge_set[@]}" --set eval.concurrency=1
  done
  "$BENCH_ROOT/ops/scripts/judge-fakes.sh" stop "$BENCH_TMP/judge"
fi

if [[ $phases == *" s3 "* ]]; then source "$BENCH_ROOT/ops/bench/s3.sh"; fi
if [[ $phases == *" cluster "* ]]; then source "$BENCH_ROOT/ops/bench/cluster.sh"; fi

rss_sizes=""
if [[ $phases == *" rss "* ]]; then
  # Memory must stay flat whatever the size: the same commands on a set about 4 times as large.
  # Only the double can make a large snapshot without as many points (ballast bytes).
  bench_log "peak RSS: snapshot create, verify and restore at 1x and 4x the set size (test double ballast)"
  if [ -z "$user_qdrant" ]; then bench_stop_qdrant; fi
  ballast1=$(( ${BENCH_RSS_MB:-256} * scale * 1024 * 1024 ))
  rss_points=2000
  for size in 1 4; do
    if [ "$size" = 4 ]; then
      set1=$(du -sb "$work/rss1" | cut -f1)
      ballast=$(( 4 * set1 - (set1 - ballast1) ))
    else
      ballast=$ballast1
    fi
    BENCH_QDRANT_HEAP=512m bench_start_qdrant --snapshot-ballast-bytes "$ballast"
    bench_collection "$rss_points"
    export RAGBACK_BACKUPS="$work/rss$size"
    run "rss$size.create" "$ragback" -q snapshot create --label "bench-rss-${size}x"
    set_id=$(ls "$RAGBACK_BACKUPS" | grep -v '^\.' | grep -v SHA256SUMS | head -1)
    run "rss$size.verify" "$ragback" -q snapshot verify "$set_id"
    if [ "$size" = 4 ]; then
      # the verify pair again on a set 4 times as large: start-up weighs less, hashing speed more
      for i in $(seq 1 "$runs"); do
        run baseline.verify4 sh -c 'cd "$1" && exec sha256sum --quiet -c SHA256SUMS' sh "$RAGBACK_BACKUPS"
        run ragback.verify4 "$ragback" -q snapshot verify "$set_id"
      done
    fi
    run "rss$size.restore" "$ragback" -q snapshot restore "$set_id" --yes
    rss_sizes="$rss_sizes $(du -sb "$RAGBACK_BACKUPS/$set_id" | cut -f1)"
    unset RAGBACK_BACKUPS
    bench_stop_qdrant
  done
  rm -rf "$work/rss1" "$work/rss4"
fi

finished=$(date +%s)
mkdir -p "$BENCH_ROOT/ops/bench/results"
python3 - "$BENCH_TMP/meta.json" <<PY
import json, os, platform, subprocess, sys
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
mem = next(int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal"))
java = subprocess.run(["$java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
pg = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout.strip()
sizes = [int(s) for s in "$rss_sizes".split()]
meta = {
    "date": subprocess.run(["date", "-u", "+%Y-%m-%dT%H:%M:%SZ"], capture_output=True, text=True).stdout.strip(),
    "machine": {"cores": os.cpu_count(), "cpu": cpu, "memory_mb": mem, "java": java, "postgres": pg,
                "description": f"{os.cpu_count()} cores ({cpu}), {mem // 1024} GB RAM, {java}, {pg}",
                "load_average_before": "$load_before", "load_average_after": " ".join(open("/proc/loadavg").read().split()[:3])},
    "qdrant": "$qdrant_kind", "chunks": $chunks, "scale": $scale, "runs": $runs,
    "golden_set_bytes": int("$(du -sb "$golden_dir" | cut -f1)"),
    "rss_set_bytes": sizes, "duration_s": $finished - $started,
}
json.dump(meta, open(sys.argv[1], "w"))
PY
python3 "$BENCH_ROOT/ops/bench/report.py" "$runs_file" "$BENCH_TMP/meta.json" "$BENCH_ROOT/ops/bench/results/latest.json"
echo
echo "bench: finished in $(( finished - started )) s; figures in ops/bench/results/latest.json"
