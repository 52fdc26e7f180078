# Sanitizer and fuzzing builds of our own targets.
#
#   -DVPM_SANITIZE=address  AddressSanitizer + UndefinedBehaviorSanitizer (any finding aborts)
#   -DVPM_SANITIZE=thread   ThreadSanitizer (the exporter's HTTP and probe threads)
#   -DVPM_FUZZ=ON           libFuzzer targets in tests/fuzz (clang only; implies address)
#
# The flags ride on standard_warnings, the INTERFACE target every target of ours links, so
# third-party code (all of it prebuilt Debian packages) is never rebuilt or instrumented.
set(VPM_SANITIZE "" CACHE STRING "Sanitizers for our targets: '', address or thread")
set_property(CACHE VPM_SANITIZE PROPERTY STRINGS "" address thread)
option(VPM_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)

if(VPM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "VPM_FUZZ=ON needs clang (libFuzzer): CC=clang CXX=clang++ cmake ...")
  endif()
  if(VPM_SANITIZE STREQUAL "")
    set(VPM_SANITIZE address CACHE STRING "Sanitizers for our targets" FORCE)
  endif()
endif()

add_library(vpm_sanitizers INTERFACE)
if(VPM_SANITIZE STREQUAL "address")
  set(vpm_sanitize_flags -fsanitize=address,undefined -fno-sanitize-recover=all
                         -fno-omit-frame-pointer)
elseif(VPM_SANITIZE STREQUAL "thread")
  if(VPM_FUZZ)
    message(FATAL_ERROR "VPM_FUZZ=ON goes with VPM_SANITIZE=address, not thread")
  endif()
  set(vpm_sanitize_flags -fsanitize=thread -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 warns that TSan does not model std::atomic_thread_fence, which Asio's handler
    # invocation uses (std_fenced_block). The handlers also pass through the io_context's mutex,
    # which TSan does see, so the fence costs it nothing; without -Wno-tsan, -Werror stops the
    # build.
    list(APPEND vpm_sanitize_flags -Wno-tsan)
  endif()
elseif(NOT VPM_SANITIZE STREQUAL "")
  message(FATAL_ERROR "VPM_SANITIZE must be '', 'address' or 'thread', not '${VPM_SANITIZE}'")
endif()
if(vpm_sanitize_flags)
  # -O1 -g1 after the build type's -O2 -g (the last one wins): the sanitizers' own advice, and
  # line tables are all their reports need. It halves the instrumented build (a test file with
  # Asio and GoogleTest under ASan+UBSan: 14.5 s at -O2 -g, 7.5 s at -O1 -g1), which is most
  # of CI's time.
  list(APPEND vpm_sanitize_flags -O1 -g1)
  message(STATUS "Sanitizers for our targets: ${vpm_sanitize_flags}")
  target_compile_options(vpm_sanitizers INTERFACE ${vpm_sanitize_flags})
  target_link_options(vpm_sanitizers INTERFACE ${vpm_sanitize_flags})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12's flow-based warnings misfire on instrumented code (std::string assignments are
    # reported as overlapping memcpy of 2^63 bytes); the plain build keeps them.
    target_compile_options(vpm_sanitizers INTERFACE
      -Wno-restrict -Wno-stringop-overflow -Wno-maybe-uninitialized -Wno-array-bounds)
  endif()
endif()
if(VPM_FUZZ)
  # Coverage for libFuzzer in everything of ours; the fuzz executables add -fsanitize=fuzzer.
  target_compile_options(vpm_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
target_link_libraries(standard_warnings INTERFACE vpm_sanitizers)
