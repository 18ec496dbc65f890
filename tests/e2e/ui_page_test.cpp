// GET / and the page's files, without a browser: the embedded bytes are the ui/ sources, each with
// its content type, the same-origin CSP and a working ETag; UI=0 turns the page off; no API key is
// needed for the page while /v1 still asks for one. The page itself is tested in Chromium by e2e_ui.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

std::string ui_source(const std::string& name) {
  return read_text((std::filesystem::path(fixtures_dir()) / ".." / ".." / "ui" / name).string());
}

std::string header(const http_response& r, const std::string& name) {
  auto it = r.headers.find(name);
  return it == r.headers.end() ? "" : it->second;
}

}  // namespace

TEST(UiPage, EveryFileIsServedAsWrittenWithItsHeaders) {
  e2e_server server(fresh_dir("ui_page_db"), {{"API_KEY", "sk-page"}}, "ui_page.log");
  const std::vector<std::pair<std::string, std::string>> files = {
      {"/", "index.html"},        {"/app.js", "app.js"},     {"/app.css", "app.css"},
      {"/markdown.js", "markdown.js"}, {"/stream.js", "stream.js"}, {"/store.js", "store.js"}};
  for (const auto& [path, file] : files) {
    const auto r = http_request(server.port(), "GET", path);
    ASSERT_EQ(r.status, 200) << path << ": the page needs no API key";
    EXPECT_EQ(r.body, ui_source(file)) << path;
    const auto type = header(r, "content-type");
    const std::string ext = file.substr(file.rfind('.'));
    const std::string want = ext == ".html" ? "text/html" : ext == ".css" ? "text/css" : "text/javascript";
    EXPECT_EQ(type.rfind(want, 0), 0u) << path << ": " << type;
    const auto csp = header(r, "content-security-policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("http"), std::string::npos) << "no remote origin in the policy: " << csp;
    EXPECT_EQ(header(r, "x-content-type-options"), "nosniff");
    EXPECT_EQ(header(r, "cache-control"), "no-cache");
    const auto etag = header(r, "etag");
    ASSERT_GE(etag.size(), 3u);
    EXPECT_EQ(etag.front(), '"');
    const auto again = http_request(server.port(), "GET", path, {}, {{"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304) << path;
    EXPECT_EQ(again.body, "");
    const auto other = http_request(server.port(), "GET", path, {}, {{"If-None-Match", "\"stale\""}});
    EXPECT_EQ(other.status, 200) << path;
  }
  EXPECT_NE(header(http_request(server.port(), "GET", "/"), "etag"),
            header(http_request(server.port(), "GET", "/app.js"), "etag"));
  EXPECT_EQ(http_request(server.port(), "GET", "/v1/models").status, 401) << "the API still needs the key";
  EXPECT_EQ(http_request(server.port(), "GET", "/index.html").status, 404);
}

TEST(UiPage, UiZeroServesNothing) {
  e2e_server server(fresh_dir("ui_off_db"), {{"UI", "0"}}, "ui_off.log");
  for (const std::string path : {"/", "/app.js"}) {
    const auto r = http_request(server.port(), "GET", path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_NE(r.body.find("\"not_found\""), std::string::npos) << r.body;
  }
}
