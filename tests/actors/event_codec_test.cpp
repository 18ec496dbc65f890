// Stored events: format 4 round-trips every field, the choice index of n > 1 events included;
// older formats are read (as choice 0), never written.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/event_codec.hpp"

using namespace vlserve::actors;

TEST(EventCodec, FormatFourRoundTripsEveryField) {
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
  ev.choice = 2;
  const std::string bytes = encode_event(sys, ev);
  EXPECT_EQ(bytes.substr(0, 4), std::string("VLE") + char(4));
  const stream_event back = decode_event(sys, bytes);
  EXPECT_EQ(back.index, 41u);
  EXPECT_EQ(back.finish_reason, finish::error);
  EXPECT_EQ(back.error, failure::node_lost);
  EXPECT_EQ(back.error_message, "gone");
  EXPECT_EQ(back.usage.cached_tokens, 4);
  EXPECT_EQ(back.tool_calls.at(0).name, "f");
  EXPECT_TRUE(back.final);
  EXPECT_EQ(back.choice, 2);
}

namespace {

// Format 3 as the release before n > 1 wrote it: format 4 without the choice.
struct format3_event {
  stream_event ev;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, format3_event& r) {
  stream_event& x = r.ev;
  return f(caf::meta::type_name("stream_event"), x.index, x.role, x.reasoning, x.content, x.tool_calls,
           x.logprobs, x.finish_reason, x.usage, x.error, x.error_message, x.usage_only, x.final);
}

}  // namespace

TEST(EventCodec, FormatThreeRecordsReadAsChoiceZero) {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  format3_event old;
  old.ev.index = 7;
  old.ev.content = "hello";
  old.ev.finish_reason = finish::length;
  old.ev.usage = {10, 3, 1, 4};
  old.ev.final = true;
  old.ev.choice = 5;  // not written by format 3
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  ASSERT_FALSE(sink(old));
  const auto back = decode_event(sys, std::string("VLE") + char(3) + std::string(buf.begin(), buf.end()));
  EXPECT_EQ(back.choice, 0);
  EXPECT_EQ(back.index, 7u);
  EXPECT_EQ(back.content, "hello");
  EXPECT_EQ(back.finish_reason, finish::length);
  EXPECT_EQ(back.usage.cached_tokens, 4);
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
  info.choices = 3;
  EXPECT_EQ(encode_session_flags(info), "v2;include_usage=1;logprobs=0;n=3");
  session_info back;
  decode_session_flags(encode_session_flags(info), back);
  EXPECT_TRUE(back.include_usage);
  EXPECT_FALSE(back.logprobs);
  EXPECT_EQ(back.choices, 3);
  decode_session_flags("v2;include_usage=0;logprobs=0", back);  // written before n > 1
  EXPECT_EQ(back.choices, 1);
  decode_session_flags("v1 usage=0 logprobs=1", back);
  EXPECT_FALSE(back.include_usage);
  EXPECT_TRUE(back.logprobs);
  // Whole fields only: "xusage=1" is not "usage=1" (format 1 used to match substrings).
  decode_session_flags("v1 xusage=1", back);
  EXPECT_FALSE(back.include_usage);
  decode_session_flags("v2;include_usage=1;future_flag=7", back);
  EXPECT_TRUE(back.include_usage);
}
