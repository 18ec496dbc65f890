// The registry's prefix-affinity table: keys only for long prompts, the first kPrefixTokens
// tokens decide, least recently used entries go first, a departed worker's entries go with it.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/prefix_affinity.hpp"

using vlserve::actors::prefix_affinity;

namespace {

std::vector<int32_t> prompt(size_t n, int32_t salt) {
  std::vector<int32_t> p(n);
  for (size_t i = 0; i < n; ++i) p[i] = int32_t(i % 1000) + salt;
  return p;
}

struct affinity_fixture : ::testing::Test {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::actor a = sys.spawn([] { return caf::behavior{[](int) {}}; });
  caf::actor b = sys.spawn([] { return caf::behavior{[](int) {}}; });
  void TearDown() override {
    caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  }
};

}  // namespace

TEST(PrefixAffinityKey, OnlyLongPromptsAndOnlyTheirOpeningCounts) {
  EXPECT_FALSE(prefix_affinity::key_of(prompt(prefix_affinity::kPrefixTokens - 1, 0)));
  const auto turn1 = prompt(prefix_affinity::kPrefixTokens + 40, 0);
  auto turn2 = turn1;
  turn2.insert(turn2.end(), {7, 8, 9, 10});  // the history, then the next user message
  ASSERT_TRUE(prefix_affinity::key_of(turn1));
  EXPECT_EQ(prefix_affinity::key_of(turn1), prefix_affinity::key_of(turn2));
  EXPECT_NE(prefix_affinity::key_of(turn1), prefix_affinity::key_of(prompt(prefix_affinity::kPrefixTokens, 1)));
}

TEST_F(affinity_fixture, RemembersTheLastWorkerAndForgetsADepartedOne) {
  prefix_affinity t;
  t.remember(1, a.address());
  t.remember(2, b.address());
  EXPECT_EQ(t.find(1), a.address());
  t.remember(1, b.address());  // served elsewhere since: that node holds it now
  EXPECT_EQ(t.find(1), b.address());
  t.forget_worker(b.address());
  EXPECT_FALSE(t.find(1));
  EXPECT_FALSE(t.find(2));
  EXPECT_EQ(t.size(), 0u);
}

TEST_F(affinity_fixture, BoundedLeastRecentlyUsedFirst) {
  prefix_affinity t;
  for (uint64_t k = 0; k < prefix_affinity::kMaxEntries; ++k) t.remember(k, a.address());
  ASSERT_TRUE(t.find(0));  // 0 is now the most recently used
  t.remember(prefix_affinity::kMaxEntries, b.address());
  EXPECT_EQ(t.size(), prefix_affinity::kMaxEntries);
  EXPECT_TRUE(t.find(0));
  EXPECT_FALSE(t.find(1)) << "the least recently used entry goes first";
  EXPECT_EQ(t.find(prefix_affinity::kMaxEntries), b.address());
}
