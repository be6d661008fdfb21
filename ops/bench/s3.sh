# Sourced by bench.sh for BENCH_PHASES "s3" (issue 17): the same golden dataset to an s3proxy bucket.
#  - pair: snapshot create to s3:// vs to the local directory (alternated), and restore from s3://
#  - peak RSS of create and restore through the bucket at 1x and 4x the set size (double ballast)
source "$BENCH_ROOT/ops/s3proxy/s3proxy.sh"
bench_log "S3: an s3proxy bucket (filesystem backend, SigV4) in $BENCH_TMP/s3proxy"
s3proxy_start "$BENCH_TMP/s3proxy" ragback-bench sets || fail "s3proxy did not start"
trap 's3proxy_stop; bench_cleanup' EXIT
s3_bucket_env=$RAGBACK_BACKUPS
unset RAGBACK_BACKUPS
s3=(--set "backups.s3.endpoint=$S3PROXY_ENDPOINT" --set backups.s3.path_style=true --set "backups.staging=$BENCH_TMP/staging")
bench_log "pair: snapshot create to s3:// vs to the local directory; snapshot restore from s3://"
for i in $(seq 1 "$runs"); do
  run s3.create env RAGBACK_BACKUPS="$s3_bucket_env" "$ragback" -q "${s3[@]}" snapshot create --label bench-s3
  run dir.create "$ragback" -q snapshot create --label bench-dir
done
s3_set=$(RAGBACK_BACKUPS="$s3_bucket_env" "$ragback" --json "${s3[@]}" snapshot list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
for i in $(seq 1 "$runs"); do
  run s3.restore env RAGBACK_BACKUPS="$s3_bucket_env" "$ragback" -q "${s3[@]}" snapshot restore "$s3_set" --yes
done
"$ragback" -q snapshot prune --keep 1 --yes >/dev/null
if [ -z "$user_qdrant" ]; then
  bench_log "peak RSS through s3://: snapshot create and restore at 1x and 4x the set size (test double ballast)"
  bench_stop_qdrant
  for size in 1 4; do
    BENCH_QDRANT_HEAP=512m bench_start_qdrant --snapshot-ballast-bytes $(( size * ${BENCH_RSS_MB:-256} * scale * 1024 * 1024 ))
    bench_collection 2000
    run "s3rss$size.create" env RAGBACK_BACKUPS="$s3_bucket_env-rss$size" "$ragback" -q "${s3[@]}" snapshot create
    rss_set=$(RAGBACK_BACKUPS="$s3_bucket_env-rss$size" "$ragback" --json "${s3[@]}" snapshot list | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    run "s3rss$size.restore" env RAGBACK_BACKUPS="$s3_bucket_env-rss$size" "$ragback" -q "${s3[@]}" snapshot restore "$rss_set" --yes
    bench_stop_qdrant
  done
fi
s3proxy_stop
