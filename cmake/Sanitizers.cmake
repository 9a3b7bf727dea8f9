# SPDX-License-Identifier: MIT
# CS_SANITIZE=address,undefined (or thread) instruments every target.
if(CS_SANITIZE)
	set(_cs_san -fsanitize=${CS_SANITIZE} -fno-omit-frame-pointer)
	if(CS_SANITIZE MATCHES "undefined")
		list(APPEND _cs_san -fno-sanitize-recover=all)
	endif()
	add_compile_options(${_cs_san})
	add_link_options(${_cs_san})
endif()
