#!/usr/bin/env bash
# A throwaway PostgreSQL cluster from the local binaries, as the tests use (no Docker needed).
#   pg-throwaway.sh start DIR   creates and starts a cluster in DIR, prints one `export PG...=...` line
#                               and nothing else on stdout (exits non-zero when it cannot)
#   pg-throwaway.sh stop DIR    stops it (the data stays in DIR; delete DIR to forget it)
# The password is random and written to DIR/password (0600); it reaches programs only through
# PGPASSWORD in their environment.
set -euo pipefail

action=${1:-}
dir=${2:-}
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

find_bin() {
  local initdb
  if initdb=$(command -v initdb 2>/dev/null); then dirname "$(readlink -f "$initdb")"; return; fi
  local newest
  newest=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$newest" ] || { echo "pg-throwaway: initdb not found; install postgresql (Debian: apt-get install -y postgresql)" >&2; exit 1; }
  echo "$newest"
}

as_server_user() {
  # initdb and postgres refuse to run as root
  if [ "$(id -u)" != 0 ]; then "$@"; return; fi
  local runuser
  runuser=$(PATH="$PATH:/usr/sbin:/sbin" command -v runuser) \
    || { echo "pg-throwaway: running as root needs runuser (util-linux) to start PostgreSQL as postgres" >&2; exit 1; }
  "$runuser" -u postgres -- "$@"
}

bin=$(find_bin)
case "$action" in
  start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd -P)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      umask 077
      head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/password"
      printf '%s\n' "$(cat "$dir/password")" > "$dir/pwfile"
      mkdir -p "$dir/socket"
      if [ "$(id -u)" = 0 ]; then
        # the server runs as postgres, which must be able to reach DIR
        chown -R postgres "$dir"
        chmod 700 "$dir/data" 2>/dev/null || true
        p=$(dirname "$dir"); while [ "$p" != / ]; do chmod o+x "$p"; p=$(dirname "$p"); done
      fi
      as_server_user "$bin/initdb" -D "$dir/data" -U rag --auth=scram-sha-256 --pwfile="$dir/pwfile" \
        -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
      rm -f "$dir/pwfile"
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
      || shuf -i 20000-60000 -n 1)
    as_server_user "$bin/pg_ctl" start -D "$dir/data" -w -t 60 -l "$dir/server.log" \
      -o "-F -c listen_addresses=127.0.0.1 -p $port -k $dir/socket" >/dev/null
    echo "$port" > "$dir/port"
    PGPASSWORD=$(cat "$dir/password") "$bin/psql" -h 127.0.0.1 -p "$port" -U rag -d postgres -qAt \
      -c "CREATE DATABASE ragdb" >/dev/null 2>&1 || true
    echo "export PGHOST=127.0.0.1 PGPORT=$port PGUSER=rag PGDATABASE=ragdb PGPASSWORD=$(cat "$dir/password")"
    ;;
  stop)
    [ -d "$dir/data" ] && as_server_user "$bin/pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
