# Shared helpers for Tessera's per-module CMakeLists.

set(TESSERA_MODULE_TARGETS "" CACHE INTERNAL "Module library targets")

# -Wno-missing-field-initializers: C++20 designated initializers that leave members to their
# in-class defaults (`TsQuery{.measurement = "cpu"}`) are the idiom of our options structs.
set(TESSERA_WARNINGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
if(TESSERA_WERROR)
  list(APPEND TESSERA_WARNINGS -Werror)
endif()

set(TESSERA_SANITIZE "")
if(TESSERA_ASAN)
  list(APPEND TESSERA_SANITIZE -fsanitize=address -fno-omit-frame-pointer)
endif()
if(TESSERA_UBSAN)
  list(APPEND TESSERA_SANITIZE -fsanitize=undefined -fno-sanitize-recover=undefined)
endif()
if(TESSERA_TSAN)
  list(APPEND TESSERA_SANITIZE -fsanitize=thread)
endif()
if(TESSERA_FUZZ)
  list(APPEND TESSERA_SANITIZE -fsanitize=fuzzer-no-link)
endif()
if(TESSERA_SANITIZE)
  add_compile_options(${TESSERA_SANITIZE})
  add_link_options(${TESSERA_SANITIZE})
endif()

# Precompiled headers: the standard and third-party headers most translation units include
# (directly or through our own headers) are parsed once per target instead of once per file.
# With clang this takes about 45% off each file's compile time (CI's sanitizer builds); with
# gcc a file gains about 20% but each precompiled header costs ~20 s (a 126 MB .gch), a wash
# for targets of a dozen files, so the default is on for clang only (docs/development.md). Only
# system headers go in; a build with TESSERA_PCH=OFF (gcc's, by default) still catches a file
# that forgets an include.
set(tessera_pch_default OFF)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(tessera_pch_default ON)
endif()
option(TESSERA_PCH "Precompile the common standard and third-party headers" ${tessera_pch_default})
set(TESSERA_PCH_HEADERS
  <algorithm> <cstdint> <filesystem> <functional> <map> <memory> <optional> <string>
  <string_view> <utility> <vector>
  <absl/status/status.h> <absl/status/statusor.h> <absl/synchronization/mutex.h>
  <absl/time/time.h> <nlohmann/json.hpp>)
set(TESSERA_PCH_TEST_HEADERS <gmock/gmock.h> <gtest/gtest.h>)

# tessera_precompile(<target> [extra headers...]): TESSERA_PCH_HEADERS (and the extras) as the
# target's precompiled headers, when TESSERA_PCH is on.
function(tessera_precompile target)
  if(TESSERA_PCH)
    target_precompile_headers(${target} PRIVATE ${TESSERA_PCH_HEADERS} ${ARGN})
  endif()
endfunction()

# tessera_module(NAME <name> SRCS ... DEPS ... [PRIVATE_DEPS ...])
# Builds the static library tessera_<name>, with the folder's include/ as its public headers.
function(tessera_module)
  cmake_parse_arguments(M "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target tessera_${M_NAME})
  add_library(${target} STATIC ${M_SRCS})
  add_library(Tessera::${target} ALIAS ${target})
  target_compile_options(${target} PRIVATE ${TESSERA_WARNINGS})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_include_directories(${target} PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    if(TESSERA_INSTALL)
      install(DIRECTORY include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    endif()
  endif()
  # Internal headers are included as "core/engine/db_impl.h" etc., from the source root.
  target_include_directories(${target} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${target} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${target})
  tessera_precompile(${target})
  set(TESSERA_MODULE_TARGETS ${TESSERA_MODULE_TARGETS} ${target} CACHE INTERNAL "Module library targets")
endfunction()

# tessera_test(NAME <name> SRCS ... DEPS ... [LABELS ...] [PREFIX <ctest name prefix>])
# One gtest executable, its tests registered one by one with ctest.
function(tessera_test)
  cmake_parse_arguments(T "" "NAME;PREFIX" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_compile_options(${T_NAME} PRIVATE ${TESSERA_WARNINGS})
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} tessera_testutil GTest::gtest GTest::gmock GTest::gtest_main)
  tessera_precompile(${T_NAME} ${TESSERA_PCH_TEST_HEADERS})
  gtest_discover_tests(${T_NAME} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       TEST_PREFIX "${T_PREFIX}" PROPERTIES LABELS "${T_LABELS}")
endfunction()
