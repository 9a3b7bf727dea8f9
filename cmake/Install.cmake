# SPDX-License-Identifier: MIT
# What `cmake --install` and the Debian package (`make deb`, CPack) hold,
# in Debian's paths:
#   bin/campaign-sync                          the program
#   libexec/campaign-sync/fake-{nmkr,blockfrost}  the fakes `demo` runs
#   share/man/man1/campaign-sync.1.gz          the manual (help --man)
#   share/bash-completion/completions/campaign-sync, and for zsh
#   share/zsh/vendor-completions/_campaign-sync
#   /lib/systemd/system/campaign-sync.service  the unit (dist/)
#   /etc/campaign-sync/campaign-sync.env       its environment (a conffile)
#   share/doc/campaign-sync/                   README, deploy.md, the example
#                                              environment

install(TARGETS campaign-sync RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(fake fake-nmkr fake-blockfrost)
	if(TARGET ${fake})
		install(TARGETS ${fake}
			RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/campaign-sync)
	endif()
endforeach()
# Debian wants the manual and the changelog compressed (gzip -n: no name
# or time inside, so the package builds the same twice).
find_program(CS_GZIP gzip REQUIRED)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/campaign-sync.1.gz
	COMMAND ${CS_GZIP} -9nc ${PROJECT_BINARY_DIR}/src/cli/campaign-sync.1
		> ${PROJECT_BINARY_DIR}/campaign-sync.1.gz
	DEPENDS cs_manual ${PROJECT_BINARY_DIR}/src/cli/campaign-sync.1)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/changelog.gz
	COMMAND ${CS_GZIP} -9nc ${PROJECT_SOURCE_DIR}/dist/debian/changelog
		> ${PROJECT_BINARY_DIR}/changelog.gz
	DEPENDS ${PROJECT_SOURCE_DIR}/dist/debian/changelog)
add_custom_target(cs_install_gz ALL DEPENDS
	${PROJECT_BINARY_DIR}/campaign-sync.1.gz ${PROJECT_BINARY_DIR}/changelog.gz)
install(FILES ${PROJECT_BINARY_DIR}/campaign-sync.1.gz
	DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_BINARY_DIR}/src/cli/campaign-sync.bash
	DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
	RENAME campaign-sync)
install(FILES ${PROJECT_BINARY_DIR}/src/cli/_campaign-sync
	DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
# Debian 12 keeps packaged units in /lib/systemd/system (the deb preset
# says so); under another prefix the unit goes to PREFIX/lib/systemd/system.
set(CS_UNIT_DIR "lib/systemd/system" CACHE STRING
	"Where the systemd unit goes (relative: under the install prefix)")
install(FILES ${PROJECT_SOURCE_DIR}/dist/campaign-sync.service
	DESTINATION ${CS_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/dist/campaign-sync.env
	DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/campaign-sync)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
	${PROJECT_SOURCE_DIR}/docs/deploy.md
	${PROJECT_SOURCE_DIR}/dist/campaign-sync.env
	${PROJECT_SOURCE_DIR}/dist/debian/copyright
	${PROJECT_BINARY_DIR}/changelog.gz
	DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/campaign-sync)

# The Debian package. Its dependencies come from the shared libraries
# (dpkg-shlibdeps); the environment file is a conffile; maintainer scripts
# in dist/debian reload systemd and enable the unit.
set(CPACK_PACKAGE_NAME campaign-sync)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "campaign-sync maintainers <maintainers@campaign-sync.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
	"keeps NFT campaign inventories true to NMKR Studio and Cardano")
set(CPACK_PACKAGE_DESCRIPTION
	"campaign-sync reconciles an NFT campaign's inventory with NMKR Studio
and verifies sales on the Cardano chain through Blockfrost. It serves a
JSON API, NMKR's webhooks and the Campaign Manager page, on SQLite or
PostgreSQL.")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://campaign-sync.invalid/")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
	${PROJECT_SOURCE_DIR}/dist/debian/conffiles
	${PROJECT_SOURCE_DIR}/dist/debian/postinst
	${PROJECT_SOURCE_DIR}/dist/debian/prerm
	${PROJECT_SOURCE_DIR}/dist/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
