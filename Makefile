# Radit: two commands set everything up on a fresh Debian machine.
#   make quickstart   install, fetch models, build release, run the default experiment
#   make test         install, fetch models, run the test suite
SWIFT        ?= swift
# One build configuration for everything (release, with @testable imports allowed), so the
# CLI, tests and benchmarks share one build.
BUILD_FLAGS  ?= -c release -Xswiftc -enable-testing
RADIT        := .build/release/radit

.PHONY: quickstart test bench bootstrap models build clean

bootstrap:
	@bash scripts/bootstrap.sh

models: bootstrap
	@bash scripts/fetch-models.sh

build: bootstrap
	$(SWIFT) build $(BUILD_FLAGS) --product radit

quickstart: models build
	$(RADIT) --version
	$(RADIT) smoke
	@# --overwrite: re-running quickstart replaces runs/quickstart instead of failing.
	$(RADIT) run experiments/quickstart.toml --overwrite

test: models
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build --disable-swift-testing $(TEST_FLAGS)

bench: models
	$(SWIFT) build $(BUILD_FLAGS)
	bash benchmarks/run.sh

clean:
	rm -rf .build
