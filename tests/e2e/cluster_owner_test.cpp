// Three symmetric nodes on loopback: B lists A, C lists A only, yet all three end up joined to one
// another (membership spreads through A's gate). A session lives on the node that took its
// request; info, a resume and a cancel sent to any other node reach the owner through CAF (a
// node that does not know an id asks its peers' registries once, then remembers the owner), so
// a client behind a round-robin load balancer never notices. The netns test repeats this across
// network namespaces with kill -9 (tests/e2e_py/cluster_netns_test.py).
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <thread>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

constexpr const char* kSecret = "e2e-owner-secret-0123456789";

std::string long_stream(const std::string& id, int max_tokens) {
  return R"({"messages":[{"role":"user","content":"Write a long story."}],"temperature":0,"stream":true,)"
         R"("logit_bias":{"151643":-100,"151645":-100},"max_tokens":)" +
         std::to_string(max_tokens) + R"(,"session_id":")" + id + R"("})";
}

std::map<std::string, std::string> node_env(uint16_t cluster_port, const std::string& peers) {
  std::map<std::string, std::string> env{{"CLUSTER_PORT", std::to_string(cluster_port)}, {"CLUSTER_SECRET", kSecret}};
  if (!peers.empty()) env["CLUSTER_PEERS"] = peers;
  return env;
}

bool wait_for_peers(const e2e_server& node, int peers) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (metric(node.port(), "vlserve_cluster_peers") != peers && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return metric(node.port(), "vlserve_cluster_peers") == peers;
}

class ClusterOwner : public ::testing::Test {
 protected:
  static uint16_t cluster_port_a() { return cluster_a_; }
  static void SetUpTestSuite() {
    const uint16_t ca = cluster_a_ = free_port(), cb = free_port(), cc = free_port();
    a_ = new e2e_server(fresh_dir("owner_a_db"), node_env(ca, ""), "owner_a.log");
    b_ = new e2e_server(fresh_dir("owner_b_db"), node_env(cb, "127.0.0.1:" + std::to_string(ca)), "owner_b.log");
    c_ = new e2e_server(fresh_dir("owner_c_db"), node_env(cc, "127.0.0.1:" + std::to_string(ca)), "owner_c.log");
  }
  static void TearDownTestSuite() {
    delete c_;
    delete b_;
    delete a_;
  }
  static e2e_server* a_;
  static e2e_server* b_;
  static e2e_server* c_;
  static uint16_t cluster_a_;
};
uint16_t ClusterOwner::cluster_a_ = 0;
e2e_server* ClusterOwner::a_ = nullptr;
e2e_server* ClusterOwner::b_ = nullptr;
e2e_server* ClusterOwner::c_ = nullptr;

}  // namespace

TEST_F(ClusterOwner, EveryNodeJoinsEveryOtherFromOneAddress) {
  EXPECT_TRUE(wait_for_peers(*a_, 2)) << a_->log();
  EXPECT_TRUE(wait_for_peers(*b_, 2)) << "B learned C through A's gate\n" << b_->log();
  EXPECT_TRUE(wait_for_peers(*c_, 2)) << "C learned B through A's gate\n" << c_->log();
}

TEST_F(ClusterOwner, AnyNodeAnswersForASessionItDoesNotOwn) {
  ASSERT_TRUE(wait_for_peers(*a_, 2) && wait_for_peers(*b_, 2) && wait_for_peers(*c_, 2));
  // A stream taken by B; the client drops after 5 events.
  std::vector<sse_event> seen;
  {
    sse_stream s(b_->port(), "POST", "/v1/chat/completions", long_stream("owned-by-b", 200));
    ASSERT_EQ(s.status(), 200);
    for (int i = 0; i < 5; ++i) seen.push_back(s.next().value());
  }
  // C answers for it (through B) and resumes it from the last event the client saw, to the end.
  const auto info = http_request(c_->port(), "GET", "/v1/sessions/owned-by-b");
  EXPECT_EQ(info.status, 200) << info.body << c_->log();
  EXPECT_NE(info.body.find("owned-by-b"), std::string::npos) << info.body;
  sse_stream resumed(c_->port(), "GET", "/v1/sessions/owned-by-b/events", {}, {{"Last-Event-ID", seen.back().id}});
  ASSERT_EQ(resumed.status(), 200);
  for (auto& e : resumed.rest(60000)) seen.push_back(std::move(e));
  EXPECT_EQ(stream_problem(seen, false), "") << "no gap or duplicate across the two nodes";
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(view_chunk(seen[seen.size() - 2].data).finish_reason, "length");
  // Exactly the owner's log, replayed from a third node as from the owner.
  sse_stream replay_owner(b_->port(), "GET", "/v1/sessions/owned-by-b/events");
  const auto log = replay_owner.rest(30000);
  sse_stream replay_a(a_->port(), "GET", "/v1/sessions/owned-by-b/events");
  const auto via_a = replay_a.rest(30000);
  ASSERT_EQ(log.size(), seen.size());
  ASSERT_EQ(via_a.size(), log.size());
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].data, seen[i].data) << "event " << i;
    EXPECT_EQ(via_a[i].id, log[i].id) << "event " << i;
    EXPECT_EQ(via_a[i].data, log[i].data) << "event " << i;
  }
}

TEST_F(ClusterOwner, AClientChosenIdIsTakenClusterWide) {
  ASSERT_TRUE(wait_for_peers(*a_, 2) && wait_for_peers(*b_, 2));
  const auto first = http_request(b_->port(), "POST", "/v1/chat/completions", long_stream("taken-on-b", 4));
  ASSERT_EQ(first.status, 200) << first.body;
  // The same id at another node: the peers are asked, and the id is taken.
  const auto again = http_request(a_->port(), "POST", "/v1/chat/completions", long_stream("taken-on-b", 4));
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(again.body.find("session_exists"), std::string::npos) << again.body;
}

TEST_F(ClusterOwner, ACancelSentToAnotherNodeStopsTheOwnersStream) {
  ASSERT_TRUE(wait_for_peers(*a_, 2) && wait_for_peers(*c_, 2));
  sse_stream running(c_->port(), "POST", "/v1/chat/completions", long_stream("cancel-via-a", 8000));
  ASSERT_EQ(running.status(), 200);
  std::vector<sse_event> events{running.next().value()};
  const auto cancel = http_request(a_->port(), "POST", "/v1/cancel/cancel-via-a");
  EXPECT_EQ(cancel.status, 200) << cancel.body;
  for (auto& e : running.rest(30000)) events.push_back(std::move(e));
  EXPECT_EQ(stream_problem(events, false), "");
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(view_chunk(events[events.size() - 2].data).finish_reason, "cancelled");
}

TEST_F(ClusterOwner, AnIdNobodyHasIs404Everywhere) {
  ASSERT_TRUE(wait_for_peers(*a_, 2));
  EXPECT_EQ(http_request(b_->port(), "GET", "/v1/sessions/nobody-has-this").status, 404);
  EXPECT_EQ(http_request(a_->port(), "POST", "/v1/cancel/nobody-has-this").status, 404);
  sse_stream s(c_->port(), "GET", "/v1/sessions/nobody-has-this/events");
  EXPECT_EQ(s.status(), 404);
}

// Last: a fourth node that stops while a client reads another node's session through it. Its
// relay must not hold up the shutdown (the actor system waits for every actor it runs): the node
// stops within issue 13's 5 s. (Relays stop with the registry; without that the node always sat
// out the 4 s exit timer. One fresh-clone run still took 4.06 s, cause not found: TODO.md.)
TEST_F(ClusterOwner, ANodeRelayingAStreamStopsWithinFiveSeconds) {
  ASSERT_TRUE(wait_for_peers(*a_, 2) && wait_for_peers(*b_, 2));
  e2e_server d(fresh_dir("owner_d_db"), node_env(free_port(), "127.0.0.1:" + std::to_string(cluster_port_a())),
               "owner_d.log");
  ASSERT_TRUE(wait_for_peers(d, 3)) << d.log();
  sse_stream owned(b_->port(), "POST", "/v1/chat/completions", long_stream("relayed-at-shutdown", 8000));
  ASSERT_EQ(owned.status(), 200);
  const auto first = owned.next().value();
  sse_stream relayed(d.port(), "GET", "/v1/sessions/relayed-at-shutdown/events", {}, {{"Last-Event-ID", first.id}});
  ASSERT_EQ(relayed.status(), 200);
  ASSERT_TRUE(relayed.next().has_value()) << d.log();
  const auto t0 = std::chrono::steady_clock::now();
  d.process().signal(SIGTERM);
  const auto rc = d.process().wait_for_exit(10000);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(rc.has_value()) << "D did not stop within 10 s\n" << d.log();
  EXPECT_LT(seconds, 5.0) << d.log();
  // The owner's stream goes on for its own client.
  EXPECT_TRUE(owned.next().has_value());
  EXPECT_EQ(http_request(b_->port(), "POST", "/v1/cancel/relayed-at-shutdown").status, 200);
}
