# SPDX-License-Identifier: MIT
# A thin front for CMake: `make demo` builds and starts the whole system,
# `make test` builds and runs every test (PostgreSQL's too: without a
# CS_TEST_PG_DSN it starts a throwaway cluster for the run), `make asan`
# the same under AddressSanitizer and UBSan, `make bench` the benchmarks on
# the release build, `make deb` the Debian package, `make fuzz` the
# libFuzzer harnesses (FUZZ_SECONDS each). The work is all in CMake,
# bench/run, tests/fuzz/run and scripts/.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all bootstrap bootstrap-demo build build-demo test demo asan release \
	bench deb fuzz format format-check clean

all: build

# scripts/bootstrap installs what a fresh Debian machine lacks (root or
# sudo); it is silent and quick when everything is there. The demo needs
# only the build's packages; the tests add PostgreSQL, Chromium, Node...
bootstrap:
	@scripts/bootstrap test

bootstrap-demo:
	@scripts/bootstrap demo

build: bootstrap
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)

# Only the programs the demo runs, so no test tool is needed.
build-demo: bootstrap-demo
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS) --target campaign-sync \
	    fake-nmkr fake-blockfrost

# The whole system on SQLite with the fake upstreams; Ctrl-C stops it.
demo: build-demo
	build/dev/src/cli/campaign-sync demo $(DEMO_ARGS)

test: build
	scripts/with-pg ctest --preset dev -j $(JOBS)

asan: bootstrap
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	scripts/with-pg ctest --preset asan -j $(JOBS)

release: bootstrap
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

# The Debian package (CPack): the release build with prefix /usr, in
# build/deb. SOURCE_DATE_EPOCH (the commit's time) makes --version's
# build date that of the commit, so the package can be rebuilt the same.
deb: bootstrap
	cmake --preset deb >/dev/null
	export SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct 2>/dev/null || \
	    date +%s); \
	cmake --build --preset deb -j $(JOBS) && cd build/deb && cpack -G DEB

bench: release
	bench/run

# The soak (bench/soak): serve on SQLite under webhooks, syncs and
# reservations at once for a bounded time, its memory, threads and
# descriptors over time; fails on unbounded memory growth, never on a
# timing. SOAK_ARGS passes flags (--short is the version CI runs).
.PHONY: soak
soak: release
	bench/soak $(SOAK_ARGS)

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
