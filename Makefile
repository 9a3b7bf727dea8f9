# SPDX-License-Identifier: MIT
# A thin front for CMake: `make demo` builds and starts the whole system,
# `make test` builds and runs every test (PostgreSQL's too: without a
# CS_TEST_PG_DSN it starts a throwaway cluster for the run), `make asan`
# the same under AddressSanitizer and UBSan, `make bench` the benchmarks on
# the release build, `make deb` the Debian package, `make fuzz` the
# libFuzzer harnesses (FUZZ_SECONDS each), `make tidy` clang-tidy, `make
# tsan` the threaded tests under ThreadSanitizer. The work is all in CMake,
# bench/run, tests/fuzz/run and scripts/.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all bootstrap bootstrap-demo build build-demo test demo asan release \
	bench deb fuzz format format-check tidy tsan clean

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

# The tests that run threads (serve's handler threads, the webhook writer,
# async syncs, the scheduler and the sweeper, the chain verifier, a sync's
# reader and heartbeat; docs/internals/threads.md) under ThreadSanitizer,
# those of TSAN_BOTH on SQLite and PostgreSQL, those of TSAN_SQLITE on
# SQLite only (PostgreSQL adds no thread to them). Only their programs are
# built. Every process writes its reports to build/tsan/reports, and any
# report fails the run, even from a server whose test passed; so a test
# that misses a deadline 5 to 15 times slower runs once more
# (--repeat until-pass:2) without hiding a race.
empty :=
space := $(empty) $(empty)
TSAN_BOTH = load background stuck limits chainq hook_grace
TSAN_SQLITE = sync webhook_cache
TSAN_TESTS = ^integration\.(pg\.)?($(subst $(space),|,$(TSAN_BOTH)))\.|$\
	^integration\.($(subst $(space),|,$(TSAN_SQLITE)))\.|$\
	^integration\.http_api\.(sync_async|webhooks_valid)|$\
	^unit\.util_tz\.shared_by_threads
TSAN_TARGETS = campaign-sync fake-nmkr fake-blockfrost integration_load \
	integration_background integration_stuck integration_http_limits \
	integration_chainq integration_webhook_cache integration_hook_grace \
	integration_sync integration_http_api unit_tz
tsan: bootstrap
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS) --target $(TSAN_TARGETS)
	@rm -rf build/tsan/reports && mkdir -p build/tsan/reports; status=0; \
	TSAN_OPTIONS="log_path=$(CURDIR)/build/tsan/reports/tsan \
	    suppressions=$(CURDIR)/tests/tsan.supp second_deadlock_stack=1" \
	    scripts/with-pg ctest --test-dir build/tsan -j $(JOBS) \
	    --output-on-failure --timeout 600 --repeat until-pass:2 \
	    -R '$(TSAN_TESTS)' || status=1; \
	if ls build/tsan/reports/tsan.* >/dev/null 2>&1; then \
	    cat build/tsan/reports/tsan.*; status=1; \
	    echo "tsan: ThreadSanitizer reports above"; \
	elif [ $$status -eq 0 ]; then echo "tsan: no reports"; fi; \
	exit $$status

# clang-tidy with .clang-tidy on every .c of src/ and tools/ but the
# folders of TIDY_EXCLUDE, on the dev build's compile commands, every
# warning an error. clang-tidy 14 lacks bugprone-assignment-in-if-condition
# (the house rule: no assignment in conditions; assign, then test), so
# clang-query runs the same match. TIDY_EXCLUDE names folders to leave out
# (none).
TIDY_EXCLUDE ?=
TIDY_FILES = git ls-files 'src/*.c' 'tools/*.c' \
	$(foreach d,$(TIDY_EXCLUDE),':(exclude)$(d)')
TIDY_ASSIGN_IN_IF = match ifStmt(hasCondition(expr(anyOf( \
	binaryOperator(isAssignmentOperator()), \
	hasDescendant(binaryOperator(isAssignmentOperator()))))))
TIDY_ASSIGN_MSG = assignment in the condition of an if (assign, then test)
tidy: build
	@out=$$(mktemp); status=0; \
	$(TIDY_FILES) | xargs -P $(JOBS) -n 1 clang-tidy -p build/dev --quiet \
	    --warnings-as-errors='*' >$$out 2>&1 || status=1; \
	grep -v 'warnings\{0,1\} generated\.$$' $$out; \
	$(TIDY_FILES) | xargs clang-query -p build/dev --extra-arg=-w \
	    -c 'set output diag' -c '$(TIDY_ASSIGN_IN_IF)' >$$out 2>&1 || \
	    status=1; \
	if grep -q 'binds here\|error:' $$out; then status=1; fi; \
	grep 'error:' $$out; \
	sed -n 's/: note: "root" binds here$$/: $(TIDY_ASSIGN_MSG)/p' $$out; \
	rm -f $$out; \
	if [ $$status -eq 0 ]; then echo "tidy: clean"; fi; exit $$status

clean:
	rm -rf build
