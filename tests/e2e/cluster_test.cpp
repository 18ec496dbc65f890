// Real `vlserve serve` processes joined as one CAF cluster on loopback: nodes B and C publish their
// model workers on CLUSTER_PORT, node A lists both in CLUSTER_PEERS. C serves a different model (a
// copy of the fixture with another config.json), so A refuses it. Text requests sent to A go to
// the less busy of A's worker and B's, taking turns when both are idle (each node's own token
// counter proves where it generated), with the same greedy output either way; when B dies, the stream it served ends with an error event and [DONE], and A
// goes on serving alone.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_server.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;

namespace {

constexpr const char* kSecret = "e2e-cluster-secret-0123456789";

std::string greedy_text(int max_tokens, bool stream, const std::string& session_id = {}) {
  auto body = with_field(fixture_request("text_single"), "max_tokens", std::to_string(max_tokens));
  body = with_field(body, "temperature", "0");
  if (stream) body = with_field(body, "stream", "true");
  if (!session_id.empty()) body = with_field(body, "session_id", "\"" + session_id + "\"");
  return body;
}

class Cluster : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const uint16_t port_b = free_port(), port_c = free_port(), port_d = free_port();
    node_b_ = new e2e_server(fresh_dir("cluster_b_db"),
                             {{"CLUSTER_PORT", std::to_string(port_b)}, {"CLUSTER_HOST", "127.0.0.1"},
                              {"CLUSTER_SECRET", kSecret}},
                             "cluster_b.log");
    // Same weights and tokenizer, another config.json: a different model as far as A can tell.
    const std::string other_model = fresh_dir("cluster_c_model") + "/model";
    std::filesystem::copy(fixtures_dir() + "/qwen3vl-tiny/model", other_model);
    std::ofstream(other_model + "/config.json", std::ios::app) << "\n";
    node_c_ = new e2e_server(fresh_dir("cluster_c_db"),
                             {{"CLUSTER_PORT", std::to_string(port_c)}, {"MODEL_REPO_ID", other_model},
                              {"CLUSTER_SECRET", kSecret}},
                             "cluster_c.log");
    // D serves the same model but was given another secret: it must not let A in.
    node_d_ = new e2e_server(fresh_dir("cluster_d_db"),
                             {{"CLUSTER_PORT", std::to_string(port_d)}, {"CLUSTER_SECRET", "another-secret-0123456789"}},
                             "cluster_d.log");
    node_a_ = new e2e_server(fresh_dir("cluster_a_db"),
                             {{"CLUSTER_PEERS", "127.0.0.1:" + std::to_string(port_b) + ",127.0.0.1:" +
                                                    std::to_string(port_c) + ",127.0.0.1:" + std::to_string(port_d)},
                              {"CLUSTER_SECRET", kSecret}},
                             "cluster_a.log");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while ((metric(node_a_->port(), "vlserve_cluster_peers") < 1 ||
            node_a_->log().find("serves a different model") == std::string::npos ||
            node_d_->log().find("wrong CLUSTER_SECRET") == std::string::npos) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  static void TearDownTestSuite() {
    delete node_a_;
    delete node_b_;
    delete node_c_;
    delete node_d_;
  }
  static e2e_server* node_a_;
  static e2e_server* node_b_;
  static e2e_server* node_c_;
  static e2e_server* node_d_;
};
e2e_server* Cluster::node_a_ = nullptr;
e2e_server* Cluster::node_b_ = nullptr;
e2e_server* Cluster::node_c_ = nullptr;
e2e_server* Cluster::node_d_ = nullptr;

TEST_F(Cluster, APeerServingAnotherModelIsRefused) {
  EXPECT_NE(node_a_->log().find("serves a different model"), std::string::npos) << node_a_->log();
  EXPECT_EQ(metric(node_a_->port(), "vlserve_cluster_peers"), 1);  // B only
}

TEST_F(Cluster, APeerWithAnotherSecretIsRefused) {
  EXPECT_NE(node_d_->log().find("wrong CLUSTER_SECRET"), std::string::npos) << node_d_->log();
  EXPECT_NE(node_a_->log().find("check that both use the same CLUSTER_SECRET"), std::string::npos);
  EXPECT_EQ(metric(node_a_->port(), "vlserve_cluster_peers"), 1) << "only B may join";
  EXPECT_EQ(node_a_->log().find(kSecret), std::string::npos) << "the secret reached the log";
}

TEST_F(Cluster, IdleNodesTakeTurnsWithTheSameGreedyOutput) {
  ASSERT_EQ(metric(node_a_->port(), "vlserve_cluster_peers"), 1) << node_a_->log();
  const double a_before = metric(node_a_->port(), "vlserve_completion_tokens_total");
  const double b_before = metric(node_b_->port(), "vlserve_completion_tokens_total");
  std::vector<std::string> bodies;
  for (int i = 0; i < 2; ++i) {
    const auto r = http_request(node_a_->port(), "POST", "/v1/chat/completions", greedy_text(12, false));
    ASSERT_EQ(r.status, 200) << r.body;
    bodies.push_back(r.body);
  }
  // One completion each: 12 tokens on A's worker, 12 on B's.
  EXPECT_EQ(metric(node_a_->port(), "vlserve_completion_tokens_total") - a_before, 12);
  EXPECT_EQ(metric(node_b_->port(), "vlserve_completion_tokens_total") - b_before, 12);
  const auto message_of = [](const std::string& body) { return body.substr(body.find("\"message\"")); };
  EXPECT_EQ(message_of(bodies[0]).substr(0, 200), message_of(bodies[1]).substr(0, 200));
}

// A conversation's next turns (and chats sharing a long system prompt) go where its prefix is
// cached, even when both nodes are idle and a tie would otherwise rotate.
TEST_F(Cluster, LongPromptsGoBackToTheNodeHoldingTheirPrefix) {
  ASSERT_EQ(metric(node_a_->port(), "vlserve_cluster_peers"), 1) << node_a_->log();
  std::string system_prompt;
  for (int i = 0; i < 120; ++i) system_prompt += "rule " + std::to_string(i) + " applies. ";
  const double a_before = metric(node_a_->port(), "vlserve_completion_tokens_total");
  const double b_before = metric(node_b_->port(), "vlserve_completion_tokens_total");
  std::string history = R"({"role":"system","content":")" + system_prompt + R"("})";
  for (int turn = 0; turn < 3; ++turn) {
    history += R"(,{"role":"user","content":"question )" + std::to_string(turn) + R"("})";
    const auto r = http_request(node_a_->port(), "POST", "/v1/chat/completions",
                                R"({"messages":[)" + history + R"(],"max_tokens":4,"temperature":0})");
    ASSERT_EQ(r.status, 200) << r.body;
    history += R"(,{"role":"assistant","content":"noted"})";
  }
  const double on_a = metric(node_a_->port(), "vlserve_completion_tokens_total") - a_before;
  const double on_b = metric(node_b_->port(), "vlserve_completion_tokens_total") - b_before;
  EXPECT_EQ(on_a + on_b, 12);
  EXPECT_TRUE(on_a == 0 || on_b == 0) << "turns were split: " << on_a << " on A, " << on_b << " on B";
}

// An image request runs on a peer too: the front's tower encodes it, the features travel in the
// job, and the peer's answer is the reference's greedy continuation, like the front's own.
TEST_F(Cluster, ImageRequestsArePlacedOnPeersToo) {
  ASSERT_EQ(metric(node_a_->port(), "vlserve_cluster_peers"), 1) << node_a_->log();
  const auto want = fixture_generated_ids("image_single").size();
  const double a_before = metric(node_a_->port(), "vlserve_completion_tokens_total");
  const double b_before = metric(node_b_->port(), "vlserve_completion_tokens_total");
  const auto body = with_field(fixture_request("image_single"), "logprobs", "false");
  std::vector<std::string> answers;
  for (int i = 0; i < 2; ++i) {  // both nodes idle: the tie rotates, one request each
    const auto r = http_request(node_a_->port(), "POST", "/v1/chat/completions", body, {}, 120000);
    ASSERT_EQ(r.status, 200) << r.body;
    answers.push_back(r.body.substr(r.body.find("\"message\"")));
  }
  EXPECT_EQ(metric(node_a_->port(), "vlserve_completion_tokens_total") - a_before, double(want));
  EXPECT_EQ(metric(node_b_->port(), "vlserve_completion_tokens_total") - b_before, double(want));
  EXPECT_EQ(answers[0].substr(0, 300), answers[1].substr(0, 300));
}

TEST_F(Cluster, NewRequestsGoToTheLessBusyNode) {
  sse_stream long_stream(node_a_->port(), "POST", "/v1/chat/completions", greedy_text(4000, true, "cluster-long"));
  ASSERT_EQ(long_stream.status(), 200);
  ASSERT_TRUE(long_stream.next().has_value());
  // The worker updates its running gauge after the step whose event the client may already hold:
  // wait until exactly one node reports the long stream before deciding which one is busy.
  const auto settle = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (metric(node_a_->port(), "vlserve_running_sequences") + metric(node_b_->port(), "vlserve_running_sequences") != 1 &&
         std::chrono::steady_clock::now() < settle)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const bool long_on_b = metric(node_b_->port(), "vlserve_running_sequences") == 1;
  const uint16_t idle_port = long_on_b ? node_a_->port() : node_b_->port();
  const double idle_before = metric(idle_port, "vlserve_completion_tokens_total");
  for (int i = 0; i < 2; ++i) {
    const auto r = http_request(node_a_->port(), "POST", "/v1/chat/completions", greedy_text(12, false));
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Both short requests ran on the node that was not busy with the long stream (round robin
  // would have sent one of them to the busy node).
  EXPECT_EQ(metric(idle_port, "vlserve_completion_tokens_total") - idle_before, 24);
  EXPECT_EQ(session_state(node_a_->port(), "cluster-long"), "running") << "the long stream ended too early";
  http_request(node_a_->port(), "POST", "/v1/cancel/cluster-long");
  const auto rest = long_stream.rest(15000);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.back().data, "[DONE]");
}

TEST_F(Cluster, LosingThePeerEndsItsStreamWithAnErrorAndTheNodeServesOn) {
  // Two streams: the round robin gives one to each node.
  sse_stream first(node_a_->port(), "POST", "/v1/chat/completions", greedy_text(4000, true, "cluster-1"));
  sse_stream second(node_a_->port(), "POST", "/v1/chat/completions", greedy_text(4000, true, "cluster-2"));
  ASSERT_EQ(first.status(), 200);
  ASSERT_EQ(second.status(), 200);
  ASSERT_TRUE(first.next().has_value());
  ASSERT_TRUE(second.next().has_value());
  node_b_->kill_hard();

  int errors = 0;
  for (auto* s : {&first, &second}) {
    const auto id = s == &first ? "cluster-1" : "cluster-2";
    if (session_state(node_a_->port(), id) == "running") {
      // This one is on A's own worker: stop it (it has thousands of tokens to go).
      http_request(node_a_->port(), "POST", std::string("/v1/cancel/") + id);
    }
    const auto rest = s->rest(15000);
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(rest.back().data, "[DONE]") << id;
    for (const auto& e : rest) {
      if (e.data.find("went away") == std::string::npos) continue;
      ++errors;
      EXPECT_EQ(event_session(e), id) << "the live error event carries its id: " << e.id;
    }
  }
  EXPECT_EQ(errors, 1) << node_a_->log();

  // A alone: the peer is gone from the round robin and requests still succeed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metric(node_a_->port(), "vlserve_cluster_peers") > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(metric(node_a_->port(), "vlserve_cluster_peers"), 0);
  for (int i = 0; i < 2; ++i) {
    const auto r = http_request(node_a_->port(), "POST", "/v1/chat/completions", greedy_text(4, false));
    EXPECT_EQ(r.status, 200) << r.body;
  }
}

}  // namespace
