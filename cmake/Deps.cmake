# SPDX-License-Identifier: MIT
# Every external library comes from Debian through pkg-config and becomes an
# imported target; a layer links only the ones it may use.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET GLOBAL sqlite3>=3.35)
pkg_check_modules(CJSON REQUIRED IMPORTED_TARGET GLOBAL libcjson>=1.7.13)
pkg_check_modules(LIBCURL REQUIRED IMPORTED_TARGET GLOBAL libcurl>=7.85)
pkg_check_modules(LIBCRYPTO REQUIRED IMPORTED_TARGET GLOBAL libcrypto>=3.0)
if(CS_WITH_POSTGRES)
	pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET GLOBAL libpq)
endif()
pkg_check_modules(LIBCSV QUIET IMPORTED_TARGET libcsv)
if(NOT LIBCSV_FOUND)
	# libcsv ships no .pc file in Debian 12.
	find_path(LIBCSV_INCLUDE_DIR csv.h REQUIRED)
	find_library(LIBCSV_LIBRARY csv REQUIRED)
	add_library(cs_libcsv INTERFACE IMPORTED)
	target_include_directories(cs_libcsv INTERFACE ${LIBCSV_INCLUDE_DIR})
	target_link_libraries(cs_libcsv INTERFACE ${LIBCSV_LIBRARY})
else()
	add_library(cs_libcsv ALIAS PkgConfig::LIBCSV)
endif()
