# Every dependency is a Debian 12 package; see README's Quick start.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)          # header-only: Asio
find_package(yaml-cpp 0.7 REQUIRED)        # target: yaml-cpp
find_package(OpenSSL REQUIRED)             # TLS: vpm::openssl (shared/CMakeLists.txt)
# The Veeam Agent export reader (shared/src/veeam_export_reader.cc). expat's own package
# file (libexpat1-dev on Debian; the Windows prefix of scripts/build-windows-deps.sh).
find_package(expat 2.2 CONFIG REQUIRED)    # target: expat::expat
if(VPM_BUILD_TESTS)
  find_package(GTest REQUIRED)             # GTest::gtest_main, GTest::gmock
endif()
