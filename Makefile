# ragback — the README lists what each target does.
MVN ?= mvn -B -q
RAGBACK := bin/ragback
JAR := target/ragback.jar
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)
# Extra global options for the runbook targets, e.g. RAGBACK_FLAGS="--config /etc/ragback.yaml".
RAGBACK_FLAGS ?=

.PHONY: build test drill bench compat doctor smoke eval.quick verify snapshot.create snapshot.restore rollback.auto clean \
	migrate.up migrate.verify traffic\:0 traffic\:100 revert\:last-green

build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) -DskipTests package

# Unit and adapter tests (surefire), then the black-box tests of the built jar (failsafe).
test:
	mvn -B verify

compat: $(JAR)
	$(RAGBACK) compat lint
	$(RAGBACK) compat show

doctor: $(JAR)
	$(RAGBACK) doctor

# Runbook step "make smoke": the live checks (postgres, schema, qdrant, golden probes, compat, smoke.http); exit 3 when one fails.
smoke: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) smoke

# Runbook step "make eval.quick": the quick answer-quality gate (eval.command, exit 3 below threshold).
eval.quick: $(JAR)
	$(RAGBACK) eval-quick

# Schema migrations of migrations.dir: apply the pending ones; round-trip them on a scratch database.
migrate.up: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) migrate up

migrate.verify: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) migrate verify

# Runbook targets: `make traffic:0` stops user traffic at once, `make traffic:100` restores it,
# `make revert:last-green` activates the newest green release older than the current one.
# Typing the target is the confirmation, so they pass --yes.
traffic\:0: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) traffic set 0 --yes

traffic\:100: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) traffic set 100 --yes

revert\:last-green: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) revert last-green --yes

clean:
	$(MVN) clean

# The main job on a fresh machine: the runbook's whole story end to end (README, SPEC section 10).
drill: $(JAR)
	ops/drill/drill.sh

# ragback against the runbook's shell commands on a generated RAG dataset (README "Performance");
# BENCH_SCALE=4 makes the dataset 4 times larger. Not a test: nothing timed is asserted.
bench: $(JAR)
	ops/bench/bench.sh

# Runbook targets (typing the target is the confirmation, so the destructive ones pass --yes).
snapshot.create: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) snapshot create $(if $(LABEL),--label "$(LABEL)")

snapshot.restore: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) snapshot restore --yes $(SNAPSHOT)

REASON ?= manual
rollback.auto: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) rollback auto --reason $(REASON) --yes

verify: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) verify
