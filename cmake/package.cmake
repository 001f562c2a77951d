# cmake/package.cmake -- the Debian package (`make package`, or `cpack -G DEB`
# in a build configured with -DCMAKE_INSTALL_PREFIX=/usr).
#
# The package holds what cmake/install.cmake installs, depends on the
# shared libraries the binaries link (found by dpkg-shlibdeps when it is
# there), marks the configuration a conffile, and its maintainer scripts
# create the user and folders and enable rosterd.socket.

# The maintainer scripts name the installed sysusers.d and tmpfiles.d files.
set(ROSTERD_DEBIAN_DIR "${CMAKE_BINARY_DIR}/ship/debian")
foreach(script postinst prerm postrm)
        configure_file("${CMAKE_CURRENT_LIST_DIR}/debian/${script}.in"
                       "${ROSTERD_DEBIAN_DIR}/${script}" @ONLY
                       FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                                        GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
file(CONFIGURE OUTPUT "${ROSTERD_DEBIAN_DIR}/conffiles"
     CONTENT "${ROSTERD_CONFIG_DIR}/rosterd.yaml\n")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME rosterd)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "split-FTE work rosters for municipal work-first programmes")
set(CPACK_PACKAGE_CONTACT "rosterd maintainers <rosterd@localhost>" CACHE STRING
    "Maintainer: field of the Debian package")
# The prefix the units and scripts were written for.
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "rosterd combines employers' weekly shift needs, a language school's class\n"
    "timetable and the candidates kept by account managers into split-FTE\n"
    "rosters: several part-time candidates, each working around their own\n"
    "classes, together cover one position. It solves with GLPK, runs as a\n"
    "socket-activated systemd service with roles from peer credentials, and\n"
    "comes with the client rosterctl.")
string(REPLACE ";" "" CPACK_DEBIAN_PACKAGE_DESCRIPTION "${CPACK_DEBIAN_PACKAGE_DESCRIPTION}")
find_program(ROSTERD_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(ROSTERD_DPKG_SHLIBDEPS)
        set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
        set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.36), libglpk40 (>= 5.0), libyaml-0-2 (>= 0.2.5), libsystemd0 (>= 252), zlib1g (>= 1:1.2.13)")
endif()
# systemd-sysusers and systemd-tmpfiles; without them postinst uses
# useradd and install -d.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS systemd)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${ROSTERD_DEBIAN_DIR}/postinst;${ROSTERD_DEBIAN_DIR}/prerm;${ROSTERD_DEBIAN_DIR}/postrm;${ROSTERD_DEBIAN_DIR}/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
