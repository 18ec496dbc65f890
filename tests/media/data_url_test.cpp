// data: URLs through load_media: decoding, the accepted media types, bad base64 and the size cap.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "media/media_source.hpp"
#include "tests/media/media_test_support.hpp"

namespace vlserve::media {
namespace {

using testing::base64_encode;

std::string error_of(const std::string& url, const media_policy& policy = {}) {
  try {
    load_media(url, policy);
  } catch (const media_error& e) {
    return e.what();
  }
  return "(no error)";
}

std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

TEST(data_url, decodes_the_fixture_png_byte_for_byte) {
  const auto png = testing::file_bytes(testing::fixture_image_path());
  EXPECT_EQ(load_media("data:image/png;base64," + base64_encode(png), {}), png);
}

TEST(data_url, decodes_rfc4648_vectors) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"Zg==", "f"},        {"Zm8=", "fo"},       {"Zm9v", "foo"},
      {"Zm9vYg==", "foob"}, {"Zm9vYmE=", "fooba"}, {"Zm9vYmFy", "foobar"}};
  for (const auto& [encoded, plain] : cases)
    EXPECT_EQ(load_media("data:image/jpeg;base64," + encoded, {}), bytes_of(plain)) << encoded;
}

TEST(data_url, accepts_video_types_parameters_case_whitespace_and_missing_padding) {
  EXPECT_EQ(load_media("data:video/mp4;base64,Zm9vYg==", {}), bytes_of("foob"));
  EXPECT_EQ(load_media("data:image/svg+xml;charset=utf-8;base64,Zm9v", {}), bytes_of("foo"));
  EXPECT_EQ(load_media("DATA:IMAGE/PNG;BASE64,Zm9vYmFy", {}), bytes_of("foobar"));
  EXPECT_EQ(load_media("data:image/png;base64,Zm9v\r\nYmFy", {}), bytes_of("foobar"));
  EXPECT_EQ(load_media("data:image/png;base64,Zm9vYg", {}), bytes_of("foob"));
}

TEST(data_url, bad_base64_names_the_character_and_offset) {
  const auto e = error_of("data:image/png;base64,Zm9v*mFy");
  EXPECT_NE(e.find("not valid base64"), std::string::npos) << e;
  EXPECT_NE(e.find("'*' at offset 4"), std::string::npos) << e;
  EXPECT_NE(error_of("data:image/png;base64,Zm9v-_Fy").find("'-'"), std::string::npos);
  EXPECT_NE(error_of("data:image/png;base64,Zg==Zm9v").find("follows '=' padding"), std::string::npos);
  EXPECT_NE(error_of("data:image/png;base64,Zm9vY").find("truncated"), std::string::npos);
}

TEST(data_url, requires_base64_and_an_image_or_video_type) {
  EXPECT_NE(error_of("data:image/png,rawbytes").find("';base64'"), std::string::npos);
  EXPECT_NE(error_of("data:text/plain;base64,Zm9v").find("'text/plain', expected image/* or video/*"),
            std::string::npos);
  EXPECT_NE(error_of("data:;base64,Zm9v").find("expected image/* or video/*"), std::string::npos);
  EXPECT_NE(error_of("data:image/;base64,Zm9v").find("expected image/*"), std::string::npos);
  EXPECT_NE(error_of("data:image/png;base64").find("no ','"), std::string::npos);
  EXPECT_NE(error_of("data:image/png;base64,").find("empty"), std::string::npos);
}

TEST(data_url, wrong_or_missing_scheme_is_refused_with_the_accepted_forms) {
  for (const std::string url : {"dat:image/png;base64,Zm9v", "image/png;base64,Zm9v", "ftp://example.com/a.png", ""}) {
    const auto e = error_of(url);
    EXPECT_NE(e.find("data:"), std::string::npos) << url << ": " << e;
  }
  EXPECT_NE(error_of("ftp://example.com/a.png").find("scheme 'ftp' is not supported"), std::string::npos);
}

TEST(data_url, size_cap_counts_decoded_bytes) {
  media_policy policy;
  policy.max_bytes = 1024;
  const std::vector<uint8_t> exact(1024, 0xab);
  EXPECT_EQ(load_media("data:image/png;base64," + base64_encode(exact), policy), exact);
  const std::vector<uint8_t> over(1025, 0xab);
  const auto e = error_of("data:image/png;base64," + base64_encode(over), policy);
  EXPECT_NE(e.find("more than MEDIA_MAX_BYTES=1024"), std::string::npos) << e;
  // Far over the cap: refused from the length alone, and the message does not echo the payload.
  const std::string huge = "data:image/png;base64," + std::string(1 << 20, 'A');
  const auto big = error_of(huge, policy);
  EXPECT_NE(big.find("MEDIA_MAX_BYTES"), std::string::npos);
  EXPECT_LT(big.size(), 300u);
}

}  // namespace
}  // namespace vlserve::media
