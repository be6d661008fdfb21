#!/usr/bin/env python3
"""Example evaluator for `ragback eval-quick` -- a STAND-IN, NOT A JUDGE.

It shows the contract ragback expects from `eval.command` and nothing else. It does not call the
RAG service, an LLM or RAGAS: its scores are made up, deterministically, so that the thresholds,
the NaN handling and the gate can be exercised (in a drill, in CI, by hand). Replace it with a
real evaluator before trusting `eval-quick` with a rollback decision.

Contract (SPEC section 9)
  ragback runs eval.command as an argv list, without a shell. It replaces {queries} with the
  number of queries and {output} with a fresh file path, e.g. in ops/ragback.yaml:

      eval:
        command: ["python3", "ops/eval/quick_eval.py", "--n", "{queries}", "--out", "{output}"]

  The evaluator writes to {output} (or, without {output}, prints on stdout) either
    - an object of mean scores:       {"faithfulness": 0.84, "answer_relevancy": 0.91}
    - or a list of per-query rows:    [{"id": "q01", "faithfulness": 0.9}, ...]
      (also accepted: {"rows": [...]}, or one JSON object per line)
  Scores are from 0 to 1. NaN (Python's json writes it bare), null or an out-of-range value marks
  that row invalid for the metric; more than eval.max_invalid invalid rows make the result
  inconclusive. Logs and progress go to stderr. A failure is a non-zero exit.

Scores of this stand-in
  Default: each query gets a fixed score from 0.82 to 0.96 derived from its id (mean about 0.89).
  QUICK_EVAL_FAITHFULNESS=0.72   every row gets this score (simulates a faithfulness drop)
  QUICK_EVAL_SCORES=FILE         a JSON fixture {"q01": 0.9, "q02": NaN, ...} per query id;
                                 ids it does not list keep the default
  QUICK_EVAL_NAN=3               the first 3 rows get NaN (simulates a judge that failed on them)

A real evaluator would, for each query: ask the RAG service for the answer and its contexts,
then have a judge model split the answer into statements and check each against the contexts
(RAGAS faithfulness = supported statements / all statements; NaN when there are none).
"""

import argparse
import hashlib
import json
import math
import os
import sys
from pathlib import Path

DEFAULT_QUERIES = Path(__file__).resolve().parent / "quick.jsonl"


def read_queries(path, n):
    queries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if line.strip():
                try:
                    queries.append(json.loads(line))
                except json.JSONDecodeError as e:
                    sys.exit(f"quick_eval: {path}:{number}: not a JSON object: {e}")
    if len(queries) < n:
        print(f"quick_eval: asked for {n} queries, {path} has {len(queries)}; using all", file=sys.stderr)
    return queries[:n]


def default_score(query_id):
    digest = hashlib.sha256(str(query_id).encode("utf-8")).digest()
    return round(0.82 + (digest[0] % 15) / 100, 2)


def score_source():
    """The per-id score function chosen by the environment (see the module docstring)."""
    fixed = os.environ.get("QUICK_EVAL_FAITHFULNESS")
    if fixed:
        return lambda _query_id: float(fixed)
    fixture_path = os.environ.get("QUICK_EVAL_SCORES")
    if fixture_path:
        with open(fixture_path, encoding="utf-8") as f:
            fixture = json.load(f)  # json accepts NaN
        return lambda query_id: fixture.get(query_id, default_score(query_id))
    return default_score


def main():
    parser = argparse.ArgumentParser(description="Example stand-in evaluator for ragback eval-quick (not a real judge).")
    parser.add_argument("--n", type=int, default=20, help="number of queries (ragback passes {queries})")
    parser.add_argument("--out", default="-", help="file to write the rows to (ragback passes {output}); - for stdout")
    parser.add_argument("--queries", default=str(DEFAULT_QUERIES), help="JSONL of {id, question, ground_truth}")
    args = parser.parse_args()
    if args.n < 1:
        parser.error("--n must be at least 1")

    queries = read_queries(args.queries, args.n)
    score_of = score_source()
    nan_rows = int(os.environ.get("QUICK_EVAL_NAN", "0"))
    rows = []
    for index, query in enumerate(queries):
        score = math.nan if index < nan_rows else score_of(query["id"])
        rows.append({"id": query["id"], "question": query["question"], "faithfulness": score})
        print(f"quick_eval: {query['id']} faithfulness={score}", file=sys.stderr)

    text = json.dumps(rows, ensure_ascii=False, indent=1)  # allow_nan: NaN is written bare, as RAGAS tools do
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
