# Radit: two commands set everything up on a fresh Debian machine.
#   make quickstart   install, fetch models, build release, run the default experiment
#   make test         install, fetch models, run the test suite
#   make study        the 8-row study (RAFT Table 1 + RA-DIT Table 6, n = 200 test questions)
SWIFT        ?= swift
# One build configuration for everything (release, with @testable imports allowed), so the
# CLI, tests and benchmarks share one build.
BUILD_FLAGS  ?= -c release -Xswiftc -enable-testing
RADIT        := .build/release/radit

.PHONY: quickstart study test bench bootstrap models build clean

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
	$(RADIT) report runs/quickstart
	@echo "quickstart: its tables rest on 12 test questions (one question = 8.3 points), a smoke test of the"
	@echo "pipeline, not evidence; 'make study' runs all eight rows of RAFT Table 1 and RA-DIT Table 6 on 200"
	@echo "test questions (hours on 2 cores; README, 'What grows with more time')."

# experiments/study.toml: base, base + RAG, DSF, DSF + RAG, RAFT (RAFT's protocol) and RA-DIT's
# Table 6 (LM base/LM-ft × retriever base/R-ft, RA-DIT's protocol) on 200 test questions;
# hours on 2 cores (see the file's header). Rerunning resumes: finished cells are skipped.
# STUDY_SET adds overrides, e.g. STUDY_SET="--set data.test_limit=50".
STUDY        := runs/study
study: models build
	$(RADIT) sweep experiments/study.toml $(STUDY_SET)
	$(RADIT) table $(STUDY)/base $(STUDY)/base+RAG $(STUDY)/DSF $(STUDY)/DSF+RAG $(STUDY)/RAFT --layout raft-table1 --baseline base+RAG
	$(RADIT) table $(STUDY)/RA-DIT --layout radit-table6
	@# BM25 row of the recall table: the same SynthKB written as files (its name, synthkb-0, and
	@# question ids are the run's; entities and seed as in experiments/study.toml's [data]),
	@# ranked by BM25; the table keeps the questions the runs evaluated.
	$(RADIT) generate synthkb --entities 800 --seed 0 --out $(STUDY)-data/synthkb-0
	$(RADIT) bench retrieval --data $(STUDY)-data/synthkb-0 --retrievers bm25 --k 1,3,10 --output $(STUDY)-data/bench-bm25.h5
	$(RADIT) table $(STUDY)/RA-DIT $(STUDY)-data/bench-bm25.h5 --layout recall
	$(RADIT) report $(STUDY) $(STUDY)-data/bench-bm25.h5 --out $(STUDY)/report.html

test: models
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build --disable-swift-testing $(TEST_FLAGS)

bench: models
	$(SWIFT) build $(BUILD_FLAGS)
	bash benchmarks/run.sh

clean:
	rm -rf .build
