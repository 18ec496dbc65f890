#include <gtest/gtest.h>

#include <set>

#include "http/request_headers.hpp"
#include "http/sse.hpp"

using namespace vlserve::http;

TEST(Sse, EventFraming) {
  EXPECT_EQ(sse_event("s1", 7, "{\"a\":1}"), "id: s1:7\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(sse_done(), "data: [DONE]\n\n");
}

TEST(Sse, ChunkFraming) {
  EXPECT_EQ(http_chunk("hello"), "5\r\nhello\r\n");
  EXPECT_EQ(http_chunk(std::string(26, 'x')), "1a\r\n" + std::string(26, 'x') + "\r\n");
  EXPECT_EQ(http_last_chunk(), "0\r\n\r\n");
}

TEST(Sse, ParsesLastEventId) {
  auto c = parse_last_event_id("sess-abc:12");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->session_id, "sess-abc");
  EXPECT_EQ(c->index, 12u);
  for (const char* bad : {"", "abc", ":3", "abc:", "abc:-1", "abc:1x", "a b:1", "abc:99999999999999999999999",
                          "abc:18446744073709551616", "abc:+1", "abc: 1", "abc:0x10"})
    EXPECT_FALSE(parse_last_event_id(bad)) << bad;
}

TEST(Sse, TheLargestIndexResumesPastTheEndInsteadOfWrapping) {
  auto c = parse_last_event_id("s:18446744073709551615");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->index, UINT64_MAX);
  EXPECT_EQ(c->next(), UINT64_MAX);
  EXPECT_EQ(parse_last_event_id("s:3")->next(), 4u);
}

TEST(Sse, RetryField) { EXPECT_EQ(sse_retry(), "retry: 3000\n"); }

TEST(Sse, SessionIdRules) {
  EXPECT_TRUE(valid_session_id("my-session_1.a"));
  EXPECT_FALSE(valid_session_id(""));
  EXPECT_FALSE(valid_session_id(std::string(129, 'a')));
  EXPECT_FALSE(valid_session_id("a/b"));
  EXPECT_FALSE(valid_session_id("a:b"));
}

TEST(Sse, NewSessionIdsAreLongRandomAndValid) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const auto id = new_session_id();
    EXPECT_EQ(id.size(), 5u + 32u);  // 128 bits in hex
    EXPECT_TRUE(valid_session_id(id));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(Sse, QueryValuesArePercentDecoded) {
  EXPECT_EQ(percent_decode("sid%3A3"), "sid:3");
  EXPECT_EQ(percent_decode("sid%3a3"), "sid:3");
  EXPECT_EQ(percent_decode("a+b"), "a b");
  EXPECT_EQ(percent_decode("plain:7"), "plain:7");
  EXPECT_EQ(percent_decode("bad%zz%4"), "bad%zz%4");
  EXPECT_EQ(percent_decode("%"), "%");
}
