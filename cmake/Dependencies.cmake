# Every dependency is a Debian 12 package; see README's Quick start.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)          # header-only: Asio
find_package(yaml-cpp 0.7 REQUIRED)        # target: yaml-cpp
find_package(OpenSSL REQUIRED)             # TLS: vpm::openssl (shared/CMakeLists.txt)
if(VPM_BUILD_TESTS)
  find_package(GTest REQUIRED)             # GTest::gtest_main, GTest::gmock
endif()
