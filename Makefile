# ragback — the README lists what each target does.
MVN ?= mvn -B -q
RAGBACK := bin/ragback
JAR := target/ragback.jar
SOURCES := pom.xml $(shell find src/main -type f 2>/dev/null)

.PHONY: build test compat doctor eval.quick clean

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

clean:
	$(MVN) clean
