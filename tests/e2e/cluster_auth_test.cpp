// The cluster port against a hand-written CAF client, as an attacker or a broken peer would use it:
// without CLUSTER_SECRET the node's gate gives nothing away and takes no job; with it, a job
// carrying token id 999999999 is refused alone (400) while an HTTP stream on that node finishes.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "actors/atoms.hpp"
#include "actors/cluster_gate.hpp"
#include "actors/messages.hpp"
#include "actors/protocol.hpp"
#include "actors/remote_job.hpp"
#include "model/checkpoint/model_fingerprint.hpp"
#include "tests/e2e/e2e_server.hpp"
#include "tests/support/http_client.hpp"

using namespace vlserve::testing;
namespace actors = vlserve::actors;

namespace {

constexpr const char* kSecret = "e2e-cluster-secret-0123456789";

struct client_config : caf::actor_system_config {
  client_config() {
    load<caf::io::middleman>();
    add_message_type<actors::remote_job>("vl_remote_job");
    add_message_type<actors::stream_event>("stream_event");
    add_message_type<actors::session_actor>("vl_session_actor");
    add_message_type<actors::model_worker_actor>("vl_worker_actor");
    add_message_type<actors::gate_hello>("vl_gate_hello");
    add_message_type<actors::gate_welcome>("vl_gate_welcome");
    add_message_type<actors::registry_peer_actor>("vl_registry_peer_actor");
    add_message_type<actors::session_relay_actor>("vl_session_relay_actor");
    add_message_type<actors::session_info>("vl_session_info");
  }
};

// What a joining node brings to the gate: a worker and a registry that do nothing (this client
// only needs the door), and the fixture model's real fingerprint, which the gate compares.
actors::model_worker_actor::behavior_type idle_worker() {
  return {
      [](actors::vl_admit_atom, const actors::generation_job&, const actors::session_actor&) {},
      [](actors::vl_admit_atom, const actors::remote_job&, const actors::session_actor&) {},
      [](actors::vl_fingerprint_atom) { return std::string(); },
      [](actors::vl_cancel_atom, const std::string&) {},
      [](actors::vl_step_atom) {},
  };
}
actors::registry_peer_actor::behavior_type idle_registry() {
  return {
      [](actors::vl_lookup_atom, const std::string&) { return false; },
      [](actors::vl_subscribe_atom, const std::string&, const actors::session_relay_actor&, uint64_t) {},
      [](actors::vl_cancel_atom, const std::string&) -> caf::result<actors::session_info> { return caf::sec::runtime_error; },
      [](actors::vl_info_atom, const std::string&) -> caf::result<actors::session_info> { return caf::sec::runtime_error; },
  };
}

class ClusterAuth : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = free_port();
    node_ = std::make_unique<e2e_server>(fresh_dir("cluster_auth_db"),
                                         std::map<std::string, std::string>{{"CLUSTER_PORT", std::to_string(port_)},
                                                                            {"CLUSTER_SECRET", kSecret}},
                                         "cluster_auth.log");
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    auto gate = sys_->middleman().remote_actor<actors::cluster_gate_actor>("127.0.0.1", port_);
    ASSERT_TRUE(gate) << sys_->render(gate.error());
    gate_ = *gate;
  }
  void TearDown() override {
    // The doubles never quit on their own, and the system waits for every actor it runs.
    if (worker_) caf::anon_send_exit(worker_, caf::exit_reason::user_shutdown);
    if (registry_) caf::anon_send_exit(registry_, caf::exit_reason::user_shutdown);
    gate_ = nullptr;
    sys_.reset();
  }
  // The gate without its interface, so the test can send what a typed peer could not.
  caf::actor raw_gate() const { return caf::actor_cast<caf::actor>(gate_); }
  std::optional<actors::gate_welcome> join(const std::string& secret, std::string& why) {
    actors::gate_hello hello;
    hello.fingerprint = vlserve::model::model_fingerprint(fixtures_dir() + "/qwen3vl-tiny/model");
    hello.worker = worker_ = sys_->spawn(idle_worker);
    hello.registry = registry_ = sys_->spawn(idle_registry);
    return actors::pass_cluster_gate(*sys_, gate_, secret, hello, why);
  }
  actors::model_worker_actor worker_;
  actors::registry_peer_actor registry_;
  uint16_t port_ = 0;
  std::unique_ptr<e2e_server> node_;
  client_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  actors::cluster_gate_actor gate_;
};

// A stand-in for a peer's session: records what the worker sends back.
struct recorded {
  std::promise<actors::stream_event> final_event;
};

caf::behavior recording_session(caf::event_based_actor* self, std::shared_ptr<recorded> out) {
  return {
      [=](actors::vl_event_atom, const actors::stream_event& ev) {
        if (ev.finish_reason != actors::finish::none) {
          out->final_event.set_value(ev);
          self->quit();
        }
      },
      [](actors::vl_queued_atom) {},
  };
}

}  // namespace

TEST_F(ClusterAuth, WithoutTheSecretTheGateGivesNothingAway) {
  std::string why;
  EXPECT_FALSE(join("not-the-secret-at-all", why));
  EXPECT_NE(why.find("wrong cluster secret"), std::string::npos) << why;
  caf::scoped_actor self{*sys_};
  // A proof with no challenge before it, and a job sent to the gate itself: both refused.
  bool refused = false;
  self->request(raw_gate(), std::chrono::seconds(5), actors::vl_hello_atom::value, actors::gate_hello{})
      .receive([&](const actors::gate_welcome&) {}, [&](const caf::error&) { refused = true; });
  EXPECT_TRUE(refused);
  actors::remote_job job;
  job.session_id = "forged";
  job.prompt_ids = {1, 2, 3};
  job.max_tokens = 2;
  refused = false;
  self->request(raw_gate(), std::chrono::seconds(5), actors::vl_admit_atom::value, job, caf::actor{})
      .receive([&]() {}, [&](const caf::error&) { refused = true; });
  EXPECT_TRUE(refused);
  EXPECT_EQ(metric(node_->port(), "vlserve_steps_total"), 0) << "the node generated for a forged peer";
  EXPECT_NE(node_->log().find("wrong CLUSTER_SECRET"), std::string::npos);
  EXPECT_EQ(node_->log().find(kSecret), std::string::npos) << "the secret reached the log";
}

TEST_F(ClusterAuth, ABadJobFromAMemberIsRefusedAloneWhileAStreamFinishes) {
  std::string why;
  const auto welcome = join(kSecret, why);
  ASSERT_TRUE(welcome) << why;
  const actors::model_worker_actor worker = welcome->worker;
  // Nodes are symmetric, so the node now places requests on this client's idle worker too; it
  // leaves, and the node stops using it (the node's registry monitors it), before the stream.
  // The gate answers first and hands the joiner to its registry after, so the gauge may lag a moment.
  const auto joined = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metric(node_->port(), "vlserve_cluster_peers") != 1 && std::chrono::steady_clock::now() < joined)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(metric(node_->port(), "vlserve_cluster_peers"), 1);
  caf::anon_send_exit(worker_, caf::exit_reason::user_shutdown);
  worker_ = nullptr;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (metric(node_->port(), "vlserve_cluster_peers") != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(metric(node_->port(), "vlserve_cluster_peers"), 0);

  const std::string body =
      R"({"messages":[{"role":"user","content":"Write a long story."}],"max_tokens":300,"temperature":0,)"
      R"("stream":true,"logit_bias":{"151643":-100,"151645":-100},"session_id":"beside"})";
  sse_stream stream(node_->port(), "POST", "/v1/chat/completions", body);
  ASSERT_EQ(stream.status(), 200);
  std::vector<sse_event> events{stream.next().value()};

  actors::remote_job job;
  job.session_id = "peer-bad-token";
  job.prompt_ids = {151644, 999999999, 198};
  job.max_tokens = 4;
  job.temperature = 0;
  auto out = std::make_shared<recorded>();
  auto result = out->final_event.get_future();
  auto session = sys_->spawn(recording_session, out);
  // As a peer's session would: from a named sender on the node that passed the gate.
  caf::scoped_actor self{*sys_};
  self->send(worker, actors::vl_admit_atom::value, job, caf::actor_cast<actors::session_actor>(session));
  ASSERT_EQ(result.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const auto ev = result.get();
  EXPECT_EQ(ev.finish_reason, actors::finish::error);
  EXPECT_EQ(ev.error, actors::failure::bad_request);
  EXPECT_NE(ev.error_message.find("outside the vocabulary"), std::string::npos) << ev.error_message;

  for (auto& e : stream.rest(30000)) events.push_back(std::move(e));
  EXPECT_EQ(stream_problem(events, false), "");
  EXPECT_EQ(view_chunk(events[events.size() - 2].data).finish_reason, "length");
}
