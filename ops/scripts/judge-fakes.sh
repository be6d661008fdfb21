#!/usr/bin/env bash
# The test tree's fake RAG service and fake OpenAI-compatible judge (dev.ragback.testing.judge.FakeJudgeMain)
# as one background process, for `make drill JUDGE=1`, `make bench` and the Ollama CI job.
#
#   judge-fakes.sh start DIR FIXTURE [--delay-ms N]   prints one line to eval:
#       export JUDGE_FAKE_RAG_URL=… JUDGE_FAKE_JUDGE_URL=… JUDGE_FAKE_PID=…
#   judge-fakes.sh stop DIR
#
# FIXTURE: JSON lines {"id", "question", "answer", "contexts", "statements", "verdicts"} (src/test/resources/dev/ragback/judge/).
# Needs the test classes: compiled here (mvn test-compile) when missing or older than pom.xml.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
action=${1:-}
dir=${2:-}
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: judge-fakes.sh start DIR FIXTURE [--delay-ms N] | stop DIR" >&2; exit 2; }

case "$action" in
  start)
    fixture=${3:?"judge-fakes.sh start DIR FIXTURE: the fixture is missing"}
    shift 3
    mkdir -p "$dir"
    if [ ! -f "$root/target/test.classpath" ] || [ "$root/pom.xml" -nt "$root/target/test.classpath" ] \
       || [ ! -f "$root/target/test-classes/dev/ragback/testing/judge/FakeJudgeMain.class" ]; then
      echo "judge-fakes: compiling the test classes (the fakes live there)" >&2
      (cd "$root" && { mvn -B -q -o test-compile dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile=target/test.classpath >/dev/null 2>&1 || mvn -B -q test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath >&2; })
    fi
    cp="$root/target/test-classes:$root/target/classes:$(cat "$root/target/test.classpath")"
    java -XX:+UseSerialGC -Xmx128m -Dsun.net.httpserver.nodelay=true -cp "$cp" dev.ragback.testing.judge.FakeJudgeMain \
      --fixture "$fixture" "$@" >"$dir/fakes.out" 2>"$dir/fakes.err" &
    echo $! > "$dir/fakes.pid"
    for _ in $(seq 1 100); do
      if grep -q '^ready' "$dir/fakes.out" 2>/dev/null; then break; fi
      sleep 0.1
    done
    grep -q '^ready' "$dir/fakes.out" || { cat "$dir/fakes.err" >&2; echo "judge-fakes: the fakes did not start" >&2; exit 1; }
    echo "export JUDGE_FAKE_RAG_URL=$(sed -n 's/^rag //p' "$dir/fakes.out") JUDGE_FAKE_JUDGE_URL=$(sed -n 's/^judge //p' "$dir/fakes.out") JUDGE_FAKE_PID=$(cat "$dir/fakes.pid")"
    ;;
  stop)
    if [ -f "$dir/fakes.pid" ]; then
      kill "$(cat "$dir/fakes.pid")" 2>/dev/null || true
      rm -f "$dir/fakes.pid"
    fi
    ;;
  *) echo "usage: judge-fakes.sh start DIR FIXTURE [--delay-ms N] | stop DIR" >&2; exit 2 ;;
esac
