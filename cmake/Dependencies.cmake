# Finds the Debian packages Agora builds against.
find_package(Threads REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(Argon2 REQUIRED IMPORTED_TARGET libargon2)
pkg_check_modules(Utf8proc REQUIRED IMPORTED_TARGET libutf8proc)

# Debian's Poco DataMySQL config links MySQL::client without defining it.
if(NOT TARGET MySQL::client)
  find_library(MARIADB_CLIENT_LIBRARY NAMES mariadb REQUIRED)
  add_library(MySQL::client UNKNOWN IMPORTED)
  set_target_properties(MySQL::client PROPERTIES
    IMPORTED_LOCATION ${MARIADB_CLIENT_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES /usr/include/mariadb)
endif()

find_package(Poco 1.11 REQUIRED COMPONENTS
  Foundation Util Net NetSSL Crypto JSON JWT Data DataSQLite DataMySQL Redis)
