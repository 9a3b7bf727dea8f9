# SPDX-License-Identifier: MIT
# A thin front for CMake: `make test` builds and runs every test, `make asan`
# the same under AddressSanitizer and UBSan, `make bench` the benchmarks on
# the release build. The work is all in CMake and bench/run.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build test asan release bench format format-check clean

all: build

build:
	cmake --preset dev >/dev/null
	cmake --build --preset dev -j $(JOBS)

test: build
	ctest --preset dev -j $(JOBS)

asan:
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

release:
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

bench: release
	bench/run

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
