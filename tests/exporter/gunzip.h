#pragma once
// zlib's own inflate, for checking what the exporter compressed: one gzip member, whole.
#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace vpm::exporter::test {

// Inflates one gzip member; fails the calling test on anything zlib does not accept, or on
// bytes after the member.
inline std::string gunzip(const std::string& member) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 16 + MAX_WBITS), Z_OK);
  std::string out(member.size() * 64 + 1024, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(member.data()));
  stream.avail_in = static_cast<uInt>(member.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  EXPECT_EQ(rc, Z_STREAM_END) << (stream.msg != nullptr ? stream.msg : "");
  EXPECT_EQ(stream.avail_in, 0u) << "bytes after the member";
  out.resize(stream.total_out);
  inflateEnd(&stream);
  return out;
}

}  // namespace vpm::exporter::test
