/* SPDX-License-Identifier: MIT */
/*
 * What every harness of tests/fuzz shares. A harness is one file,
 * fuzz_<name>.c, that defines LLVMFuzzerTestOneInput() and nothing else
 * global; it links with libFuzzer in the fuzz preset (clang) and with
 * standalone_driver.c everywhere else, where it replays corpora/<name>/ and
 * regressions/<name>/ as the CTest test fuzz.<name> (label fuzz-regress). A
 * harness aborts on a broken invariant, so the fuzzer reports it as a crash.
 */
#ifndef CS_FUZZ_H
#define CS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* libFuzzer's entry point: one input, data[0..size), not NUL-terminated. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when cond is false: the fuzzer's "crash". */
#define FUZZ_CHECK(cond)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",       \
			    __FILE__, __LINE__, #cond);                        \
			abort();                                               \
		}                                                              \
	} while (0)

#endif
