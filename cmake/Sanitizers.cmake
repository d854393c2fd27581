# The sanitizer build (AGORA_SANITIZE) and libFuzzer's coverage instrumentation (AGORA_FUZZ),
# plus the sanitizer options every test of such a build runs with.
option(AGORA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(AGORA_FUZZ "Build the libFuzzer targets in fuzz/ (Clang only)" OFF)

# Undefined behaviour aborts instead of printing and going on, so a test that hits it fails.
if(AGORA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
    -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined)
endif()

# Coverage instrumentation for libFuzzer in every object; only the fuzz targets link its runtime.
if(AGORA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "AGORA_FUZZ needs Clang (got ${CMAKE_CXX_COMPILER_ID}): configure with "
      "-DCMAKE_CXX_COMPILER=clang++-14, as the asan preset does")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Test properties that carry the sanitizer options; empty without AGORA_SANITIZE. Two
# properties hold one variable each, because gtest_discover_tests splits a list-valued
# ENVIRONMENT into separate arguments and keeps only its first entry.
set(AGORA_SANITIZER_TEST_PROPERTIES)
if(AGORA_SANITIZE)
  set(AGORA_ASAN_OPTIONS "detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1:strict_string_checks=1")
  set(AGORA_UBSAN_OPTIONS "print_stacktrace=1:halt_on_error=1")
  set(AGORA_SANITIZER_TEST_PROPERTIES
    ENVIRONMENT "ASAN_OPTIONS=${AGORA_ASAN_OPTIONS}"
    ENVIRONMENT_MODIFICATION "UBSAN_OPTIONS=set:${AGORA_UBSAN_OPTIONS}")
endif()
