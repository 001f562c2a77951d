# cmake/install.cmake -- what `cmake --install` puts where (DESTDIR honoured).
#
#   ${bindir}                    rosterd, rosterctl
#   ${sysconfdir}/rosterd        rosterd.yaml (commented defaults; never overwritten)
#   systemd unit dir             rosterd.service, rosterd.socket
#   sysusers.d, tmpfiles.d       rosterd.conf
#   ${mandir}                    rosterd(8), rosterctl(1), rosterd.yaml(5), rosterd-documents(5)
#   ${docdir}                    README.md, the operations guide and the reference docs
#   ${docdir}/examples           the demo week's documents
#
# The systemd directories come from `pkg-config systemd` and are absolute:
# systemd looks only there, whatever the prefix. The units in systemd/ name
# /usr/bin/rosterd and /etc/rosterd; the installed copies name the
# configured directories. Included at the end of the top-level CMakeLists.txt.
include(GNUInstallDirs)

find_package(PkgConfig REQUIRED)
pkg_get_variable(ROSTERD_PC_UNITDIR systemd systemdsystemunitdir)
pkg_get_variable(ROSTERD_PC_SYSUSERSDIR systemd sysusersdir)
pkg_get_variable(ROSTERD_PC_TMPFILESDIR systemd tmpfilesdir)
if(NOT ROSTERD_PC_UNITDIR)
        set(ROSTERD_PC_UNITDIR /lib/systemd/system)
endif()
if(NOT ROSTERD_PC_SYSUSERSDIR)
        set(ROSTERD_PC_SYSUSERSDIR /usr/lib/sysusers.d)
endif()
if(NOT ROSTERD_PC_TMPFILESDIR)
        set(ROSTERD_PC_TMPFILESDIR /usr/lib/tmpfiles.d)
endif()
set(ROSTERD_SYSTEMD_UNITDIR "${ROSTERD_PC_UNITDIR}" CACHE PATH "systemd system unit directory")
set(ROSTERD_SYSUSERSDIR "${ROSTERD_PC_SYSUSERSDIR}" CACHE PATH "sysusers.d directory")
set(ROSTERD_TMPFILESDIR "${ROSTERD_PC_TMPFILESDIR}" CACHE PATH "tmpfiles.d directory")

set(ROSTERD_CONFIG_DIR "${CMAKE_INSTALL_FULL_SYSCONFDIR}/rosterd")
set(ROSTERD_SHIP_DIR "${CMAKE_BINARY_DIR}/ship")

# The installed units: the source text with the configured paths.
foreach(unit rosterd.service rosterd.socket)
        set(source "${CMAKE_SOURCE_DIR}/systemd/${unit}")
        set_property(DIRECTORY "${CMAKE_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${source}")
        file(READ "${source}" text)
        string(REPLACE "/usr/bin/rosterd" "${CMAKE_INSTALL_FULL_BINDIR}/rosterd" text "${text}")
        string(REPLACE "/etc/rosterd/" "${ROSTERD_CONFIG_DIR}/" text "${text}")
        string(REPLACE "/usr/share/doc/rosterd" "${CMAKE_INSTALL_FULL_DOCDIR}" text "${text}")
        file(CONFIGURE OUTPUT "${ROSTERD_SHIP_DIR}/${unit}" CONTENT "${text}" @ONLY)
endforeach()

# The layout, for tests/ship/test_install.sh.
file(CONFIGURE OUTPUT "${ROSTERD_SHIP_DIR}/paths.sh" CONTENT "\
BINDIR='${CMAKE_INSTALL_FULL_BINDIR}'
CONFIGDIR='${ROSTERD_CONFIG_DIR}'
MANDIR='${CMAKE_INSTALL_FULL_MANDIR}'
DOCDIR='${CMAKE_INSTALL_FULL_DOCDIR}'
UNITDIR='${ROSTERD_SYSTEMD_UNITDIR}'
SYSUSERSDIR='${ROSTERD_SYSUSERSDIR}'
TMPFILESDIR='${ROSTERD_TMPFILESDIR}'
")

install(TARGETS rosterd rosterctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(FILES "${ROSTERD_SHIP_DIR}/rosterd.service" "${ROSTERD_SHIP_DIR}/rosterd.socket"
        DESTINATION "${ROSTERD_SYSTEMD_UNITDIR}")
install(FILES "${CMAKE_SOURCE_DIR}/systemd/rosterd.sysusers"
        DESTINATION "${ROSTERD_SYSUSERSDIR}" RENAME rosterd.conf)
install(FILES "${CMAKE_SOURCE_DIR}/systemd/rosterd.tmpfiles"
        DESTINATION "${ROSTERD_TMPFILESDIR}" RENAME rosterd.conf)

# The configuration is the administrator's once it exists: an install over
# a running system keeps it (the Debian package marks it a conffile).
install(CODE "
        set(dest \"\$ENV{DESTDIR}${ROSTERD_CONFIG_DIR}/rosterd.yaml\")
        if(EXISTS \"\${dest}\")
                message(STATUS \"Keeping: \${dest}\")
        else()
                # file(INSTALL) adds DESTDIR itself.
                file(INSTALL DESTINATION \"${ROSTERD_CONFIG_DIR}\" TYPE FILE
                     FILES \"${CMAKE_SOURCE_DIR}/systemd/rosterd.yaml\")
        endif()
")

install(FILES "${CMAKE_SOURCE_DIR}/man/rosterctl.1" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES "${CMAKE_SOURCE_DIR}/man/rosterd.yaml.5" "${CMAKE_SOURCE_DIR}/man/rosterd-documents.5"
        DESTINATION "${CMAKE_INSTALL_MANDIR}/man5")
install(FILES "${CMAKE_SOURCE_DIR}/man/rosterd.8" DESTINATION "${CMAKE_INSTALL_MANDIR}/man8")

install(FILES "${CMAKE_SOURCE_DIR}/README.md"
              "${CMAKE_SOURCE_DIR}/docs/operations.md"
              "${CMAKE_SOURCE_DIR}/docs/daemon.md"
              "${CMAKE_SOURCE_DIR}/docs/protocol.md"
              "${CMAKE_SOURCE_DIR}/docs/documents.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")
file(GLOB ROSTERD_EXAMPLES CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/config/examples/*.yaml")
install(FILES ${ROSTERD_EXAMPLES} "${CMAKE_SOURCE_DIR}/config/examples/README.md"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples")

include("${CMAKE_CURRENT_LIST_DIR}/package.cmake")
