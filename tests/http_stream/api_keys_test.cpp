// API keys and key-scoped session ids (the HTTP gate's rules, without a server).
#include <gtest/gtest.h>

#include "http/api_keys.hpp"
#include "http/sse.hpp"

using namespace vlserve::http;

TEST(ApiKeys, NoKeysMeansOneAnonymousOwner) {
  api_keyring ring({});
  EXPECT_FALSE(ring.enabled());
  EXPECT_EQ(ring.owner_of(""), std::string());
  EXPECT_EQ(ring.owner_of("Bearer anything"), std::string());
}

TEST(ApiKeys, OnlyAConfiguredBearerKeyPasses) {
  api_keyring ring({"key-a", "key-b"});
  EXPECT_TRUE(ring.enabled());
  const auto a = ring.owner_of("Bearer key-a"), b = ring.owner_of("bearer key-b");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(*a, owner_tag("key-a"));
  for (const char* bad : {"", "Bearer", "Bearer ", "Bearer key-", "Bearer key-a ", "Bearer KEY-A", "Basic key-a",
                          "key-a", "Bearer key-ab"})
    EXPECT_FALSE(ring.owner_of(bad)) << bad;
}

TEST(ApiKeys, OwnerTagsAreStableShortAndSafeInStoreIds) {
  const auto tag = owner_tag("key-a");
  EXPECT_EQ(tag, owner_tag("key-a"));
  EXPECT_EQ(tag.size(), 17u);
  EXPECT_EQ(tag[0], 'k');
  EXPECT_EQ(tag.find("key-a"), std::string::npos);
  // sha256("abc") starts ba7816bf8f01cfea.
  EXPECT_EQ(owner_tag("abc"), "kba7816bf8f01cfea");
}

TEST(ApiKeys, ConstantTimeEqualIsEquality) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("same", "same"));
  EXPECT_FALSE(constant_time_equal("same", "sama"));
  EXPECT_FALSE(constant_time_equal("same", "same-longer"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0", 2), "a"));
}

TEST(ApiKeys, ScopedIdsRoundTripAndKeepClientIdsApart) {
  EXPECT_EQ(scoped_session_id("", "demo"), "demo");
  const auto a = scoped_session_id(owner_tag("key-a"), "demo"), b = scoped_session_id(owner_tag("key-b"), "demo");
  EXPECT_NE(a, b);
  EXPECT_EQ(client_session_id(a), "demo");
  EXPECT_EQ(client_session_id("demo"), "demo");
  // A client id can never hold the separator, so no client id can forge another owner's.
  EXPECT_FALSE(valid_session_id(a));
}
