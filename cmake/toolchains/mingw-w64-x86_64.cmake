# Cross build for Windows x86-64 with Debian's mingw-w64 (packages mingw-w64,
# g++-mingw-w64-x86-64). Use:
#   cmake -S . -B build-windows \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/mingw-w64-x86_64.cmake \
#     -DCMAKE_PREFIX_PATH=$PWD/build-windows-deps/prefix
# The prefix is what scripts/build-windows-deps.sh builds from Debian's source packages
# (yaml-cpp, OpenSSL, GoogleTest; all static). scripts/windows-build-and-test.sh does it all.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(VPM_MINGW_TRIPLE x86_64-w64-mingw32)
# The -posix variants: std::thread and std::mutex need the winpthreads threading model.
find_program(CMAKE_C_COMPILER NAMES ${VPM_MINGW_TRIPLE}-gcc-posix ${VPM_MINGW_TRIPLE}-gcc REQUIRED)
find_program(CMAKE_CXX_COMPILER NAMES ${VPM_MINGW_TRIPLE}-g++-posix ${VPM_MINGW_TRIPLE}-g++
             REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${VPM_MINGW_TRIPLE}-windres)

# Libraries and packages only from the mingw sysroot and the dependency prefix; programs
# (git, the host's tools) from the host.
# The dependency prefix (CMAKE_PREFIX_PATH) is a root too, so ONLY mode searches it as it is.
set(CMAKE_FIND_ROOT_PATH /usr/${VPM_MINGW_TRIPLE} ${CMAKE_PREFIX_PATH})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Only static libraries: the .exe files must need no DLL beyond Windows' own.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

set(OPENSSL_USE_STATIC_LIBS TRUE)  # FindOpenSSL then adds ws2_32 and crypt32

# Boost.Asio is header-only: the host's Debian headers serve (Boost 1.74); the dependency
# script links /usr/include/boost into the prefix so FindBoost finds it there. Windows 7 API
# level and above, which Asio needs for its IOCP back end.
add_compile_definitions(_WIN32_WINNT=0x0601 WIN32_LEAN_AND_MEAN NOMINMAX)

# Cross-built programs run through Wine where CMake (gtest_discover_tests, add_test) runs them.
find_program(VPM_WINE NAMES wine wine64 PATHS /usr/lib/wine NO_CMAKE_FIND_ROOT_PATH)
if(VPM_WINE)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${VPM_WINE})
endif()
