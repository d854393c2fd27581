# CPack: a Debian package and a tarball of agora with its configuration and a systemd unit
# template (agora@ROLE). Build them from a release build: cpack -G DEB (or TGZ) in the build
# folder. Files land in /usr/bin, /etc/agora and /usr/lib/systemd/system.
set(AGORA_PACKAGING_DIR ${CMAKE_SOURCE_DIR}/packaging)

# /etc is outside the /usr prefix, so CPack installs into a staging folder through DESTDIR.
install(FILES ${AGORA_PACKAGING_DIR}/agora.properties DESTINATION /etc/agora)
install(DIRECTORY ${AGORA_PACKAGING_DIR}/roles/ DESTINATION /etc/agora/roles
  FILES_MATCHING PATTERN "*.env")
install(FILES ${AGORA_PACKAGING_DIR}/agora@.service DESTINATION lib/systemd/system)
install(FILES ${CMAKE_SOURCE_DIR}/config/agora.example.properties ${CMAKE_SOURCE_DIR}/README.md
  DESTINATION share/doc/agora)

# The files under /etc that dpkg keeps when the administrator changed them.
file(GLOB AGORA_ROLE_ENV_FILES RELATIVE ${AGORA_PACKAGING_DIR}/roles
  ${AGORA_PACKAGING_DIR}/roles/*.env)
set(AGORA_CONFFILES "/etc/agora/agora.properties\n")
foreach(env_file IN LISTS AGORA_ROLE_ENV_FILES)
  string(APPEND AGORA_CONFFILES "/etc/agora/roles/${env_file}\n")
endforeach()
file(WRITE ${CMAKE_BINARY_DIR}/packaging/conffiles "${AGORA_CONFFILES}")

set(CPACK_PACKAGE_NAME agora)
set(CPACK_PACKAGE_VENDOR "Agora")
set(CPACK_PACKAGE_CONTACT "Agora maintainers <maintainers@agora.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Agora shop: auth, users, catalog and orders roles in one binary")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB TGZ)
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME ${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}-${CMAKE_SYSTEM_PROCESSOR})
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Library dependencies come from dpkg-shlibdeps (package dpkg-dev); adduser is for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_BINARY_DIR}/packaging/conffiles
  ${AGORA_PACKAGING_DIR}/debian/postinst
  ${AGORA_PACKAGING_DIR}/debian/prerm
  ${AGORA_PACKAGING_DIR}/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
