# Sourced by ops/drill/s3.sh and the bench: s3proxy (filesystem backend, SigV4) as its own process on
# its own classpath (ops/s3proxy/pom.xml), and the environment that points ragback at one bucket.
#   s3proxy_start DIR BUCKET PREFIX   starts it over DIR, creates BUCKET, exports RAGBACK_BACKUPS and
#                                     AWS_*; prints the endpoint to stdout's variable S3PROXY_ENDPOINT
#   s3proxy_stop                      kills it (the caller's EXIT trap calls this)
s3proxy_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
S3PROXY_PID=""

s3proxy_start() {
  local dir=$1 bucket=$2 prefix=$3 cp_file="$s3proxy_root/target/s3proxy.classpath" port
  if [ ! -s "$cp_file" ]; then
    mvn -B -q -f "$s3proxy_root/ops/s3proxy/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp_file" \
      || { echo "s3proxy: could not resolve its classpath with Maven" >&2; return 1; }
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$dir/objects/$bucket"            # the filesystem backend: a directory is a bucket
  export AWS_ACCESS_KEY_ID=ragback-local AWS_REGION=us-east-1
  AWS_SECRET_ACCESS_KEY=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9'); export AWS_SECRET_ACCESS_KEY
  (umask 077; cat > "$dir/s3proxy.conf" <<CONF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/objects
CONF
  )
  java -Xmx256m -Dlogback.configurationFile="$s3proxy_root/ops/s3proxy/logback.xml" -cp "$(cat "$cp_file")" org.gaul.s3proxy.Main --properties "$dir/s3proxy.conf" \
    > "$dir/s3proxy.log" 2>&1 &
  S3PROXY_PID=$!
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then break; fi
    kill -0 "$S3PROXY_PID" 2>/dev/null || { cat "$dir/s3proxy.log" >&2; return 1; }
    sleep 0.1
  done
  export S3PROXY_ENDPOINT="http://127.0.0.1:$port"
  export RAGBACK_BACKUPS="s3://$bucket/$prefix"
}

s3proxy_stop() {
  if [ -n "$S3PROXY_PID" ]; then kill "$S3PROXY_PID" 2>/dev/null || true; wait "$S3PROXY_PID" 2>/dev/null || true; fi
  S3PROXY_PID=""
}
