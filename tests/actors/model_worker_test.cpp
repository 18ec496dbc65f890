// The model worker on CAF's deterministic scheduler with the tiny fixture model (a real engine,
// handed over through the worker's loader): admission, generation to the end, cancel, a loader
// that fails, and real sessions whose worker dies mid-stream. Scripted sessions stand in where
// only the worker is under test.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <cstdlib>

#include "actors/atoms.hpp"
#include "actors/model_worker.hpp"
#include "actors/remote_job.hpp"
#include "actors/session.hpp"
#include "tests/actors/recording_sink.hpp"

using namespace vlserve::actors;
using vlserve::testing::recording_sink;
namespace model = vlserve::model;

namespace {

std::string fixture_model() { return std::string(std::getenv("VLSERVE_FIXTURES")) + "/qwen3vl-tiny/model"; }

model_loader fixture_loader() {
  return [](const load_progress& progress) {
    progress("loading the fixture", 0.5);
    model::model_load_options o;
    o.engine.max_context = 256;
    return model::load_model(fixture_model(), o);
  };
}

struct received {
  std::vector<stream_event> events;
  int queued = 0;
};

// Stands in for a session: records what the worker sends it.
session_actor::behavior_type recording_session(session_actor::pointer, std::shared_ptr<received> out) {
  return {
      [](vl_admit_atom, const generation_job&) {},
      [=](vl_event_atom, const stream_event& ev) { out->events.push_back(ev); },
      [=](vl_queued_atom) { ++out->queued; },
      [](vl_keepalive_atom) {},
      [](vl_subscribe_atom, const sink_ptr&, uint64_t) {},
      [](vl_unsubscribe_atom, const sink_ptr&) {},
      [](vl_cancel_atom, const std::string&) { return session_info{}; },
      [](vl_info_atom) { return session_info{}; },
      [](vl_interrupt_atom) { return true; },
      [](vl_expire_atom, uint64_t) {},
  };
}

struct worker_fixture : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  service_state state;
  service_metrics metrics;
  assets_holder assets;
  model_worker_actor worker;

  void SetUp() override {
    cfg.set("scheduler.policy", caf::atom("testing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
  }
  void start(model_loader loader = fixture_loader(), std::function<void()> before_step = {}, int max_restarts = 3) {
    worker_config wc;
    wc.loader = std::move(loader);
    wc.before_step = std::move(before_step);
    wc.max_restarts = max_restarts;
    wc.runner.max_batch = 4;
    wc.runner.max_context = 256;
    wc.served_model_name = "tiny";
    worker = spawn_model_worker(*sys, wc, {&state, &metrics, &assets}, false);
    sched->run();
  }
  // A greedy job of `max_tokens` for a prompt of a few tokens.
  generation_job job(const std::string& id, int max_tokens) {
    const auto a = assets.get();
    auto input = std::make_shared<model::sequence_input>();
    input->prompt_ids = a->tok.encode("Count to ten, slowly.");
    input->settings.sampling.temperature = 0;
    input->settings.stop.max_tokens = max_tokens;
    return {id, input};
  }
  // The worker serves only named senders (an anonymous message came from the network).
  template <class... Ts>
  void tell_worker(Ts&&... xs) {
    caf::scoped_actor client{*sys};
    client->send(worker, std::forward<Ts>(xs)...);
  }
  void TearDown() override {
    if (worker) caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
    worker = nullptr;
    sched->run();
    sys.reset();
  }
};

size_t tokens_in(const std::vector<stream_event>& events) {
  size_t n = 0;
  for (const auto& ev : events) n += ev.finish_reason == finish::none ? 1 : 0;
  return n;
}

}  // namespace

TEST_F(worker_fixture, LoadsThroughItsLoaderAndPublishesTheModel) {
  start();
  EXPECT_EQ(state.get().phase, model_phase::ready) << state.get().detail;
  ASSERT_TRUE(assets.get());
  EXPECT_EQ(assets.get()->model_name, "tiny");
  EXPECT_GT(assets.get()->defaults.vocab_size, 0u);
}

TEST_F(worker_fixture, GeneratesAJobToItsEndThenForgetsIt) {
  start();
  auto out = std::make_shared<received>();
  const session_actor session = sys->spawn(recording_session, out);
  tell_worker(vl_admit_atom::value, job("w1", 6), session);
  sched->run();
  EXPECT_EQ(out->queued, 1) << "the session learns its job was accepted";
  ASSERT_FALSE(out->events.empty());
  EXPECT_EQ(out->events.back().finish_reason, finish::length);
  EXPECT_EQ(out->events.back().usage.completion_tokens, 6);
  EXPECT_EQ(metrics.completion_tokens.load(), 6u);
  // The same id may run again once the first finished (the worker forgot it).
  tell_worker(vl_admit_atom::value, job("w1", 2), session);
  sched->run();
  EXPECT_EQ(out->events.back().finish_reason, finish::length);
  EXPECT_EQ(out->events.back().error, failure::none);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST_F(worker_fixture, ACancelEndsTheSequenceCancelled) {
  start();
  auto out = std::make_shared<received>();
  const session_actor session = sys->spawn(recording_session, out);
  tell_worker(vl_admit_atom::value, job("w2", 200), session);
  tell_worker(vl_cancel_atom::value, std::string("w2"));
  sched->run();
  ASSERT_FALSE(out->events.empty());
  EXPECT_EQ(out->events.back().finish_reason, finish::cancelled);
  EXPECT_LT(tokens_in(out->events), 200u);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST_F(worker_fixture, ATokenOutsideTheVocabularyIsABadRequestForThatJobAlone) {
  start();
  auto out = std::make_shared<received>();
  const session_actor session = sys->spawn(recording_session, out);
  auto bad = job("bad", 4);
  bad.input->prompt_ids.push_back(999999999);
  tell_worker(vl_admit_atom::value, bad, session);
  sched->run();
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].finish_reason, finish::error);
  EXPECT_EQ(out->events[0].error, failure::bad_request);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST_F(worker_fixture, ALoaderThatFailsLeavesAnErrorOnHealthAndJobsGetModelNotLoaded) {
  start([](const load_progress&) -> model::loaded_model { throw std::runtime_error("no weights here"); });
  EXPECT_EQ(state.get().phase, model_phase::error);
  EXPECT_NE(state.get().detail.find("no weights here"), std::string::npos);
  auto out = std::make_shared<received>();
  const session_actor session = sys->spawn(recording_session, out);
  generation_job j{"w3", std::make_shared<model::sequence_input>()};
  tell_worker(vl_admit_atom::value, j, session);
  sched->run();
  ASSERT_EQ(out->events.size(), 1u);
  EXPECT_EQ(out->events[0].error, failure::model_not_loaded);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

// Supervision end to end inside one process: real sessions on the real worker; the worker dies
// mid-stream and every stream ends with an error event and its close.
TEST_F(worker_fixture, AWorkerThatDiesEndsEveryStreamWithAnError) {
  start();
  std::vector<session_actor> sessions;
  std::vector<std::shared_ptr<recording_sink>> sinks;
  for (int i = 0; i < 3; ++i) {
    session_config sc;
    sc.info.id = "s" + std::to_string(i);
    sc.worker = worker;
    sessions.push_back(spawn_session(*sys, sc));
    sinks.push_back(std::make_shared<recording_sink>());
    caf::anon_send(sessions.back(), vl_subscribe_atom::value, sink_ptr(sinks.back()), uint64_t(0));
    caf::anon_send(sessions.back(), vl_admit_atom::value, job(sc.info.id, 200));
  }
  // A few steps: every stream has tokens, none has finished.
  for (int i = 0; i < 40; ++i) sched->run_once();
  caf::anon_send_exit(worker, caf::exit_reason::kill);
  sched->run();
  for (size_t i = 0; i < sinks.size(); ++i) {
    const auto events = sinks[i]->events();
    ASSERT_FALSE(events.empty()) << i;
    EXPECT_EQ(events.back().finish_reason, finish::error) << i;
    EXPECT_EQ(events.back().error, failure::worker_failed) << i;
    EXPECT_TRUE(events.back().final) << i;
    EXPECT_EQ(sinks[i]->closes(), 1) << i;
  }
  for (auto& s : sessions) caf::anon_send_exit(s, caf::exit_reason::user_shutdown);
  worker = nullptr;
}

// A step that throws (here the test's hook, standing in for the engine) fails the sequences in
// flight, the worker reloads the model and serves the next job.
TEST_F(worker_fixture, AFailedStepRestartsTheEngineAndServingGoesOn) {
  int steps = 0;
  start(fixture_loader(), [&steps] {
    if (++steps == 3) throw std::runtime_error("injected step failure");
  });
  auto out = std::make_shared<received>();
  const session_actor session = sys->spawn(recording_session, out);
  tell_worker(vl_admit_atom::value, job("r1", 20), session);
  sched->run();
  ASSERT_FALSE(out->events.empty());
  EXPECT_EQ(out->events.back().finish_reason, finish::error);
  EXPECT_EQ(out->events.back().error, failure::worker_failed);
  EXPECT_NE(out->events.back().error_message.find("injected step failure"), std::string::npos);
  EXPECT_EQ(metrics.worker_restarts.load(), 1u);
  EXPECT_EQ(state.get().phase, model_phase::ready) << state.get().detail;
  tell_worker(vl_admit_atom::value, job("r2", 4), session);
  sched->run();
  EXPECT_EQ(out->events.back().finish_reason, finish::length) << "the restarted worker serves";
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
}

TEST_F(worker_fixture, PastItsRestartBoundTheWorkerStopsAndSaysWhy) {
  start(fixture_loader(), [] { throw std::runtime_error("always failing"); }, 1);
  bool down = false;
  auto watcher = sys->spawn([&](caf::event_based_actor* self) -> caf::behavior {
    self->monitor(worker);
    self->set_down_handler([&](const caf::down_msg&) { down = true; });
    return {[](int) {}};
  });
  auto out = std::make_shared<received>();
  const session_actor session = sys->spawn(recording_session, out);
  tell_worker(vl_admit_atom::value, job("x1", 4), session);
  sched->run();
  EXPECT_EQ(metrics.worker_restarts.load(), 1u);
  EXPECT_FALSE(down);
  tell_worker(vl_admit_atom::value, job("x2", 4), session);
  sched->run();
  EXPECT_TRUE(down) << "a second failure within the window stops the worker";
  EXPECT_EQ(state.get().phase, model_phase::error);
  EXPECT_NE(state.get().detail.find("restart the server"), std::string::npos) << state.get().detail;
  EXPECT_EQ(out->events.back().error, failure::worker_failed);
  caf::anon_send_exit(session, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
  worker = nullptr;
}
