// The response head the exporter writes in one piece (response_head.h): the keep-alive
// decision as civetweb makes it, the date format, and the head's layout.
#include "response_head.h"

#include <gtest/gtest.h>

#include <chrono>

namespace vpm::exporter {
namespace {

using std::chrono::sys_days;
using namespace std::chrono_literals;

TEST(ClientKeepsAlive, ObeysTheConnectionHeaderElseTheHttpVersion) {
  EXPECT_TRUE(client_keeps_alive(nullptr, "1.1"));
  EXPECT_FALSE(client_keeps_alive(nullptr, "1.0"));
  EXPECT_FALSE(client_keeps_alive(nullptr, ""));
  EXPECT_TRUE(client_keeps_alive("keep-alive", "1.0"));
  EXPECT_TRUE(client_keeps_alive("Keep-Alive", "1.1"));
  EXPECT_TRUE(client_keeps_alive("TE, keep-alive", "1.1"));
  EXPECT_TRUE(client_keeps_alive(" upgrade ,\tKEEP-ALIVE ", "1.0"));
  EXPECT_FALSE(client_keeps_alive("close", "1.1"));
  EXPECT_FALSE(client_keeps_alive("", "1.1"));
  EXPECT_FALSE(client_keeps_alive("keep-alive-not", "1.1"));
  EXPECT_FALSE(client_keeps_alive("Upgrade", "1.1"));
}

TEST(HttpDate, IsAnImfFixdateInGmt) {
  EXPECT_EQ(http_date(sys_days{std::chrono::year{2026} / 12 / 5} + 6h + 44min + 18s),
            "Sat, 05 Dec 2026 06:44:18 GMT");
  EXPECT_EQ(http_date(sys_days{std::chrono::year{1994} / 11 / 6} + 8h + 49min + 37s + 999ms),
            "Sun, 06 Nov 1994 08:49:37 GMT");  // RFC 9110's own example; fractions dropped
  EXPECT_EQ(http_date(sys_days{std::chrono::year{2024} / 2 / 29} + 23h + 59min + 59s),
            "Thu, 29 Feb 2024 23:59:59 GMT");
  EXPECT_EQ(http_date(std::chrono::system_clock::time_point{}), "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST(SerializeResponseHead, StatusLineFieldsInOrderDateConnectionBlankLine) {
  const auto now = sys_days{std::chrono::year{2026} / 12 / 5} + 6h;
  ResponseHead head{
      200, "OK", "1.1", {{"Content-Type", "text/plain"}, {"Content-Length", "9"}}, true};
  EXPECT_EQ(serialize(head, now),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n"
            "Date: Sat, 05 Dec 2026 06:00:00 GMT\r\nConnection: keep-alive\r\n\r\n");
  head = ResponseHead{404, "Not Found", "1.0", {}, false};
  EXPECT_EQ(serialize(head, now),
            "HTTP/1.0 404 Not Found\r\nDate: Sat, 05 Dec 2026 06:00:00 GMT\r\n"
            "Connection: close\r\n\r\n");
  head.http_version = "";  // a request line without a version: answered as 1.1
  EXPECT_EQ(serialize(head, now).substr(0, 23), "HTTP/1.1 404 Not Found\r");
}

}  // namespace
}  // namespace vpm::exporter
