# `make drill REPO=s3`: sourced by drill.sh in its scratch directory; the drill's snapshot sets go to a
# bucket of an s3proxy that it starts here (and stops on exit). See docs/s3.md.
source "$root/ops/s3proxy/s3proxy.sh"
say "REPO=s3: snapshot sets in an s3proxy bucket (filesystem backend in $drill_dir/s3proxy)"
s3proxy_start "$drill_dir/s3proxy" ragback-drill sets || fail "s3proxy did not start (see above)"
trap 'cleanup; s3proxy_stop' EXIT
cat >> "$drill_dir/ops/ragback.yaml" <<YAML
backups:
  dir: $RAGBACK_BACKUPS
  staging: $drill_dir/staging
  s3:
    endpoint: $S3PROXY_ENDPOINT
    path_style: true
YAML
"$ragback" doctor || true
