// Pure encoding rules: session ids, event keys, metadata records, state names.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "store/keys.hpp"
#include "store/meta_codec.hpp"
#include "store/session_id.hpp"
#include "store/store_error.hpp"

namespace vlserve::store {
namespace {

store_errc code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const store_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no store_error thrown";
  return store_errc::io;
}

TEST(SessionId, AcceptsTypicalIds) {
  EXPECT_TRUE(is_valid_session_id("chatcmpl-3f2a9c"));
  EXPECT_TRUE(is_valid_session_id("0b6c1a3e-8f5d-4e7b-9a21-5d2c7e4f9a10"));
  EXPECT_TRUE(is_valid_session_id("a.b_c-D9"));
  EXPECT_TRUE(is_valid_session_id("k0123456789abcdef~demo"));  // an id scoped to an API key
  EXPECT_TRUE(is_valid_session_id(std::string(max_session_id_length, 'x')));
}

TEST(SessionId, RejectsBadIdsWithAClearMessage) {
  for (std::string bad : {std::string(), std::string(max_session_id_length + 1, 'x'), std::string("a:b"),
                          std::string("a b"), std::string("a/b"), std::string("x\0y", 3), std::string("é")}) {
    EXPECT_FALSE(is_valid_session_id(bad)) << bad;
    try {
      validate_session_id(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const store_error& e) {
      EXPECT_EQ(e.code(), store_errc::invalid_argument);
      EXPECT_NE(std::string(e.what()).find("[A-Za-z0-9._-]"), std::string::npos) << e.what();
    }
  }
}

TEST(SessionId, ErrorMessageTruncatesHugeIds) {
  std::string huge(10000, 'z');
  try {
    validate_session_id(huge);
    FAIL();
  } catch (const store_error& e) {
    EXPECT_LT(std::string(e.what()).size(), 300u);
    EXPECT_NE(std::string(e.what()).find("10000 characters"), std::string::npos) << e.what();
  }
}

TEST(EventKeys, ZeroPaddedSoByteOrderIsIndexOrder) {
  EXPECT_EQ(event_key("s", 0), "s:0000000000");
  EXPECT_EQ(event_key("chat-7", 12), "chat-7:0000000012");
  EXPECT_EQ(event_key("s", max_event_index), "s:9999999999");
  for (uint64_t i : {0ull, 9ull, 99ull, 999ull, 123456789ull})
    EXPECT_LT(event_key("s", i), event_key("s", i + 1)) << i;
  // The separator keeps one session's range free of another's keys.
  EXPECT_NE(event_key("chat-70", 0).rfind(event_prefix("chat-7"), 0), 0u);
}

TEST(EventKeys, ParseIndexRoundTripsAndRejectsForeignKeys) {
  EXPECT_EQ(parse_event_index(event_key("s", 4711), "s:"), 4711u);
  EXPECT_FALSE(parse_event_index("t:0000000001", "s:"));
  EXPECT_FALSE(parse_event_index("s:000000001", "s:"));
  EXPECT_FALSE(parse_event_index("s:00000000x1", "s:"));
}

TEST(MetaCodec, RoundTripsEveryField) {
  session_meta meta;
  meta.id = "abc";
  meta.state = session_state::cancelled;
  meta.created_unix = -5;
  meta.updated_unix = 1'760'000'000;
  meta.model = std::string("mo\0del", 6);
  meta.event_count = 1ull << 40;
  session_meta back = decode_meta("abc", encode_meta(meta));
  EXPECT_EQ(back.id, "abc");
  EXPECT_EQ(back.state, session_state::cancelled);
  EXPECT_EQ(back.created_unix, -5);
  EXPECT_EQ(back.updated_unix, 1'760'000'000);
  EXPECT_EQ(back.model, meta.model);
  EXPECT_EQ(back.event_count, 1ull << 40);
  EXPECT_FALSE(back.request);
}

TEST(MetaCodec, DamagedRecordsAreCorruptErrors) {
  std::string good = encode_meta(session_meta{"abc", session_state::running, 1, 2, "m", 3, {}});
  std::string truncated = good.substr(0, good.size() - 1);
  std::string bad_tag = "XSM1" + good.substr(4);
  std::string bad_state = good;
  bad_state[4] = 42;
  for (const std::string& bytes : {truncated, bad_tag, bad_state, std::string("VSM1")}) {
    EXPECT_EQ(code_of([&] { decode_meta("abc", bytes); }), store_errc::corrupt);
  }
  try {
    decode_meta("abc", bad_state);
  } catch (const store_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"abc\""), std::string::npos) << e.what();
  }
}

TEST(SessionStateNames, RoundTripAndTerminality) {
  for (unsigned i = 0; i < 6; ++i) {
    auto state = session_state_from_int(i);
    ASSERT_TRUE(state);
    EXPECT_EQ(parse_session_state(to_string(*state)), state);
  }
  EXPECT_FALSE(session_state_from_int(6));
  EXPECT_FALSE(parse_session_state("done"));
  EXPECT_FALSE(is_terminal(session_state::queued));
  EXPECT_FALSE(is_terminal(session_state::running));
  EXPECT_TRUE(is_terminal(session_state::finished));
  EXPECT_TRUE(is_terminal(session_state::interrupted));
}

}  // namespace
}  // namespace vlserve::store
