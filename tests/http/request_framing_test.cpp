// The framing screen in front of Pistache's parser (http/request_framing.hpp), over plain bytes:
// what it passes on, in which pieces, and what it refuses with which status.
#include "http/request_framing.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace vlserve::http;

namespace {

const std::string kGet = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
const std::string kPost = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";

struct screened {
  std::vector<std::string> pieces;  // as forwarded
  std::optional<api_error> refusal;
  std::string forwarded() const {
    std::string all;
    for (const auto& p : pieces) all += p;
    return all;
  }
};

// Feeds `bytes` in chunks of `chunk` bytes (0: all at once) until a refusal.
screened screen(const std::string& bytes, size_t chunk = 0, framing_limits limits = {}, header_value_check check = {}) {
  request_framing f(limits, std::move(check));
  screened s;
  const size_t step = chunk ? chunk : bytes.size();
  for (size_t pos = 0; pos < bytes.size() && !s.refusal; pos += step)
    s.refusal = f.feed(std::string_view(bytes).substr(pos, step), [&](std::string_view p) { s.pieces.emplace_back(p); });
  return s;
}

int status_of(const std::string& bytes, framing_limits limits = {}) {
  const auto s = screen(bytes, 0, limits);
  return s.refusal ? s.refusal->status : 0;
}

TEST(RequestFraming, PassesValidRequestsOnUnchangedInPiecesThatNeverSpanTwoRequests) {
  const auto s = screen(kGet + kPost + kGet);
  ASSERT_FALSE(s.refusal);
  EXPECT_EQ(s.forwarded(), kGet + kPost + kGet);
  // head of GET | head of POST | its body | head of GET
  ASSERT_EQ(s.pieces.size(), 4u);
  EXPECT_EQ(s.pieces[0], kGet);
  EXPECT_EQ(s.pieces[2], "hello");
  EXPECT_EQ(s.pieces[3], kGet);
}

TEST(RequestFraming, OneByteAtATimeGivesTheSameBytesAndHoldsEachHeadUntilItsBlankLine) {
  const auto s = screen(kPost + kGet, 1);
  ASSERT_FALSE(s.refusal);
  EXPECT_EQ(s.forwarded(), kPost + kGet);
  const size_t post_head = kPost.size() - 5;
  EXPECT_EQ(s.pieces[0], kPost.substr(0, post_head));
  for (size_t i = 1; i <= 5; ++i) EXPECT_EQ(s.pieces[i], std::string(1, "hello"[i - 1]));
  EXPECT_EQ(s.pieces.back(), kGet);
}

TEST(RequestFraming, AnUnfinishedHeadIsHeldAndNothingIsForwarded) {
  const auto s = screen("GET /health HTTP/1.1\r\nHost: x\r\n");
  EXPECT_FALSE(s.refusal);
  EXPECT_TRUE(s.pieces.empty());
}

TEST(RequestFraming, RefusesBrokenRequestLinesAtTheEndOfTheLine) {
  for (const std::string& bad : {"GARBAGE\r\n", "GET /health\r\n", "GET /health HTTP/9.9\r\n", "FOO /health HTTP/1.1\r\n",
                                 "get /health HTTP/1.1\r\n", "GET /a b HTTP/1.1\r\n", "GET  /health HTTP/1.1\r\n",
                                 "GET /he\x01lth HTTP/1.1\r\n", "\r\n", "GET /health HTTP/1.1 \r\n"}) {
    const auto s = screen(bad);  // no blank line yet: the line alone is enough to refuse
    ASSERT_TRUE(s.refusal) << bad;
    EXPECT_EQ(s.refusal->status, 400) << bad;
    EXPECT_EQ(s.refusal->code, "malformed_request") << bad;
    EXPECT_TRUE(s.pieces.empty()) << bad;
  }
}

TEST(RequestFraming, RefusesBrokenHeaderLines) {
  for (const std::string& line : {"Host x", "Host : x", " folded", "\tfolded", ": empty name", "X-A: a\x01z",
                                  "X-A: a\rz", "Na\xffme: v"}) {
    const auto s = screen("GET /health HTTP/1.1\r\n" + line + "\r\n");
    ASSERT_TRUE(s.refusal) << line;
    EXPECT_EQ(s.refusal->status, 400) << line;
  }
  // Tabs and bytes above 0x7f are allowed in values (RFC 9110 obs-text).
  EXPECT_EQ(status_of("GET /health HTTP/1.1\r\nX-A: a\tb \xe9\r\n\r\n"), 0);
}

TEST(RequestFraming, RefusesBareLineFeedsAtOnce) {
  EXPECT_EQ(status_of("GET /health HTTP/1.1\n"), 400);
  EXPECT_EQ(status_of("GET /health HTTP/1.1\r\nHost: x\n"), 400);
  EXPECT_EQ(status_of("GET /health HTTP/1.1\r\nHost: x\r\n\n"), 400);
}

TEST(RequestFraming, ContentLengthIsDigitsOnlyAndAppearsOnce) {
  const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n";
  for (const std::string& v : {"-5", "abc", "0x10", "", "+5", "5 5", "18446744073709551616", "99999999999999999999"})
    EXPECT_EQ(status_of(head + "Content-Length: " + v + "\r\n\r\n"), 400) << v;
  EXPECT_EQ(status_of(head + "Content-Length: 2\r\nContent-Length: 90\r\n\r\n"), 400);
  EXPECT_EQ(status_of(head + "Content-Length: 2\r\ncontent-length: 2\r\n\r\n"), 400);
  // Surrounding spaces are allowed: "Content-Length:  2 ".
  const auto s = screen(head + "Content-Length:  2 \r\n\r\n{}");
  EXPECT_FALSE(s.refusal);
  EXPECT_EQ(s.pieces.back(), "{}");
}

TEST(RequestFraming, ABodyOverTheLimitIsRefusedFromItsHeaderBeforeAnyOfItArrives) {
  framing_limits limits;
  limits.max_body_bytes = 1000;
  const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: ";
  EXPECT_EQ(status_of(head + "1000\r\n\r\n", limits), 0);
  const auto s = screen(head + "1001\r\n\r\n", 0, limits);
  ASSERT_TRUE(s.refusal);
  EXPECT_EQ(s.refusal->status, 413);
  EXPECT_EQ(s.refusal->code, "request_too_large");
  EXPECT_NE(s.refusal->message.find("MAX_REQUEST_BYTES=1000"), std::string::npos);
  EXPECT_TRUE(s.pieces.empty());
  // The largest number 19 digits hold is still a number: too large, not malformed.
  EXPECT_EQ(status_of(head + "9999999999999999999\r\n\r\n", limits), 413);
}

TEST(RequestFraming, TransferEncodingIsRefused) {
  const std::string head = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n";
  const auto chunked = screen(head + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
  ASSERT_TRUE(chunked.refusal);
  EXPECT_EQ(chunked.refusal->status, 411);
  EXPECT_EQ(chunked.refusal->code, "length_required");
  EXPECT_EQ(status_of(head + "Transfer-Encoding: gzip\r\n\r\n"), 411);
  // Both framings at once is how requests are smuggled past proxies (RFC 9112 §6.1).
  EXPECT_EQ(status_of(head + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400);
}

TEST(RequestFraming, AHeadOverTheLimitIsRefusedWithoutKeepingMoreOfIt) {
  framing_limits limits;
  limits.max_head_bytes = 100;
  EXPECT_EQ(status_of("GET /health HTTP/1.1\r\nX: " + std::string(60, 'a') + "\r\n\r\n", limits), 0);
  EXPECT_EQ(status_of("GET /health HTTP/1.1\r\nX: " + std::string(200, 'a') + "\r\n\r\n", limits), 431);
  EXPECT_EQ(status_of("GET /" + std::string(5000, 'a'), limits), 431);  // no line end at all
}

TEST(RequestFraming, AfterARefusalEveryByteIsDroppedAndCounted) {
  request_framing f({}, {});
  int forwarded = 0;
  auto count = [&](std::string_view) { ++forwarded; };
  ASSERT_TRUE(f.feed("GARBAGE\r\nmore", count));
  EXPECT_TRUE(f.refused());
  EXPECT_EQ(f.dropped(), 4u);  // "more"
  EXPECT_FALSE(f.feed(kGet, count));
  EXPECT_EQ(f.dropped(), 4u + kGet.size());
  EXPECT_EQ(forwarded, 0);
}

TEST(RequestFraming, ARequestRefusedAfterValidOnesLeavesTheEarlierOnesForwarded) {
  const auto s = screen(kGet + kPost + "GARBAGE\r\n\r\n");
  ASSERT_TRUE(s.refusal);
  EXPECT_EQ(s.forwarded(), kGet + kPost);
}

TEST(RequestFraming, HeaderValuesGoToTheCheckAsPistacheReadsThem) {
  std::vector<std::pair<std::string, std::string>> seen;
  header_value_check check = [&](std::string_view name, std::string_view value) -> std::optional<std::string> {
    seen.emplace_back(name, value);
    if (value == "bad ") return std::string("cannot read it");
    return std::nullopt;
  };
  const auto ok = screen("GET /health HTTP/1.1\r\nHost:  x\r\nContent-Length: 0\r\n\r\n", 0, {}, check);
  EXPECT_FALSE(ok.refusal);
  ASSERT_EQ(seen.size(), 1u);  // Content-Length is the screen's own
  EXPECT_EQ(seen[0].first, "Host");
  EXPECT_EQ(seen[0].second, "x");
  const auto bad = screen("GET /health HTTP/1.1\r\nContent-Type: bad \r\n\r\n", 0, {}, check);
  ASSERT_TRUE(bad.refusal);
  EXPECT_EQ(bad.refusal->status, 400);
  EXPECT_NE(bad.refusal->message.find("Content-Type"), std::string::npos);
  EXPECT_NE(bad.refusal->message.find("cannot read it"), std::string::npos);
}

}  // namespace
