# The libraries the build needs, each with the Debian 12 package that brings it, so that a missing
# one stops configure with the package to install instead of CMake's search paths.
# packaging/install-deps.sh installs all of them; keep the two lists in step.

set(_gb_missing_packages "")

# gb_require(<cmake package> <debian package> [find_package arguments...])
macro(gb_require name debian)
  find_package(${name} ${ARGN} QUIET)
  if(NOT ${name}_FOUND)
    list(APPEND _gb_missing_packages "${debian} (for ${name})")
  endif()
endmacro()

find_package(Threads REQUIRED)
gb_require(Boost libboost-dev 1.74)
gb_require(OpenSSL libssl-dev)
gb_require(nlohmann_json nlohmann-json3-dev 3.11)
gb_require(PkgConfig pkg-config)
if(PkgConfig_FOUND)
  pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)
  if(NOT HIREDIS_FOUND)
    list(APPEND _gb_missing_packages "libhiredis-dev (for hiredis)")
  endif()
  pkg_check_modules(LIBSSH QUIET IMPORTED_TARGET libssh>=0.10)
  if(NOT LIBSSH_FOUND)
    list(APPEND _gb_missing_packages "libssh-dev (for libssh 0.10)")
  endif()
endif()

# Qt, one component at a time: Qt6Charts' package needs Qt6OpenGL's, which Debian ships in
# libqt6opengl6-dev, only a recommended package of qt6-base-dev. Looked for before Charts so
# that its absence is named rather than reported as "Charts not found".
set(_gb_qt_components
  Core qt6-base-dev
  Gui qt6-base-dev
  Widgets qt6-base-dev
  Network qt6-base-dev
  Concurrent qt6-base-dev
  Test qt6-base-dev
  OpenGL libqt6opengl6-dev
  Charts qt6-charts-dev
  Svg qt6-svg-dev)
gb_require(Qt6 qt6-base-dev 6.4 COMPONENTS Core)
if(Qt6_FOUND)
  while(_gb_qt_components)
    list(POP_FRONT _gb_qt_components component debian)
    find_package(Qt6 QUIET COMPONENTS ${component})
    if(NOT Qt6${component}_FOUND)
      list(APPEND _gb_missing_packages "${debian} (for Qt6${component})")
      break() # the later components would only repeat the first cause
    endif()
  endwhile()
endif()

if(_gb_missing_packages)
  list(REMOVE_DUPLICATES _gb_missing_packages)
  list(JOIN _gb_missing_packages "\n  " _gb_missing_text)
  message(FATAL_ERROR "GateBench needs Debian packages that are not installed:\n  ${_gb_missing_text}\n"
                      "`make deps` (packaging/install-deps.sh) installs them; if it just ran, "
                      "its package list lacks the ones above.")
endif()

find_package(Qt6 6.4 REQUIRED COMPONENTS Core Network Test Gui Widgets Charts Svg Concurrent)
