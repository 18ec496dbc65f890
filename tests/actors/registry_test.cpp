// The registry on the deterministic scheduler: a session that dies of an exception must not take
// the registry (and with it every other session) down; a second session still works afterwards.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/atoms.hpp"
#include "actors/registry.hpp"
#include "actors/remote_job.hpp"
#include "tests/actors/recording_sink.hpp"

using namespace vlserve::actors;
using vlserve::testing::recording_sink;

namespace {

// A client whose connection handling throws on the first event (a bug the session cannot survive).
class throwing_sink : public event_sink {
 public:
  void attach(const session_info&) override {}
  bool deliver(const stream_event&) override { throw std::runtime_error("sink exploded"); }
  void close(failure, const std::string&) override {}
};

// Answers every admission with one content event and a finish, as a worker would.
model_worker_actor::behavior_type echo_worker(model_worker_actor::pointer self) {
  return {
      [=](vl_admit_atom, const generation_job&, const session_actor& session) {
        stream_event text;
        text.content = "hello";
        self->send(session, vl_event_atom::value, text);
        stream_event done;
        done.finish_reason = finish::stop;
        self->send(session, vl_event_atom::value, done);
      },
      [](vl_admit_atom, const remote_job&, const session_actor&) {},
      [](vl_fingerprint_atom) { return std::string("echo"); },
      [](vl_cancel_atom, const std::string&) {},
      [](vl_step_atom) {},
  };
}

session_info info_for(const std::string& id) {
  session_info info;
  info.id = id;
  info.model = "m";
  return info;
}

}  // namespace

TEST(Registry, SurvivesASessionThatFails) {
  caf::actor_system_config cfg;
  cfg.set("scheduler.policy", caf::atom("testing"));
  caf::actor_system sys{cfg};
  auto& sched = dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler());
  auto worker = sys.spawn(echo_worker);
  registry_config rc;
  rc.worker = worker;
  auto registry = spawn_registry(sys, rc);
  bool registry_down = false;
  auto watcher = sys.spawn([&](caf::event_based_actor* self) -> caf::behavior {
    self->monitor(registry);
    self->set_down_handler([&](const caf::down_msg&) { registry_down = true; });
    return {[](int) {}};
  });

  caf::anon_send(registry, vl_create_atom::value, info_for("bad"), generation_job{"bad", nullptr},
                 sink_ptr(std::make_shared<throwing_sink>()));
  sched.run();
  EXPECT_FALSE(registry_down) << "a failing session took the registry down";

  auto good = std::make_shared<recording_sink>();
  caf::anon_send(registry, vl_create_atom::value, info_for("good"), generation_job{"good", nullptr}, sink_ptr(good));
  sched.run();
  ASSERT_EQ(good->events().size(), 2u);
  EXPECT_EQ(good->events()[0].content, "hello");
  EXPECT_EQ(good->events()[1].finish_reason, finish::stop);
  EXPECT_EQ(good->closes(), 1);

  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  registry = nullptr;
  worker = nullptr;
  watcher = nullptr;
  rc.worker = nullptr;
  sched.run();
  // Pending timers (the finished session's linger) fire now, so nothing is left waiting.
  sched.advance_time(std::chrono::hours(1));
  sched.run();
}
