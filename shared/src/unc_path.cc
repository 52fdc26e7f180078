// The server part of a Windows UNC path (vpm/veeam_export.h): what a shared-folder backup
// target connects to over SMB.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "vpm/veeam_export.h"

namespace vpm {
namespace {

bool is_separator(char c) { return c == '\\' || c == '/'; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool ends_with_icase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && iequals(text.substr(text.size() - suffix.size()), suffix);
}

// "2001-db8--1s4.ipv6-literal.net" -> "2001:db8::1%4": the name Windows gives an IPv6 literal
// where a UNC path cannot hold ':' (RFC 2732 brackets are not allowed there either).
std::string from_ipv6_literal_net(std::string_view label) {
  std::string address(label);
  for (char& c : address) {
    if (c == '-')
      c = ':';
    else if (c == 's' || c == 'S')
      c = '%';
  }
  return address;
}

}  // namespace

std::optional<std::string> unc_server(std::string_view path) {
  while (!path.empty() && (path.front() == ' ' || path.front() == '\t')) path.remove_prefix(1);
  if (path.size() < 3 || !is_separator(path[0]) || !is_separator(path[1])) return std::nullopt;
  path.remove_prefix(2);
  // \\?\UNC\server\share and \\.\UNC\server\share: the Win32 file namespace spelling of the
  // same path. \\?\C:\... is a local path.
  if (path.size() >= 2 && (path[0] == '?' || path[0] == '.') && is_separator(path[1])) {
    path.remove_prefix(2);
    if (path.size() < 4 || !iequals(path.substr(0, 3), "UNC") || !is_separator(path[3])) {
      return std::nullopt;
    }
    path.remove_prefix(4);
  }
  const std::size_t end = path.find_first_of("\\/");
  std::string_view server = path.substr(0, end);
  if (!server.empty() && server.front() == '[') {
    if (server.size() < 3 || server.back() != ']') return std::nullopt;
    return std::string(server.substr(1, server.size() - 2));
  }
  // \\server@SSL@443\share, \\server@8080\share: the WebDAV redirector's spelling; the host is
  // what comes before the '@'.
  server = server.substr(0, server.find('@'));
  if (server.empty()) return std::nullopt;
  constexpr std::string_view kIpv6LiteralNet = ".ipv6-literal.net";
  if (ends_with_icase(server, kIpv6LiteralNet) && server.size() > kIpv6LiteralNet.size()) {
    return from_ipv6_literal_net(server.substr(0, server.size() - kIpv6LiteralNet.size()));
  }
  return std::string(server);
}

}  // namespace vpm
