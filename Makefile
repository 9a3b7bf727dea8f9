# SPDX-License-Identifier: MIT
# A thin front for CMake: `make demo` builds and starts the whole system,
# `make test` builds and runs every test, `make asan`
# the same under AddressSanitizer and UBSan, `make bench` the benchmarks on
# the release build, `make fuzz` the libFuzzer harnesses (FUZZ_SECONDS
# each). The work is all in CMake, bench/run and tests/fuzz/run.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all bootstrap build test demo asan release bench fuzz format format-check clean

all: build

# scripts/bootstrap installs what a fresh Debian machine lacks (root or
# sudo); it is silent and quick when everything is there.
bootstrap:
	@scripts/bootstrap

build: bootstrap
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)

# The whole system on SQLite with the fake upstreams; Ctrl-C stops it.
demo: build
	build/dev/src/cli/campaign-sync demo $(DEMO_ARGS)

test: build
	ctest --preset dev -j $(JOBS)

asan: bootstrap
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

release: bootstrap
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

bench: release
	bench/run

# Every harness of tests/fuzz for FUZZ_SECONDS seconds, one after the other
# (clang, libFuzzer, ASan + UBSan); prints executions per harness and fails
# on a crash. FUZZ_NAMES picks some (docs/internals/fuzz.md).
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_NAMES)

format:
	git ls-files --cached --others --exclude-standard '*.c' '*.h' | xargs clang-format -i

format-check:
	git ls-files --cached --others --exclude-standard '*.c' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
