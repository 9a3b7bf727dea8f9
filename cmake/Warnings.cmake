# SPDX-License-Identifier: MIT
# Picky warnings (curl PickyWarnings + relayd), applied per target with
# cs_target_warnings(); cs_target_strict() adds -Wconversion for util and core.
set(CS_WARNING_FLAGS
	-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
	-Wmissing-prototypes -Wmissing-declarations -Wold-style-definition
	-Wformat=2 -Wundef -Wwrite-strings -Wcast-qual -Wpointer-arith
	-Wsign-compare -Wredundant-decls -Werror=implicit-function-declaration
	-Wvla)

function(cs_target_warnings target)
	target_compile_options(${target} PRIVATE ${CS_WARNING_FLAGS})
	if(CS_WERROR)
		target_compile_options(${target} PRIVATE -Werror)
	endif()
endfunction()

function(cs_target_strict target)
	cs_target_warnings(${target})
	target_compile_options(${target} PRIVATE -Wconversion -Wsign-conversion)
endfunction()
