# `make drill JUDGE=1`: sourced by drill.sh once its scratch config is written. Starts the fake RAG
# service and the fake judge (ops/scripts/judge-fakes.sh) and switches the scratch config's eval:
# section to eval.mode judge against them, so that rollback auto's eval step is computed by ragback.
# The fixture answers the runbook's 20 quick questions; its verdicts give a faithfulness of about 0.96.
judge_fixture="$root/src/test/resources/dev/ragback/judge/drill.jsonl"
judge_fakes_env=$("$root/ops/scripts/judge-fakes.sh" start "$drill_dir/judge" "$judge_fixture") \
  || fail "JUDGE=1: the fake RAG service and judge did not start (see above)"
eval "$judge_fakes_env"
trap '"$root/ops/scripts/judge-fakes.sh" stop "$drill_dir/judge"; cleanup' EXIT
say "JUDGE=1: eval.mode judge, RAG service $JUDGE_FAKE_RAG_URL, judge $JUDGE_FAKE_JUDGE_URL (fakes from the test tree)"
# the scratch config's eval: section is replaced (everything from "eval:" to the next top-level key)
awk '/^eval:/ { skip = 1; next } /^[^ #]/ { skip = 0 } !skip' "$drill_dir/ops/ragback.yaml" > "$drill_dir/ops/ragback.yaml.new"
cat >> "$drill_dir/ops/ragback.yaml.new" <<YAML
eval:
  mode: judge
  dataset: $judge_fixture
  rag_url: $JUDGE_FAKE_RAG_URL
  judge_url: $JUDGE_FAKE_JUDGE_URL
  judge_model: fake-judge
  timeout: 30s
YAML
mv "$drill_dir/ops/ragback.yaml.new" "$drill_dir/ops/ragback.yaml"
