#include "support/test_certs.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "support/fake_server.h"

namespace vpm::test {
namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(SSL* p) const { SSL_free(p); }
  void operator()(std::FILE* p) const { std::fclose(p); }
};

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) throw std::runtime_error("bad extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

template <class T, T* (*read)(std::FILE*, T**, pem_password_cb*, void*)>
std::unique_ptr<T, Free> read_pem(const std::string& file) {
  const std::unique_ptr<std::FILE, Free> in(std::fopen(file.c_str(), "r"));
  std::unique_ptr<T, Free> value(in ? read(in.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!value) throw std::runtime_error("cannot read " + file);
  return value;
}

// Self-signed (a CA of its own) without `issuer`; otherwise a leaf signed by the issuer's key.
TestCert make_cert(const std::string& dir, const std::string& name, const CertSpec& spec,
                   const TestCert* issuer) {
  std::filesystem::create_directories(dir);
  const std::unique_ptr<EVP_PKEY, Free> key(EVP_EC_gen("P-256"));
  const std::unique_ptr<X509, Free> cert(X509_new());
  if (!key || !cert) throw std::runtime_error("cannot make a key");
  X509_set_version(cert.get(), 2);
  static long serial = 1;
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(spec.not_before.count()));
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(spec.not_after.count()));
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("veeam-port-monitor tests"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  std::unique_ptr<X509, Free> issuer_cert;
  std::unique_ptr<EVP_PKEY, Free> issuer_key;
  if (issuer != nullptr) {
    issuer_cert = read_pem<X509, PEM_read_X509>(issuer->cert_file);
    issuer_key = read_pem<EVP_PKEY, PEM_read_PrivateKey>(issuer->key_file);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert.get()));
  } else {
    X509_set_issuer_name(cert.get(), subject);
    add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  }
  if (!spec.alt_names.empty()) {
    std::string names;
    for (const std::string& n : spec.alt_names) names += (names.empty() ? "" : ",") + n;
    add_extension(cert.get(), NID_subject_alt_name, names);
  }
  EVP_PKEY* signing_key = issuer != nullptr ? issuer_key.get() : key.get();
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) == 0)
    throw std::runtime_error("cannot sign");

  TestCert files{dir + "/" + name + ".crt", dir + "/" + name + ".key"};
  {
    const std::unique_ptr<std::FILE, Free> out(std::fopen(files.cert_file.c_str(), "w"));
    PEM_write_X509(out.get(), cert.get());
  }
  {
    const std::unique_ptr<std::FILE, Free> out(std::fopen(files.key_file.c_str(), "w"));
    PEM_write_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  }
  return files;
}

}  // namespace

TestCert make_self_signed(const std::string& dir, const std::string& name, const CertSpec& spec) {
  return make_cert(dir, name, spec, nullptr);
}

TestCert make_signed(const std::string& dir, const std::string& name, const CertSpec& spec,
                     const TestCert& issuer) {
  return make_cert(dir, name, spec, &issuer);
}

ClientCa make_ca_and_client(const std::string& dir) {
  CertSpec ca_spec;
  ca_spec.common_name = "test-ca";
  ca_spec.alt_names = {};
  CertSpec client_spec;
  client_spec.common_name = "prometheus";
  client_spec.alt_names = {};
  ClientCa made;
  made.ca = make_self_signed(dir, "ca", ca_spec);
  made.client = make_signed(dir, "client", client_spec, made.ca);
  return made;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "vpm-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void serve_tls(int fd, const TestCert& cert) {
  // OpenSSL writes to the socket itself (TLS 1.3 session tickets after the handshake): a
  // client that has already gone must not kill the test process.
  std::signal(SIGPIPE, SIG_IGN);
  const std::unique_ptr<SSL_CTX, Free> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx ||
      SSL_CTX_use_certificate_file(ctx.get(), cert.cert_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx.get(), cert.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return;
  }
  const std::unique_ptr<SSL, Free> ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  if (SSL_accept(ssl.get()) == 1) {
    wait_for_close(fd);
  }
}

}  // namespace vpm::test
