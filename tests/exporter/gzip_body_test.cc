// gzip for /metrics: what Accept-Encoding admits it, and that the two-part member (shared part
// ending in a full flush + fresh part) is one valid gzip stream, checked by zlib's own inflate.
#include "gzip_body.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <memory>
#include <string>

#include "gunzip.h"

namespace vpm::exporter {
namespace {

std::string sample_page(int flows) {
  std::string page =
      "# HELP veeam_flow_up 1 when every probed port met its expectation.\n"
      "# TYPE veeam_flow_up gauge\n";
  for (int i = 0; i < flows; ++i) {
    page += "veeam_flow_up{flow=\"port-" + std::to_string(i) +
            "\",from=\"agent\",to=\"backup_server\",target=\"127.0.0.1\",protocol=\"tcp\"} " +
            std::to_string(i % 2) + "\n";
  }
  return page;
}

TEST(AcceptsGzip, ReadsTheHeaderAsRfc9110Says) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));  // curl --compressed, browsers
  EXPECT_TRUE(accepts_gzip("deflate ,  GZIP ;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, *;q=0.1"));
  EXPECT_TRUE(accepts_gzip("gzip;q=1"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
  EXPECT_FALSE(accepts_gzip(nullptr));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0, *"));  // named gzip wins over the wildcard
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzipped"));
  EXPECT_FALSE(accepts_gzip("gzip;q=nonsense"));
  EXPECT_FALSE(accepts_gzip("gzip;q=2"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0.12345"));
  EXPECT_FALSE(accepts_gzip(",,,;;;="));
}

TEST(Gzip, OneShotRoundTrips) {
  for (const std::string& text : {std::string(), std::string("x"), sample_page(2000)}) {
    const std::string member = gzip(text);
    ASSERT_GE(member.size(), 18u);  // header + trailer at least
    EXPECT_EQ(test::gunzip(member), text);
  }
  EXPECT_LT(gzip(sample_page(2000)).size() * 8, sample_page(2000).size());
}

TEST(Gzip, TwoPartsJoinIntoOneMember) {
  const std::string shared = sample_page(1000);
  const std::string fresh = "# TYPE process_open_fds gauge\nprocess_open_fds 12\n";
  const DeflatedPart head = deflate_part(shared, false);
  const DeflatedPart tail = deflate_part(fresh, true);
  const std::string member =
      std::string(gzip_header()) + head.bytes + tail.bytes + gzip_trailer(head, tail);
  EXPECT_EQ(test::gunzip(member), shared + fresh);

  // Either part may be empty.
  const DeflatedPart nothing = deflate_part("", false);
  const DeflatedPart all = deflate_part(shared, true);
  EXPECT_EQ(test::gunzip(std::string(gzip_header()) + nothing.bytes + all.bytes +
                         gzip_trailer(nothing, all)),
            shared);
  const DeflatedPart empty_tail = deflate_part("", true);
  EXPECT_EQ(test::gunzip(std::string(gzip_header()) + head.bytes + empty_tail.bytes +
                         gzip_trailer(head, empty_tail)),
            shared);
}

TEST(LastPartCache, DeflatesATextOnceAndANewTextAgain) {
  LastPartCache cache;
  const std::string shared = sample_page(100);
  const DeflatedPart head = deflate_part(shared, false);
  const auto member = [&](const DeflatedPart& tail) {
    return std::string(gzip_header()) + head.bytes + tail.bytes + gzip_trailer(head, tail);
  };
  const std::string first = "process_open_fds 12\n";
  const std::shared_ptr<const DeflatedPart> a = cache.part(first);
  EXPECT_EQ(test::gunzip(member(*a)), shared + first);
  EXPECT_EQ(cache.part(std::string(first)), a);  // equal text: the same deflate, not a new one
  const std::string second = "process_open_fds 13\n";
  const std::shared_ptr<const DeflatedPart> b = cache.part(second);
  EXPECT_NE(b, a);
  EXPECT_EQ(test::gunzip(member(*b)), shared + second);
  EXPECT_EQ(test::gunzip(member(*a)), shared + first);  // a scrape still sending it keeps it
  EXPECT_EQ(test::gunzip(member(*cache.part(""))), shared);
}

TEST(Gzip, ACorruptedTrailerIsCaughtByTheReader) {
  std::string member = gzip(sample_page(10));
  member[member.size() - 6] ^= 0x01;  // a bit of the CRC-32
  z_stream stream{};
  ASSERT_EQ(inflateInit2(&stream, 16 + MAX_WBITS), Z_OK);
  std::string out(1 << 16, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(member.data());
  stream.avail_in = static_cast<uInt>(member.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(inflate(&stream, Z_FINISH), Z_DATA_ERROR);  // so the CRC above is really checked
  inflateEnd(&stream);
}

void joined(const std::shared_ptr<const GzipPageCache::Head>& head, const std::string& fresh,
            std::string* out) {
  const DeflatedPart tail = deflate_part(fresh, true);
  *out = *head->bytes + tail.bytes + gzip_trailer(head->meta, tail);
}

TEST(GzipPageCache, CompressesEachPageOnceAndTheNewOneWhenItChanges) {
  GzipPageCache cache;
  const auto first = std::make_shared<const std::string>(sample_page(100));
  const auto a = cache.head(first);
  EXPECT_EQ(cache.head(first), a);  // the same page: the same compression, not a new one
  std::string member;
  joined(a, "tail\n", &member);
  EXPECT_EQ(test::gunzip(member), *first + "tail\n");

  const auto second = std::make_shared<const std::string>(sample_page(101));
  const auto b = cache.head(second);
  EXPECT_NE(b->bytes, a->bytes);
  joined(b, "", &member);
  EXPECT_EQ(test::gunzip(member), *second);
}

TEST(GzipPageCache, NeverKeepsAPageAliveAndForgetsOnRelease) {
  GzipPageCache cache;
  auto page = std::make_shared<const std::string>(sample_page(100));
  const auto a = cache.head(page);
  EXPECT_EQ(page.use_count(), 1);  // the compression does not hold its source

  cache.release();
  const auto b = cache.head(page);  // the same page, compressed again after the release
  EXPECT_NE(b, a);
  EXPECT_EQ(*b->bytes, *a->bytes);

  // A page that is gone is not mistaken for a new page at the same address.
  std::weak_ptr<const std::string> gone = page;
  page.reset();
  EXPECT_TRUE(gone.expired());
  auto next = std::make_shared<const std::string>(sample_page(102));
  const auto c = cache.head(next);
  std::string member;
  joined(c, "", &member);
  EXPECT_EQ(test::gunzip(member), *next);
}

}  // namespace
}  // namespace vpm::exporter
