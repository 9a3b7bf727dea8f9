# SPDX-License-Identifier: MIT
# CS_SANITIZE=address,undefined (or thread) instruments every target.
if(CS_SANITIZE)
	set(_cs_san -fsanitize=${CS_SANITIZE} -fno-omit-frame-pointer)
	if(CS_SANITIZE MATCHES "undefined")
		list(APPEND _cs_san -fno-sanitize-recover=all)
		# gcc leaves a float-to-integer cast out of range (a JSON number
		# of 1e300 cast to int64_t) out of "undefined"; clang has it in.
		if(CMAKE_C_COMPILER_ID STREQUAL "GNU")
			list(APPEND _cs_san -fsanitize=float-cast-overflow)
		endif()
	endif()
	add_compile_options(${_cs_san})
	add_link_options(${_cs_san})
endif()

# CS_BUILD_FUZZERS (the fuzz preset, clang): every target gets libFuzzer's
# coverage instrumentation; the harnesses in tests/fuzz link its runtime.
if(CS_BUILD_FUZZERS)
	if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
		message(FATAL_ERROR "CS_BUILD_FUZZERS needs clang (cmake --preset fuzz)")
	endif()
	add_compile_options(-fsanitize=fuzzer-no-link)
endif()
