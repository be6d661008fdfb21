#!/usr/bin/env bash
# Class-data sharing for bin/ragback, run by `mvn package` after the jar is built:
#   cds-archive.sh JAR ARCHIVE
# A few offline commands run with -XX:DumpLoadedClassList (no store is reached: every endpoint is a
# closed local port); their class lists, merged, become a static CDS archive of the JDK and ragback
# classes they load. With it, a command starts with those classes already parsed and verified.
# bin/ragback uses ARCHIVE when it is newer than JAR and ARCHIVE.jar names JAR's path. Never fails the build: without an archive
# ragback only starts slower.
set -uo pipefail

jar=${1:?usage: cds-archive.sh JAR ARCHIVE}
archive=${2:?usage: cds-archive.sh JAR ARCHIVE}
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
jar=$(cd "$(dirname "$jar")" && pwd -P)/$(basename "$jar")
root=$(cd "$(dirname "$0")/../.." && pwd -P)
work=$(dirname "$archive")/cds-training
rm -rf "$work" "$archive" "$archive.jar"
mkdir -p "$work/backups" "$work/home" "$work/compat"
cp "$root/compat/matrix.md" "$work/compat/matrix.md"

train() {
  local n=$1
  shift
  # in the scratch dir: whatever a training run writes (a postmortem draft, a journal) stays out of the repository
  (cd "$work" && env -i PATH="$PATH" HOME="$work/home" RAGBACK_BACKUPS="$work/backups" \
    QDRANT_URL=http://127.0.0.1:9 PGHOST=127.0.0.1 PGPORT=9 \
    "$java" -XX:+UseSerialGC -Xshare:auto -XX:DumpLoadedClassList="$work/$n.classlist" -jar "$jar" "$@" \
    >/dev/null 2>&1 </dev/null)
}

# a tiny set, so that the commands reading manifests and hashing files run to their end
training_set() {
  local id=20000101-000000 dir="$work/backups/20000101-000000" q p
  mkdir -p "$dir/qdrant" "$dir/postgres"
  printf 'qdrant snapshot\n' > "$dir/qdrant/rag_main_v2.snapshot"
  printf 'postgres dump\n' > "$dir/postgres/ragdb.dump"
  q=$(sha256sum < "$dir/qdrant/rag_main_v2.snapshot" | cut -d' ' -f1)
  p=$(sha256sum < "$dir/postgres/ragdb.dump" | cut -d' ' -f1)
  cat > "$dir/manifest.json" <<JSON
{"id": "$id", "created_at": "2000-01-01T00:00:00Z", "label": "cds", "status": "complete", "golden": true,
 "golden_at": "2000-01-01T00:00:00Z", "ragback_version": "0", "created_by": "cds", "binary_version": "v1.1.0",
 "schema_version": "v1.1.0",
 "qdrant": {"url": "http://127.0.0.1:9", "server_version": "1.19.0", "collection": "rag_main_v2",
   "aliases": [{"alias_name": "rag_main", "collection_name": "rag_main_v2"}], "snapshot_name": "s.snapshot",
   "file": "qdrant/rag_main_v2.snapshot", "size": 16, "sha256": "$q", "server_checksum": "$q", "points_count": 1,
   "vector_name": null, "vectors": {"size": 4, "distance": "Cosine"}},
 "postgres": {"database": "ragdb", "server_version": "15", "pg_dump_version": "15", "format": "custom",
   "file": "postgres/ragdb.dump", "size": 14, "sha256": "$p", "excluded_tables": ["task_events"],
   "counts": [{"model_id": "m", "chunks": 1, "docs": 1}],
   "files": [{"path": "postgres/ragdb.dump", "size": 14, "sha256": "$p"}]},
 "probes": [{"point_id": 1, "k": 1, "results": [{"id": 1, "score": 1.0}], "mean_score": 1.0}],
 "migrations": []}
JSON
  echo "$id"
}
set_id=$(training_set)

# together they load what --version, verify, list, restore --dry-run and doctor load, and more
train 1 compat check --binary v1.1.0 --schema v1.1.0 --collection rag_main_v2 &
train 2 smoke
wait
train 3 rollback auto --reason cds --snapshot "$set_id" --dry-run

cat "$work"/*.classlist 2>/dev/null | grep -v '^#' | awk '!seen[$0]++' > "$work/merged.classlist"
if [ ! -s "$work/merged.classlist" ]; then
  echo "cds-archive: no class list was written; ragback runs without a CDS archive" >&2
  exit 0
fi
# picocli is compiled for Java 5, which CDS cannot archive: the dump says so for each of its classes
if ! "$java" -Xshare:dump -XX:SharedClassListFile="$work/merged.classlist" -XX:SharedArchiveFile="$archive" \
    -cp "$jar" >"$work/dump.log" 2>&1; then
  echo "cds-archive: the CDS dump failed (see $work/dump.log); ragback runs without a CDS archive" >&2
  rm -f "$archive"
else
  # bin/ragback checks this: an archive made for another path of the jar is not used
  echo "$jar" > "$archive.jar"
fi
exit 0
