// http(s) media URLs against a loopback server started by the test (media_server.py): redirects,
// error statuses, time and size limits, and the address filter on real connections.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "media/media_source.hpp"
#include "tests/media/media_test_support.hpp"

namespace vlserve::media {
namespace {

class remote_fetch : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new testing::media_server(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // The loopback server is only reachable with allow_private; the filter tests turn it off.
  media_policy policy() const {
    media_policy p;
    p.allow_private = true;
    p.timeout_seconds = 2;
    p.max_redirects = 3;
    p.max_bytes = 64 * 1024;
    return p;
  }

  std::string error_of(const std::string& url, const media_policy& p) const {
    try {
      load_media(url, p);
    } catch (const media_error& e) {
      return e.what();
    }
    return "(no error)";
  }

  static testing::media_server* server_;
};
testing::media_server* remote_fetch::server_ = nullptr;

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

TEST_F(remote_fetch, fetches_an_image) {
  EXPECT_EQ(load_media(server_->url("/image.png"), policy()), testing::file_bytes(testing::fixture_image_path()));
}

TEST_F(remote_fetch, follows_redirects_up_to_the_cap_and_no_further) {
  const auto image = testing::file_bytes(testing::fixture_image_path());
  EXPECT_EQ(load_media(server_->url("/redirect/3"), policy()), image);  // 3 redirects, cap 3
  const int before = server_->request_count();
  const auto e = error_of(server_->url("/redirect/4"), policy());
  EXPECT_HAS(e, "at most 3 are followed");
  EXPECT_EQ(server_->request_count() - before, 4);  // the first request and 3 followed hops
  auto no_redirects = policy();
  no_redirects.max_redirects = 0;
  EXPECT_HAS(error_of(server_->url("/redirect/1"), no_redirects), "at most 0 are followed");
  EXPECT_HAS(error_of(server_->url("/no-location"), policy()), "without a Location header");
}

TEST_F(remote_fetch, each_redirect_target_is_checked_again) {
  EXPECT_HAS(error_of(server_->url("/redirect-to?u=file:///etc/passwd"), policy()),
             "redirect target uses the scheme 'file'; only http and https");
  const std::string with_credentials =
      "http://user:secret@127.0.0.1:" + std::to_string(server_->port()) + "/image.png";
  const auto e = error_of(server_->url("/redirect-to?u=" + with_credentials), policy());
  EXPECT_HAS(e, "redirect target carries a user name or password");
  EXPECT_EQ(e.find("secret"), std::string::npos);
  auto refuse_private = policy();
  refuse_private.allow_private = false;
  EXPECT_HAS(error_of(with_credentials, refuse_private), "user name or password");
}

TEST_F(remote_fetch, error_statuses_and_empty_bodies_are_reported) {
  EXPECT_HAS(error_of(server_->url("/status/404"), policy()), "answered HTTP 404");
  EXPECT_HAS(error_of(server_->url("/status/503"), policy()), "answered HTTP 503");
  EXPECT_HAS(error_of(server_->url("/status/204"), policy()), "expected 200");
  EXPECT_HAS(error_of(server_->url("/empty"), policy()), "empty body");
}

TEST_F(remote_fetch, a_slow_server_hits_the_timeout) {
  auto p = policy();
  p.timeout_seconds = 1;
  const auto start = std::chrono::steady_clock::now();
  const auto e = error_of(server_->url("/slow?s=5"), p);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_HAS(e, "longer than MEDIA_TIMEOUT_SECONDS=1");
  EXPECT_LT(took, std::chrono::milliseconds(2500));
  EXPECT_EQ(load_media(server_->url("/slow?s=0.1"), p), testing::file_bytes(testing::fixture_image_path()));
}

TEST_F(remote_fetch, bodies_over_the_cap_are_refused_with_and_without_content_length) {
  const auto p = policy();
  EXPECT_EQ(load_media(server_->url("/big?n=65536"), p).size(), 65536u);  // exactly the cap
  EXPECT_EQ(load_media(server_->url("/big-chunked?n=65536"), p).size(), 65536u);
  EXPECT_HAS(error_of(server_->url("/big?n=65537"), p),
             "announces 65537 bytes (Content-Length), more than MEDIA_MAX_BYTES=65536");
  const auto chunked = error_of(server_->url("/big-chunked?n=1000000"), p);
  EXPECT_HAS(chunked, "sent more than MEDIA_MAX_BYTES=65536");
  EXPECT_EQ(chunked.find("Content-Length"), std::string::npos);
}

TEST_F(remote_fetch, loopback_is_refused_without_allow_private_before_any_request) {
  auto p = policy();
  p.allow_private = false;
  const int before = server_->request_count();
  const auto literal = error_of(server_->url("/image.png"), p);
  EXPECT_HAS(literal, "127.0.0.1 (loopback)");
  EXPECT_HAS(literal, "MEDIA_ALLOW_PRIVATE");
  // A host name is judged by the address it resolves to, not by its spelling.
  const auto named = error_of("http://localhost:" + std::to_string(server_->port()) + "/image.png", p);
  EXPECT_HAS(named, "(loopback)");
  EXPECT_EQ(server_->request_count(), before);
}

TEST_F(remote_fetch, internal_literal_hosts_are_refused) {
  auto p = policy();
  p.allow_private = false;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"http://10.1.2.3/a.png", "10.1.2.3 (private)"},
      {"http://169.254.169.254/latest/meta-data", "169.254.169.254 (link-local)"},
      {"http://[::1]:9/a.png", "::1 (loopback)"},
      {"https://[::ffff:192.168.0.1]/a.png", "(private)"},
      {"http://0.0.0.0/a.png", "(unspecified)"},
      {"http://192.168.0.1/a.png", "192.168.0.1 (private)"},
  };
  for (const auto& [url, expected] : cases) EXPECT_HAS(error_of(url, p), expected);
}

TEST_F(remote_fetch, remote_fetches_can_be_switched_off) {
  auto p = policy();
  p.allow_remote = false;
  const int before = server_->request_count();
  EXPECT_HAS(error_of(server_->url("/image.png"), p), "MEDIA_ALLOW_REMOTE=0");
  EXPECT_EQ(server_->request_count(), before);
  EXPECT_EQ(load_media("data:image/png;base64,Zm9v", p).size(), 3u);  // inline media still works
}

}  // namespace
}  // namespace vlserve::media
