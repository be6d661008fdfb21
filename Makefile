# ragback — the README lists what each target does.
MVN ?= mvn -B -q
RAGBACK := bin/ragback
JAR := target/ragback.jar
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)
# Extra global options for the runbook targets, e.g. RAGBACK_FLAGS="--config /etc/ragback.yaml".
RAGBACK_FLAGS ?=

.PHONY: build test compat doctor eval.quick migrate.up migrate.verify clean traffic\:0 traffic\:100 revert\:last-green

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
