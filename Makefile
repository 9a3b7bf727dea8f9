# SPDX-License-Identifier: MIT
# A thin front for CMake: `make test` builds and runs every test, `make asan`
# the same under AddressSanitizer and UBSan. The work is all in CMake.

JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build test asan release format format-check clean

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

format:
	git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.c' '*.h' | xargs clang-format --dry-run -Werror

clean:
	rm -rf build
