# ragback — the README lists what each target does.
MVN ?= mvn -B -q -Dstyle.color=never
RAGBACK := bin/ragback
JAR := target/ragback.jar
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)
# Extra global options for the runbook targets, e.g. RAGBACK_FLAGS="--config /etc/ragback.yaml".
RAGBACK_FLAGS ?=

.PHONY: build check test drill bench compat doctor smoke eval.quick verify snapshot.create snapshot.restore rollback.auto clean \
	migrate.up migrate.verify reliability fuzz traffic\:0 traffic\:100 revert\:last-green

build: $(JAR) target/completion/ragback.bash target/man/ragback.1

# Maven 3.8 prints colour resets (ESC[0m) even in batch mode: they are stripped, the exit status kept.
$(JAR): $(SOURCES)
	@echo "building $(JAR)"
	@mkdir -p target; { $(MVN) -DskipTests package 2>&1; echo $$? > target/.mvn-status; } | sed 's/\x1b\[[0-9;]*m//g'; exit $$(cat target/.mvn-status)

# Man pages, one per command (picocli-codegen ManPageGenerator, then asciidoctor's manpage backend): mvn package
# writes them with the jar (about 7 s of the build); this rule only remakes them when they are missing.
target/man/ragback.1: $(JAR)
	@test -f $@ || { $(MVN) test-compile exec:java@man-asciidoc asciidoctor:process-asciidoc@man-roff 2>&1 | sed 's/\x1b\[[0-9;]*m//g'; }
	@test -f $@ && touch $@

# Shell completion generated from the command tree (picocli AutoComplete): ragback completion bash|zsh.
target/completion/ragback.bash: $(JAR)
	@mkdir -p target/completion
	@$(RAGBACK) completion bash > $@

# Classes and methods run in a random order; SEED=N replays one (each run prints its seed).
ifndef SEED
SEED := $(shell od -An -N4 -tu4 /dev/urandom | tr -d ' ')
endif
SEED_FLAGS = -Dsurefire.runOrder.random.seed=$(SEED) -Dfailsafe.runOrder.random.seed=$(SEED) -Dragback.test.seed=$(SEED)

# The inner loop: unit and adapter tests only (surefire; nothing tagged blackbox, no jar built).
check:
	@echo "make check: random order, seed $(SEED) (replay: make check SEED=$(SEED))"
	mvn -B test $(SEED_FLAGS)

# Everything, as CI runs it: unit and adapter tests (surefire), then the black-box tests of the built jar
# (failsafe: the classes tagged blackbox, dev.ragback.blackbox.BlackBox).
test:
	@echo "make test: random order, seed $(SEED) (replay: make test SEED=$(SEED))"
	mvn -B verify $(SEED_FLAGS)

# Fuzzing mode (Jazzer, JAZZER_FUZZ=1): each fuzz test of src/test/java/dev/ragback/fuzz for
# FUZZ_SECONDS, one JVM each (Jazzer fuzzes one test per run). `make test` only replays the stored
# inputs. A crash is written to src/test/resources/dev/ragback/fuzz/<Test>Inputs/<method>/ and
# replayed from then on; the generated corpus grows in .cifuzz-corpus/. Logs: target/fuzz/.
# A fuzz run lasts minutes, so its JVM keeps the C2 compiler the quick test JVMs leave out (pom: test.jvm.args).
FUZZ_SECONDS ?= 60
FUZZ_TESTS := MatrixParserFuzzTest ManifestJsonFuzzTest ConfigLoaderFuzzTest EvalOutputFuzzTest
fuzz:
	$(MVN) test-compile
	@mkdir -p target/fuzz; failed=0; \
	for test in $(FUZZ_TESTS); do \
	  log=target/fuzz/$$test.log; start=$$(date +%s); \
	  JAZZER_FUZZ=1 $(MVN) surefire:test -Dtest=$$test -Djazzer.hooks=true -Dtest.jvm.args=-XX:+UseSerialGC \
	    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time=$(FUZZ_SECONDS) >$$log 2>&1 || failed=1; \
	  execs=$$(sed -n 's/^#\([0-9][0-9]*\)[[:space:]].*/\1/p' $$log | tail -1); \
	  secs=$$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' $$log | tail -1); \
	  echo "$$test: $${execs:-0} execs in $${secs:-?} s (wall $$(( $$(date +%s) - start )) s)"; \
	  { grep -m1 -o 'FuzzTestFindingException: .*' $$log; grep -m1 -o 'Test unit written to .*' $$log; } | sed 's/^/  /'; \
	done; \
	if [ $$failed -ne 0 ]; then echo "fuzz: a target failed; see target/fuzz/*.log"; exit 1; fi

compat: $(JAR)
	$(RAGBACK) compat lint
	$(RAGBACK) compat show

doctor: $(JAR)
	$(RAGBACK) doctor

# Runbook step "make smoke": the live checks (postgres, schema, qdrant, golden probes, compat, smoke.http); exit 3 when one fails.
smoke: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) smoke

# Runbook step "make eval.quick": the quick answer-quality gate (eval.command, or the built-in judge; exit 3 below threshold).
eval.quick: $(JAR)
	$(RAGBACK) $(RAGBACK_FLAGS) eval-quick

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
# `make drill JUDGE=1`: the same with eval.mode judge, against a fake RAG service and judge it starts (docs/judge.md).
# `make drill CLUSTER=3`: the same on a 3-node Qdrant cluster (compose with Docker, else the test double; docs/qdrant.md).
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

# The reliability scenarios (faults, crashes, bad input) as one table; they also run in `make test`.
reliability: $(JAR)
	rm -f target/reliability/scenarios.jsonl
	mvn -B verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.groups=reliability || true
	ops/reliability/report.py target/reliability/scenarios.jsonl
