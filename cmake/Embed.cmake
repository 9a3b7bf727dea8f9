# SPDX-License-Identifier: MIT
# cs_embed(OUT var FILES ...) turns files into a C array at build time
# (curl's mk-file-embed.pl idea), so nothing is read from disk at run time.
function(cs_embed out_c symbol)
	set(files ${ARGN})
	add_custom_command(OUTPUT ${out_c}
		COMMAND ${CMAKE_COMMAND} -DOUT=${out_c} -DSYMBOL=${symbol}
			"-DFILES=${files}"
			-P ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
		DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/EmbedFiles.cmake
		COMMENT "Embedding ${symbol}"
		VERBATIM)
endfunction()
