// Stored events: format 3 round-trips every field; older formats are read, never written.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/event_codec.hpp"

using namespace vlserve::actors;

TEST(EventCodec, FormatThreeRoundTripsEveryField) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  stream_event ev;
  ev.index = 41;
  ev.role = "assistant";
  ev.reasoning = "r";
  ev.content = "c";
  ev.tool_calls.push_back({1, "call_x", "f", "{}"});
  ev.logprobs.push_back({"t", -0.5f, {"t"}, {-0.5f}});
  ev.finish_reason = finish::error;
  ev.usage = {1, 2, 3, 4};
  ev.error = failure::node_lost;
  ev.error_message = "gone";
  ev.final = true;
  const std::string bytes = encode_event(sys, ev);
  EXPECT_EQ(bytes.substr(0, 4), std::string("VLE") + char(3));
  const stream_event back = decode_event(sys, bytes);
  EXPECT_EQ(back.index, 41u);
  EXPECT_EQ(back.finish_reason, finish::error);
  EXPECT_EQ(back.error, failure::node_lost);
  EXPECT_EQ(back.error_message, "gone");
  EXPECT_EQ(back.usage.cached_tokens, 4);
  EXPECT_EQ(back.tool_calls.at(0).name, "f");
  EXPECT_TRUE(back.final);
}

TEST(EventCodec, UnknownEnumValuesAreRefused) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  stream_event ev;
  ev.finish_reason = finish(200);
  EXPECT_THROW(decode_event(sys, encode_event(sys, ev)), std::runtime_error);
}

TEST(EventCodec, SessionFlagsInBothFormats) {
  session_info info;
  info.include_usage = true;
  info.logprobs = false;
  EXPECT_EQ(encode_session_flags(info), "v2;include_usage=1;logprobs=0");
  session_info back;
  decode_session_flags(encode_session_flags(info), back);
  EXPECT_TRUE(back.include_usage);
  EXPECT_FALSE(back.logprobs);
  decode_session_flags("v1 usage=0 logprobs=1", back);
  EXPECT_FALSE(back.include_usage);
  EXPECT_TRUE(back.logprobs);
  // Whole fields only: "xusage=1" is not "usage=1" (format 1 used to match substrings).
  decode_session_flags("v1 xusage=1", back);
  EXPECT_FALSE(back.include_usage);
  decode_session_flags("v2;include_usage=1;future_flag=7", back);
  EXPECT_TRUE(back.include_usage);
}
