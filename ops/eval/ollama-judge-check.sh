#!/usr/bin/env bash
# The judge against a real small model (the GitHub Actions job judge-ollama; needs the network, not part of
# make test): eval-quick in judge mode on two fixture sets served by the fake RAG service, one whose answers are
# copied from their contexts and one whose answers contradict them. Asserts only that the faithful set scores
# higher. Needs: make build, an Ollama (or any OpenAI-compatible endpoint) at JUDGE_URL serving JUDGE_MODEL.
#   JUDGE_URL    default http://127.0.0.1:11434/v1
#   JUDGE_MODEL  default qwen2.5:0.5b-instruct
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd -P)
judge_url=${JUDGE_URL:-http://127.0.0.1:11434/v1}
model=${JUDGE_MODEL:-qwen2.5:0.5b-instruct}
work=$(mktemp -d /tmp/ragback-ollama.XXXXXX)
trap '"$root/ops/scripts/judge-fakes.sh" stop "$work/fakes"; rm -rf "$work"' EXIT

score() {
  local set=$1 fixture="$root/src/test/resources/dev/ragback/judge/$1.jsonl" fakes out
  fakes=$("$root/ops/scripts/judge-fakes.sh" start "$work/fakes" "$fixture")
  eval "$fakes"
  mkdir -p "$work/$set"
  # exit 3 (below the threshold) is expected for the unfaithful set: only the score matters here
  (cd "$work/$set" && "$root/bin/ragback" --json eval-quick --set eval.mode=judge --set "eval.dataset=$fixture" \
    --set "eval.rag_url=$JUDGE_FAKE_RAG_URL" --set "eval.judge_url=$judge_url" --set "eval.judge_model=$model" \
    --set eval.concurrency=2 --set eval.timeout=5m --set eval.max_invalid=0.5 > "$work/$set.json") || true
  "$root/ops/scripts/judge-fakes.sh" stop "$work/fakes"
  python3 - "$work/$set.json" "$set" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for row in doc.get("query_rows", []):
    print(f"  {sys.argv[2]:10} {row['id']}: statements {row['statements']}, supported {row['supported']}, "
          f"score {row['score']}{'' if row['reason'] is None else ' (' + row['reason'] + ')'}", file=sys.stderr)
value = doc["metrics"][0]["value"]
if value is None:
    sys.exit(f"{sys.argv[2]}: no valid score at all (see the rows above)")
print(value)
PY
}

faithful=$(score faithful)
unfaithful=$(score unfaithful)
echo "faithfulness of the faithful set: $faithful; of the unfaithful set: $unfaithful (judge $model at $judge_url)"
python3 -c "import sys; sys.exit(0 if float('$faithful') > float('$unfaithful') else 'the faithful set does not score higher')"
echo "ok: the faithful set scores higher"
