# Static linking where Debian ships archives.
#
# `orch emit` is a short process an agent runs at every step of the loop.
# Measured here, most of its start-up is the dynamic loader mapping and
# binding ~60 shared objects (Abseil alone is 40). Linking the archives
# Debian also ships leaves about 15, and cuts a third off every emit
# (docs/benchmarks.md). Anything without an archive stays shared.
# Include after the find_package / pkg_check_modules calls.

option(ORCH_STATIC_DEPS "Link dependencies statically where archives exist" ON)
if(NOT ORCH_STATIC_DEPS)
  return()
endif()

# Abseil: point every imported target at its archive.
get_property(_orch_imported DIRECTORY PROPERTY IMPORTED_TARGETS)
foreach(_t IN LISTS _orch_imported)
  if(_t MATCHES "^absl::")
    get_target_property(_loc ${_t} IMPORTED_LOCATION_NONE)
    string(REGEX REPLACE "\\.so[.0-9]*$" ".a" _static "${_loc}")
    if(_loc AND NOT _static STREQUAL _loc AND EXISTS "${_static}")
      set_target_properties(${_t} PROPERTIES IMPORTED_LOCATION_NONE "${_static}" IMPORTED_SONAME_NONE "")
    endif()
  endif()
endforeach()

# Archives by name; sets ${out} only when every one of them exists.
function(orch_find_archives out)
  set(found)
  foreach(name IN LISTS ARGN)
    find_library(ORCH_ARCHIVE_${name} NAMES lib${name}.a)
    if(NOT ORCH_ARCHIVE_${name})
      message(STATUS "orch: no lib${name}.a, linking shared libraries")
      return()
    endif()
    list(APPEND found ${ORCH_ARCHIVE_${name}})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

find_package(Threads REQUIRED)

# RocksDB (already an archive) and its compression libraries.
orch_find_archives(_rocksdb_deps snappy z bz2 lz4 zstd)
if(_rocksdb_deps)
  set_target_properties(RocksDB::rocksdb PROPERTIES INTERFACE_LINK_LIBRARIES "${_rocksdb_deps};Threads::Threads")
endif()

# libgit2 and what it needs. GSSAPI (Kerberos) has no archive here; it stays shared.
orch_find_archives(_git_deps git2 mbedtls mbedx509 mbedcrypto http_parser ssh2 pcre2-8 crypto z)
find_library(ORCH_GSSAPI NAMES gssapi_krb5 libgssapi_krb5.so.2)
if(_git_deps AND ORCH_GSSAPI)
  set_target_properties(PkgConfig::LIBGIT2 PROPERTIES
    INTERFACE_LINK_LIBRARIES "${_git_deps};${ORCH_GSSAPI};Threads::Threads;rt;dl"
    INTERFACE_LINK_OPTIONS "")
endif()

# OpenSSL's libcrypto (SHA-256).
orch_find_archives(_crypto crypto)
if(_crypto)
  set_target_properties(OpenSSL::Crypto PROPERTIES IMPORTED_LOCATION "${_crypto}"
                        INTERFACE_LINK_LIBRARIES "Threads::Threads;dl")
endif()

# The archives above are not all position-independent: executables are not PIEs.
add_link_options(-no-pie)
