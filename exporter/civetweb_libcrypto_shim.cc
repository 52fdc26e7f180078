// SONAME "libcrypto.so", depending on libcrypto.so.3: civetweb's dlopen("libcrypto.so") finds
// this already loaded library (see civetweb_libssl_shim.cc) instead of needing libssl-dev's
// unversioned symlink at run time. It exports nothing civetweb needs itself; dlsym finds every
// function in libcrypto.so.3. The marker tells the exporter it loaded this library.
extern "C" __attribute__((visibility("default"))) int vpm_civetweb_libcrypto_shim() { return 1; }
