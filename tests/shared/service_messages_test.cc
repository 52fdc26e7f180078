// The service checks' requests against their specifications' layouts, and the reply parsers on
// byte arrays: complete, partial (every prefix), wrong, and random bytes.
#include "service_messages.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace vpm {
namespace {

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
Bytes hex(std::initializer_list<unsigned> values) {
  Bytes out;
  for (unsigned v : values) out.push_back(static_cast<std::uint8_t>(v));
  return out;
}
ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }

TEST(DescribeBytes, TextShowsItsFirstLineBinaryItsFirstBytes) {
  EXPECT_EQ(describe_bytes(view(bytes("HTTP/1.1 400 Bad Request\r\nServer: x\r\n"))),
            "'HTTP/1.1 400 Bad Request'");
  EXPECT_EQ(describe_bytes(view(hex({0x16, 0x03, 0x01, 0x00, 0x2a}))), "bytes 16 03 01 00 2a");
  EXPECT_EQ(describe_bytes(view(Bytes(20, 0xff))), "bytes ff ff ff ff ff ff ff ff ...");
  EXPECT_EQ(describe_bytes(view(Bytes(100, 'a'))), "'" + std::string(40, 'a') + "...'");
  EXPECT_EQ(describe_bytes({}), "nothing");
}

unsigned le16_at(const Bytes& b, std::size_t at) {
  return b[at] | static_cast<unsigned>(b[at + 1] << 8U);
}

TEST(Requests, Smb2NegotiateFollowsMsSmb2) {
  const Bytes r = smb2_negotiate_request();
  // Header 64, request 36, 5 dialects and 2 bytes of padding, then the two negotiate contexts:
  // preauth integrity (8 + 38, padded to 48) and encryption (8 + 2 + 4 ciphers of 2).
  ASSERT_EQ(r.size(), 4u + 64 + 36 + 10 + 2 + 48 + 18);
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 4), hex({0, 0, 0, 178}));
  EXPECT_EQ(Bytes(r.begin() + 4, r.begin() + 8), hex({0xfe, 'S', 'M', 'B'}));
  const Bytes smb(r.begin() + 4, r.end());
  EXPECT_EQ(smb[4], 64);      // StructureSize
  EXPECT_EQ(smb[12], 0);      // NEGOTIATE
  EXPECT_EQ(smb[64], 36);     // request StructureSize
  EXPECT_EQ(smb[64 + 2], 5);  // DialectCount
  EXPECT_EQ(Bytes(smb.begin() + 100, smb.begin() + 110),
            hex({0x02, 0x02, 0x10, 0x02, 0x00, 0x03, 0x02, 0x03, 0x11, 0x03}));
  // NegotiateContextOffset: 8-byte aligned, from the start of the SMB2 header; 2 contexts.
  EXPECT_EQ(le16_at(smb, 64 + 28), 112u);
  EXPECT_EQ(le16_at(smb, 64 + 30), 0u);
  EXPECT_EQ(le16_at(smb, 64 + 32), 2u);
  // SMB2_PREAUTH_INTEGRITY_CAPABILITIES: one algorithm, SHA-512, a 32-byte salt.
  EXPECT_EQ(le16_at(smb, 112), 0x0001u);
  EXPECT_EQ(le16_at(smb, 114), 38u);
  EXPECT_EQ(le16_at(smb, 120), 1u);
  EXPECT_EQ(le16_at(smb, 122), 32u);
  EXPECT_EQ(le16_at(smb, 124), 0x0001u);
  // SMB2_ENCRYPTION_CAPABILITIES at the next 8-byte boundary: 4 ciphers.
  EXPECT_EQ(le16_at(smb, 160), 0x0002u);
  EXPECT_EQ(le16_at(smb, 162), 10u);
  EXPECT_EQ(le16_at(smb, 168), 4u);
  EXPECT_EQ(smb.size(), 160u + 8 + 10);
}

TEST(Requests, NetbiosSessionRequestFollowsRfc1002) {
  const Bytes r = netbios_session_request();
  ASSERT_EQ(r.size(), 72u);
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 4), hex({0x81, 0, 0, 68}));
  EXPECT_EQ(r[4], 32);
  EXPECT_EQ(r[5], 'C');  // '*' = 0x2a -> 'A'+2, 'A'+10
  EXPECT_EQ(r[6], 'K');
  EXPECT_EQ(r[4 + 31], 'C');  // suffix 0x20 -> "CA"
  EXPECT_EQ(r[4 + 32], 'A');
  EXPECT_EQ(r[4 + 33], 0);
}

TEST(Requests, MsrpcBindFollowsC706) {
  const Bytes r = msrpc_epm_bind_request(7);
  ASSERT_EQ(r.size(), 72u);
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 16),
            hex({5, 0, 11, 3, 0x10, 0, 0, 0, 72, 0, 0, 0, 7, 0, 0, 0}));
  // The endpoint mapper's UUID in NDR order, then version 3.0.
  EXPECT_EQ(Bytes(r.begin() + 32, r.begin() + 52),
            hex({0x08, 0x83, 0xaf, 0xe1, 0x1f, 0x5d, 0xc9, 0x11, 0x91, 0xa4,
                 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa, 3,    0,    0,    0}));
  EXPECT_EQ(Bytes(r.begin() + 52, r.begin() + 56), hex({0x04, 0x5d, 0x88, 0x8a}));
}

TEST(Requests, LdapRootDseSearchFollowsRfc4511) {
  Bytes expected =
      hex({0x30, 0x25, 0x02, 0x01, 0x01, 0x63, 0x20, 0x04, 0x00, 0x0a, 0x01, 0x00, 0x0a,
           0x01, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x01, 0x01, 0x00, 0x87, 0x0b});
  const Bytes object_class = bytes("objectClass");
  expected.insert(expected.end(), object_class.begin(), object_class.end());
  expected.push_back(0x30);
  expected.push_back(0x00);
  EXPECT_EQ(ldap_rootdse_request(1), expected);
  EXPECT_EQ(ldap_rootdse_request(300)[4], 0x01);  // messageID 300 = 0x01 0x2c
}

TEST(Requests, IscsiLoginFollowsRfc7143) {
  const Bytes r = iscsi_discovery_login_request(0x01020304);
  ASSERT_GE(r.size(), 48u);
  EXPECT_EQ(r.size() % 4, 0u);
  EXPECT_EQ(r[0], 0x43);  // immediate Login Request
  EXPECT_EQ(r[1], 0x81);  // transit, security negotiation -> operational
  const std::size_t data = (std::size_t{r[5]} << 16U) | (std::size_t{r[6]} << 8U) | r[7];
  EXPECT_EQ(r.size(), 48 + (data + 3) / 4 * 4);
  EXPECT_EQ(Bytes(r.begin() + 16, r.begin() + 20), hex({1, 2, 3, 4}));
  const std::string keys(r.begin() + 48, r.begin() + 48 + static_cast<std::ptrdiff_t>(data));
  EXPECT_NE(keys.find(std::string("SessionType=Discovery\0", 22)), std::string::npos);
  EXPECT_EQ(keys.back(), '\0');
}

TEST(Requests, NbnsNodeStatusFollowsRfc1002) {
  const Bytes r = nbns_node_status_request(0xbeef);
  ASSERT_EQ(r.size(), 50u);
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 4), hex({0xbe, 0xef, 0, 0}));
  EXPECT_EQ(r[12], 32);
  EXPECT_EQ(r[13], 'C');  // '*'
  EXPECT_EQ(r[14], 'K');
  EXPECT_EQ(r[15], 'A');  // NUL padding
  EXPECT_EQ(Bytes(r.end() - 4, r.end()), hex({0x00, 0x21, 0x00, 0x01}));
}

TEST(Requests, HttpHostHeader) {
  EXPECT_EQ(http_host_header("crl.example.test", 80), "crl.example.test");
  EXPECT_EQ(http_host_header("127.0.0.1", 8080), "127.0.0.1:8080");
  EXPECT_EQ(http_host_header("::1", 80), "[::1]");
  EXPECT_EQ(http_get_request("/x", "h"),
            "GET /x HTTP/1.1\r\nHost: h\r\nUser-Agent: veeam-port-monitor\r\nAccept: */*\r\n"
            "Connection: close\r\n\r\n");
}

Bytes smb2_response(std::uint32_t status, unsigned dialect) {
  Bytes smb(64 + 64, 0);
  smb[0] = 0xfe;
  smb[1] = 'S';
  smb[2] = 'M';
  smb[3] = 'B';
  smb[4] = 64;
  for (unsigned i = 0; i < 4; ++i) smb[8 + i] = static_cast<std::uint8_t>(status >> (8 * i));
  smb[16] = 1;  // SERVER_TO_REDIR
  smb[64] = 65;
  smb[68] = static_cast<std::uint8_t>(dialect & 0xff);
  smb[69] = static_cast<std::uint8_t>(dialect >> 8);
  Bytes out(4 + smb.size(), 0);
  out[3] = static_cast<std::uint8_t>(smb.size());
  std::copy(smb.begin(), smb.end(), out.begin() + 4);
  return out;
}

TEST(SmbReply, DialectOfASuccessfulNegotiate) {
  const SmbNegotiateReply r = parse_smb2_negotiate_reply(view(smb2_response(0, 0x0210)));
  ASSERT_TRUE(r.frame.is_complete());
  EXPECT_EQ(r.frame.size, 4u + 70);
  EXPECT_EQ(r.dialect, 0x0210);
  EXPECT_EQ(smb_dialect_name(*r.dialect), "2.1");
  EXPECT_EQ(smb_dialect_name(0x0302), "3.0.2");
  EXPECT_EQ(smb_dialect_name(0x0abc), "0x0abc");
}

TEST(SmbReply, AnErrorStatusIsStillSmb2) {
  const SmbNegotiateReply r = parse_smb2_negotiate_reply(view(smb2_response(0xc00000bb, 0)));
  ASSERT_TRUE(r.frame.is_complete());
  EXPECT_EQ(r.status, 0xc00000bbU);
  EXPECT_FALSE(r.dialect.has_value());
}

TEST(SmbReply, WrongServicesAndSmb1) {
  EXPECT_EQ(parse_smb2_negotiate_reply(view(bytes("HTTP/1.1 400 Bad Request\r\n"))).frame.reason,
            "got 'HTTP/1.1 400 Bad Request'");
  Bytes other = {0, 0, 0, 40, 'x'};
  EXPECT_EQ(parse_smb2_negotiate_reply(view(other)).frame.status, Frame::Status::kWrong);
}

// MS-SMB2 2.2.4 with DialectRevision 0x0311: NegotiateContextCount 2, a 6-byte security blob at
// 128, the contexts from NegotiateContextOffset 136 (8-byte aligned): preauth integrity (SHA-512,
// a 32-byte salt: 38 bytes of data, padded to 48) and encryption (AES-128-GCM).
Bytes smb311_response() {
  Bytes smb(64, 0);
  const Bytes header = hex({0xfe, 'S', 'M', 'B', 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0});
  std::copy(header.begin(), header.end(), smb.begin());
  // clang-format off
  const Bytes body = hex({
      65, 0, 1, 0, 0x11, 0x03, 2, 0,                    // StructureSize, SecurityMode, 3.1.1, 2 contexts
      's', 'm', 'b', 'd', 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0,                                       // ServerGuid
      0x2f, 0, 0, 0,                                    // Capabilities
      0, 0, 0x80, 0, 0, 0, 0x80, 0, 0, 0, 0x80, 0,      // MaxTransact/Read/WriteSize
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0,                                       // SystemTime, ServerStartTime
      128, 0, 6, 0,                                     // SecurityBufferOffset, SecurityBufferLength
      136, 0, 0, 0,                                     // NegotiateContextOffset
      0x60, 0x04, 0x06, 0x02, 0x05, 0x02, 0, 0,         // security blob, then padding to 136
      0x01, 0, 38, 0, 0, 0, 0, 0,                       // PREAUTH_INTEGRITY, DataLength 38
      1, 0, 32, 0, 1, 0});                              // 1 algorithm, 32-byte salt, SHA-512
  // clang-format on
  smb.insert(smb.end(), body.begin(), body.end());
  smb.insert(smb.end(), 32, 0xa5);  // the salt
  smb.insert(smb.end(), 2, 0);      // padding to the next 8-byte boundary (184)
  const Bytes encryption = hex({0x02, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0x02, 0});  // AES-128-GCM
  smb.insert(smb.end(), encryption.begin(), encryption.end());
  Bytes out(4 + smb.size(), 0);
  out[2] = static_cast<std::uint8_t>(smb.size() >> 8U);
  out[3] = static_cast<std::uint8_t>(smb.size() & 0xffU);
  std::copy(smb.begin(), smb.end(), out.begin() + 4);
  return out;
}

TEST(SmbReply, Smb311IsReadWholeForItsNegotiateContexts) {
  const Bytes reply = smb311_response();
  ASSERT_EQ(reply.size(), 4u + 196);
  const SmbNegotiateReply r = parse_smb2_negotiate_reply(view(reply));
  ASSERT_TRUE(r.frame.is_complete()) << r.frame.reason;
  EXPECT_EQ(r.frame.size, reply.size());
  EXPECT_EQ(r.dialect, 0x0311);
  EXPECT_EQ(r.cipher, 0x0002);
  EXPECT_EQ(smb_dialect_name(*r.dialect), "3.1.1");
  // Up to its last byte, it needs more.
  EXPECT_EQ(parse_smb2_negotiate_reply(ByteView(reply.data(), reply.size() - 1)).frame.status,
            Frame::Status::kNeedMore);
}

TEST(SmbReply, Smb311WithBrokenContextsIsNotSmb311) {
  Bytes misaligned = smb311_response();
  misaligned[4 + 64 + 60] = 132;
  EXPECT_EQ(parse_smb2_negotiate_reply(view(misaligned)).frame.reason,
            "got an SMB 3.1.1 NEGOTIATE response with a NegotiateContextOffset of 132");
  Bytes no_preauth = smb311_response();
  no_preauth[4 + 136] = 0x03;  // the first context becomes compression capabilities
  EXPECT_EQ(parse_smb2_negotiate_reply(view(no_preauth)).frame.reason,
            "got an SMB 3.1.1 NEGOTIATE response with no preauthentication integrity context "
            "with SHA-512");
  Bytes cut = smb311_response();
  cut[4 + 64 + 6] = 3;  // a third context that is not there
  EXPECT_EQ(parse_smb2_negotiate_reply(view(cut)).frame.reason,
            "got an SMB 3.1.1 NEGOTIATE response with negotiate context 3 cut short");
  Bytes huge = smb311_response();
  huge[1] = 0x01;  // a 64 KiB message
  EXPECT_EQ(parse_smb2_negotiate_reply(view(huge)).frame.status, Frame::Status::kWrong);
}

// MS-CIFS 2.2.4.52.2: an SMB1 NEGOTIATE response choosing dialect 0 ("NT LM 0.12"), as an
// SMB1-only server sends it; the parser needs its protocol id only.
TEST(SmbReply, AnSmb1ReplyIsCompleteAtItsProtocolId) {
  Bytes smb1 = hex({0, 0, 0, 0x55, 0xff, 'S', 'M', 'B', 0x72, 0, 0, 0, 0, 0x98, 0x01, 0xc8});
  smb1.resize(4 + 0x55, 0);
  const SmbNegotiateReply r = parse_smb2_negotiate_reply(view(smb1));
  ASSERT_TRUE(r.frame.is_complete());
  EXPECT_EQ(r.frame.size, 8u);
  EXPECT_TRUE(r.smb1);
  EXPECT_FALSE(r.dialect);
  EXPECT_FALSE(parse_smb2_negotiate_reply(view(smb2_response(0, 0x0302))).smb1);
}

TEST(Requests, Smb1NegotiateOffersNtLm012) {
  const Bytes r = smb1_negotiate_request();
  ASSERT_EQ(r.size(), 4u + 32 + 1 + 2 + 12);
  EXPECT_EQ(Bytes(r.begin(), r.begin() + 9), hex({0, 0, 0, 47, 0xff, 'S', 'M', 'B', 0x72}));
  EXPECT_EQ(r[4 + 32], 0);   // WordCount
  EXPECT_EQ(r[4 + 33], 12);  // ByteCount
  EXPECT_EQ(std::string(r.begin() + 4 + 36, r.end() - 1), "NT LM 0.12");
  EXPECT_EQ(r.back(), 0);
}

TEST(NetbiosSessionReply, PositiveAndNegative) {
  const NetbiosSessionReply yes = parse_netbios_session_reply(view(hex({0x82, 0, 0, 0})));
  EXPECT_TRUE(yes.frame.is_complete());
  EXPECT_TRUE(yes.positive);
  const NetbiosSessionReply no = parse_netbios_session_reply(view(hex({0x83, 0, 0, 1, 0x82})));
  EXPECT_TRUE(no.frame.is_complete());
  EXPECT_FALSE(no.positive);
  EXPECT_EQ(no.error, 0x82);
  EXPECT_EQ(parse_netbios_session_reply(view(hex({0x83, 0, 0, 1}))).frame.status,
            Frame::Status::kNeedMore);
  EXPECT_EQ(parse_netbios_session_reply(view(bytes("SSH-2.0"))).frame.status,
            Frame::Status::kWrong);
}

TEST(MsrpcReply, BindAckAndBindNak) {
  Bytes ack = {5, 0, 12, 3, 0x10, 0, 0, 0, 60, 0, 0, 0, 1, 0, 0, 0};
  EXPECT_TRUE(parse_msrpc_bind_reply(view(ack)).ack);
  Bytes nak = ack;
  nak[2] = 13;
  const MsrpcBindReply r = parse_msrpc_bind_reply(view(nak));
  EXPECT_TRUE(r.frame.is_complete());
  EXPECT_FALSE(r.ack);
  Bytes request = ack;
  request[2] = 0;
  EXPECT_EQ(parse_msrpc_bind_reply(view(request)).frame.reason,
            "got DCE/RPC packet type 0 (expected bind_ack 12 or bind_nak 13)");
  EXPECT_EQ(parse_msrpc_bind_reply(view(hex({4}))).frame.status, Frame::Status::kWrong);
}

TEST(LdapReply, EntryDoneAndLongLengths) {
  const LdapReply entry = parse_ldap_reply(
      view(hex({0x30, 0x84, 0, 0, 0x10, 0, 0x02, 0x01, 0x01, 0x64, 0x82, 0x10, 0x00})));
  ASSERT_TRUE(entry.frame.is_complete());
  EXPECT_EQ(entry.operation, 4);
  EXPECT_FALSE(entry.result_code.has_value());
  const LdapReply done = parse_ldap_reply(view(
      hex({0x30, 0x0c, 0x02, 0x01, 0x01, 0x65, 0x07, 0x0a, 0x01, 0x31, 0x04, 0x00, 0x04, 0x00})));
  ASSERT_TRUE(done.frame.is_complete());
  EXPECT_EQ(done.operation, 5);
  EXPECT_EQ(done.result_code, 0x31u);
  // Notice of disconnection: messageID 0, ExtendedResponse.
  const LdapReply notice = parse_ldap_reply(view(
      hex({0x30, 0x0c, 0x02, 0x01, 0x00, 0x78, 0x07, 0x0a, 0x01, 0x34, 0x04, 0x00, 0x04, 0x00})));
  EXPECT_EQ(notice.result_code, 0x34u);
}

TEST(LdapReply, WrongBytes) {
  EXPECT_EQ(parse_ldap_reply(view(bytes("HTTP/1.1"))).frame.status, Frame::Status::kWrong);
  EXPECT_EQ(parse_ldap_reply(view(hex({0x30, 0x80}))).frame.reason,
            "got a BER length LDAP does not use");
  EXPECT_EQ(parse_ldap_reply(view(hex({0x30, 0x05, 0x04}))).frame.status, Frame::Status::kWrong);
  EXPECT_EQ(parse_ldap_reply(view(hex({0x30, 0x05, 0x02, 0x01, 0x01, 0x30}))).frame.status,
            Frame::Status::kWrong);
}

TEST(IscsiReply, LoginResponseOrNot) {
  Bytes login(48, 0);
  login[0] = 0x23;
  login[36] = 3;
  login[37] = 1;
  const IscsiLoginReply r = parse_iscsi_login_reply(view(login));
  ASSERT_TRUE(r.frame.is_complete());
  EXPECT_EQ(r.status_class, 3);
  EXPECT_EQ(r.status_detail, 1);
  login[0] = 0x3f;
  EXPECT_EQ(parse_iscsi_login_reply(view(login)).frame.reason, "got an iSCSI Reject");
}

TEST(HttpReply, StatusLine) {
  const HttpStatusLine ok = parse_http_status_line(view(bytes("HTTP/1.1 204 No Content\r\nX: y")));
  ASSERT_TRUE(ok.frame.is_complete());
  EXPECT_EQ(ok.status, 204u);
  EXPECT_EQ(ok.line, "HTTP/1.1 204 No Content");
  EXPECT_EQ(ok.frame.size, 25u);
  EXPECT_EQ(parse_http_status_line(view(bytes("HTTP/1.0 200\n"))).status, 200u);
  EXPECT_EQ(parse_http_status_line(view(bytes("HTT"))).frame.status, Frame::Status::kNeedMore);
  EXPECT_EQ(parse_http_status_line(view(bytes("SSH-2.0-OpenSSH"))).frame.reason,
            "got 'SSH-2.0-OpenSSH'");
  EXPECT_EQ(parse_http_status_line(view(bytes("HTTP/1.1 2000 OK\r\n"))).frame.status,
            Frame::Status::kWrong);
}

TEST(SmtpReply, MultiLineRepliesAndStarttls) {
  const SmtpReply greeting = parse_smtp_reply(view(bytes("220-mx ESMTP\r\n220 ready\r\nleft")));
  ASSERT_TRUE(greeting.frame.is_complete());
  EXPECT_EQ(greeting.code, 220u);
  EXPECT_EQ(greeting.lines, (std::vector<std::string>{"mx ESMTP", "ready"}));
  EXPECT_EQ(greeting.frame.size, 25u);
  const SmtpReply ehlo = parse_smtp_reply(view(bytes("250-mx\r\n250-starttls\r\n250 SIZE 1\r\n")));
  EXPECT_TRUE(smtp_offers_starttls(ehlo));
  EXPECT_FALSE(smtp_offers_starttls(parse_smtp_reply(view(bytes("250-mx\r\n250 STARTTLSX\r\n")))));
  EXPECT_EQ(parse_smtp_reply(view(bytes("250\r\n"))).code, 250u);
  EXPECT_EQ(parse_smtp_reply(view(bytes("220-mx\r\n22"))).frame.status, Frame::Status::kNeedMore);
  EXPECT_EQ(parse_smtp_reply(view(bytes("220-mx\r\n250 x\r\n"))).frame.reason,
            "got an SMTP reply whose lines disagree on the code");
  EXPECT_EQ(parse_smtp_reply(view(bytes("SSH-2.0"))).frame.reason, "got 'SSH-2.0'");
}

Bytes nbns_response(std::uint16_t id) {
  Bytes r;
  r.reserve(256);
  const unsigned high = id >> 8U;
  const unsigned low = id & 0xffU;
  for (unsigned b : {high, low, 0x84U, 0U, 0U, 0U, 0U, 1U, 0U, 0U, 0U, 0U}) {
    r.push_back(static_cast<std::uint8_t>(b));
  }
  const Bytes request = nbns_node_status_request(id);
  r.insert(r.end(), request.begin() + 12, request.begin() + 46);  // the name
  const Bytes rr = {0x00, 0x21, 0x00, 0x01, 0, 0, 0, 0, 0, 65, 1};
  r.insert(r.end(), rr.begin(), rr.end());
  const Bytes name = bytes("VBR01          ");
  r.insert(r.end(), name.begin(), name.end());
  r.push_back(0x20);
  r.push_back(0x04);
  r.push_back(0x00);
  r.insert(r.end(), 46, 0);
  return r;
}

TEST(NbnsReply, NodeStatusToOurId) {
  const NbnsNodeStatus ok = parse_nbns_node_status(view(nbns_response(0x1234)), 0x1234);
  EXPECT_TRUE(ok.valid) << ok.reason;
  EXPECT_EQ(ok.names, 1u);
  EXPECT_EQ(ok.first_name, "VBR01");
  EXPECT_EQ(parse_nbns_node_status(view(nbns_response(0x1234)), 0x9999).reason,
            "got an NBNS reply to another transaction id");
  EXPECT_EQ(parse_nbns_node_status(view(nbns_node_status_request(7)), 7).reason,
            "got an NBNS request, not a response");
  EXPECT_FALSE(parse_nbns_node_status(view(hex({1, 2, 3})), 0x0102).valid);
}

// Every prefix of a valid reply needs more (or is already complete where the parser needs only
// the start); none is wrong; random bytes never crash.
TEST(Parsers, PrefixesAreNeverWrongAndNoiseNeverCrashes) {
  const std::vector<std::pair<std::string, Bytes>> replies = {
      {"smb", smb2_response(0, 0x0302)},
      {"smb", smb311_response()},
      {"ldap",
       hex({0x30, 0x0c, 0x02, 0x01, 0x01, 0x65, 0x07, 0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00})},
      {"http", bytes("HTTP/1.1 200 OK\r\n")},
      {"smtp", bytes("220-a\r\n220 b\r\n")},
  };
  const auto frame_of = [](const std::string& kind, ByteView b) {
    if (kind == "smb") return parse_smb2_negotiate_reply(b).frame;
    if (kind == "ldap") return parse_ldap_reply(b).frame;
    if (kind == "http") return parse_http_status_line(b).frame;
    return parse_smtp_reply(b).frame;
  };
  for (const auto& [kind, reply] : replies) {
    for (std::size_t n = 0; n < reply.size(); ++n) {
      const Frame f = frame_of(kind, ByteView(reply.data(), n));
      EXPECT_NE(f.status, Frame::Status::kWrong) << kind << " prefix " << n << ": " << f.reason;
    }
    EXPECT_TRUE(frame_of(kind, view(reply)).is_complete()) << kind;
  }
  std::mt19937 random(42);
  for (int i = 0; i < 2000; ++i) {
    Bytes noise(random() % 200);
    for (auto& b : noise) b = static_cast<std::uint8_t>(random());
    const ByteView v = view(noise);
    parse_smb2_negotiate_reply(v);
    parse_netbios_session_reply(v);
    parse_msrpc_bind_reply(v);
    parse_ldap_reply(v);
    parse_iscsi_login_reply(v);
    parse_http_status_line(v);
    parse_smtp_reply(v);
    parse_nbns_node_status(v, 1);
    describe_bytes(v);
  }
}

}  // namespace
}  // namespace vpm
