# Waferlet top-level build. Everything goes to build/; the CLI is build/waferlet.
# Pieces of the project add their rules in mk/*.mk and register with these lists:
#   TESTS       test executables `make test` runs (each prints a cmocka summary)
#   LONG_TESTS  slower tests for `make test-long`
#   BENCH_PARTS JSON files, one per bench.json section (build/bench/<section>.json)
#   LINT_TOPS   "top:file file ..." groups linted by `make lint`
#   ALL_TARGETS what plain `make` builds

BUILD      := build
CC         ?= cc
CSTD_FLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g
DEPFLAGS    = -MMD -MP
CFLAGS     ?=
CFLAGS     += $(CSTD_FLAGS)
LDLIBS_M   := -lm -ldl

TESTS       :=
LONG_TESTS  :=
BENCH_PARTS :=
LINT_TOPS   :=
ALL_TARGETS :=

.DEFAULT_GOAL := all
.PHONY: all deps test test-long bench lint run clean help

include $(sort $(wildcard mk/*.mk))

all: deps-check $(ALL_TARGETS)

help:
	@echo "make          build everything into build/ (CLI: build/waferlet)"
	@echo "make run      decode with the shipped model"
	@echo "make test     run every test CI runs"
	@echo "make test-long  slower stress tests"
	@echo "make bench    write build/bench.json"
	@echo "make lint     Verilator --lint-only -Wall on the RTL"
	@echo "make deps     install (as root) or name the packages the build needs"

# Dependency step: installs missing Debian packages when root, else names them.
deps:
	@tools/deps.sh install

deps-check:
	@tools/deps.sh check

test: deps $(TESTS)
	@tools/run-tests.sh $(TESTS)

test-long: deps $(LONG_TESTS)
	@tools/run-tests.sh $(LONG_TESTS)

bench: deps $(BENCH_PARTS)
	@tools/merge-bench.sh $(BUILD)/bench.json $(BENCH_PARTS)
	@echo "wrote $(BUILD)/bench.json"

clean:
	rm -rf $(BUILD)

.PHONY: deps-check
