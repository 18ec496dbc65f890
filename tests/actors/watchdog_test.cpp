// The watchdog on CAF's deterministic scheduler: virtual time, no sleeps.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/atoms.hpp"
#include "actors/watchdog.hpp"

using namespace vlserve::actors;
using namespace std::chrono_literals;

namespace {

// Records the cancels it receives, standing in for a session.
struct cancel_log {
  std::vector<std::string> reasons;
};

// Only the cancel matters here, so it is a dynamically typed actor seen through a session handle.
session_actor recording_session(caf::actor_system& sys, std::shared_ptr<cancel_log> log) {
  auto plain = sys.spawn([log](caf::event_based_actor*) -> caf::behavior {
    return {[=](vl_cancel_atom, const std::string& reason) { log->reasons.push_back(reason); }};
  });
  return caf::actor_cast<session_actor>(plain);
}

struct virtual_time : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;

  void SetUp() override {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.verbosity", caf::atom("quiet"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }
  void TearDown() override {
    sched->run();
    sys.reset();
  }
  // Moves virtual time forward and runs everything that became due.
  void advance(caf::timespan t) {
    sched->advance_time(t);
    sched->run();
  }
};

}  // namespace

TEST_F(virtual_time, CancelsAfterGraceWithNoClient) {
  auto log = std::make_shared<cancel_log>();
  auto session = recording_session(*sys, log);
  auto dog = spawn_watchdog(*sys, {10s});
  caf::anon_send(dog, vl_clients_atom::value, std::string("s1"), session, int32_t(1));
  caf::anon_send(dog, vl_clients_atom::value, std::string("s1"), session, int32_t(0));
  sched->run();
  advance(9s);
  EXPECT_TRUE(log->reasons.empty());
  advance(1s);
  ASSERT_EQ(log->reasons.size(), 1u);
  EXPECT_EQ(log->reasons[0], "disconnect");
  advance(60s);
  EXPECT_EQ(log->reasons.size(), 1u) << "cancels once";
  caf::anon_send_exit(dog, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST_F(virtual_time, ReattachWithinGraceKeepsTheSession) {
  auto log = std::make_shared<cancel_log>();
  auto session = recording_session(*sys, log);
  auto dog = spawn_watchdog(*sys, {10s});
  caf::anon_send(dog, vl_clients_atom::value, std::string("s1"), session, int32_t(0));
  sched->run();
  advance(5s);
  caf::anon_send(dog, vl_clients_atom::value, std::string("s1"), session, int32_t(1));
  sched->run();
  advance(30s);
  EXPECT_TRUE(log->reasons.empty()) << "the stale timer must be ignored";
  // Leaving again starts a fresh grace period.
  caf::anon_send(dog, vl_clients_atom::value, std::string("s1"), session, int32_t(0));
  sched->run();
  advance(9s);
  EXPECT_TRUE(log->reasons.empty());
  advance(1s);
  EXPECT_EQ(log->reasons.size(), 1u);
  caf::anon_send_exit(dog, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST_F(virtual_time, ZeroGraceNeverCancels) {
  auto log = std::make_shared<cancel_log>();
  auto session = recording_session(*sys, log);
  auto dog = spawn_watchdog(*sys, {0s});
  caf::anon_send(dog, vl_clients_atom::value, std::string("s1"), session, int32_t(0));
  sched->run();
  advance(std::chrono::hours(24 * 365));
  EXPECT_TRUE(log->reasons.empty());
  caf::anon_send_exit(dog, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST_F(virtual_time, ForgottenSessionIsNotCancelled) {
  auto log = std::make_shared<cancel_log>();
  auto session = recording_session(*sys, log);
  auto dog = spawn_watchdog(*sys, {1s});
  caf::anon_send(dog, vl_clients_atom::value, std::string("s1"), session, int32_t(0));
  caf::anon_send(dog, vl_forget_atom::value, std::string("s1"));
  sched->run();
  advance(5s);
  EXPECT_TRUE(log->reasons.empty());
  caf::anon_send_exit(dog, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST(WatchdogConfig, NegativeGraceIsRejected) {
  EXPECT_THROW((watchdog_config{std::chrono::seconds(-1)}.validate()), std::invalid_argument);
}
