#!/usr/bin/env python3
"""Prints the reliability scenarios recorded by the tests (target/reliability/scenarios.jsonl) as a
table; the last line is "N passed, M failed". Exit 1 when a scenario failed or none ran."""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "target/reliability/scenarios.jsonl"
try:
    rows = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
except FileNotFoundError:
    print(f"reliability: no scenarios recorded ({path} is missing)")
    sys.exit(1)

def cut(text, width):
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"

header = ("scenario", "broken", "expected", "observed", "data intact")
widths = (44, 46, 46, 46, 11)
print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
print("  ".join("-" * w for w in widths))
for r in rows:
    intact = {True: "yes", False: "NO", None: "-"}[r.get("data_intact")]
    cells = (r["scenario"], r["broken"], r["expected"], r["observed"], intact)
    print("  ".join(cut(c, w).ljust(w) for c, w in zip(cells, widths)))
passed = sum(1 for r in rows if r["passed"] and r.get("data_intact") is not False)
failed = len(rows) - passed
lost = sum(1 for r in rows if r.get("data_intact") is False)
print()
print(f"data-loss cases: {lost}")
print(f"{passed} passed, {failed} failed")
sys.exit(0 if rows and failed == 0 else 1)
