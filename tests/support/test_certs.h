#pragma once
// Certificates made for a test (OpenSSL API, EC P-256), written as PEM files into a directory
// of their own, and a TLS server handler for FakeTcpServer that presents one.
#include <chrono>
#include <string>
#include <vector>

namespace vpm::test {

struct CertSpec {
  std::string common_name = "localhost";
  std::vector<std::string> alt_names = {"DNS:localhost", "IP:127.0.0.1"};
  std::chrono::seconds not_before{-3600};       // relative to now
  std::chrono::seconds not_after{86400 * 365};  // relative to now
};

struct TestCert {
  std::string cert_file;  // PEM certificate (self-signed: also its own CA file)
  std::string key_file;   // PEM private key
};

// A self-signed certificate in `dir` (created when missing), files named after `name`.
TestCert make_self_signed(const std::string& dir, const std::string& name, const CertSpec& spec);
// A certificate in `dir` signed by `issuer` (one make_self_signed made: a test CA), files named
// after `name`: a client certificate of that CA, say.
TestCert make_signed(const std::string& dir, const std::string& name, const CertSpec& spec,
                     const TestCert& issuer);

// For client-certificate tests: a CA (ca.crt, ca.key; CN test-ca) and a client certificate it
// signed (client.crt, client.key; CN prometheus) in `dir`.
struct ClientCa {
  TestCert ca;
  TestCert client;
};
ClientCa make_ca_and_client(const std::string& dir);

// A fresh temporary directory, removed with its files by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// For FakeTcpServer: a TLS server handshake with `cert`, then waits for the client to go.
void serve_tls(int fd, const TestCert& cert);

}  // namespace vpm::test
