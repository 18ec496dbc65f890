// The session actor on the deterministic scheduler. A scripted worker stands in for the model
// worker (the neighbour), so the log, replay, cancel and watchdog reporting are tested alone.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include "actors/atoms.hpp"
#include "actors/remote_job.hpp"
#include "actors/session.hpp"
#include "tests/actors/recording_sink.hpp"

using namespace vlserve::actors;
using vlserve::testing::recording_sink;
using namespace std::chrono_literals;

namespace {

struct worker_log {
  std::vector<std::string> admitted;
  std::vector<std::string> cancelled;
  session_actor session;
};

// Admits jobs and answers a cancel with the final "cancelled" event, as the real worker does.
model_worker_actor::behavior_type scripted_worker(model_worker_actor::pointer self, std::shared_ptr<worker_log> log) {
  return {
      [=](vl_admit_atom, const generation_job& job, const session_actor& session) {
        log->admitted.push_back(job.session_id);
        log->session = session;
      },
      [](vl_admit_atom, const remote_job&, const session_actor&) {},  // sessions here are local
      [](vl_fingerprint_atom) { return std::string("scripted"); },
      [](vl_step_atom) {},
      [=](vl_cancel_atom, const std::string& id) {
        log->cancelled.push_back(id);
        stream_event ev;
        ev.finish_reason = finish::cancelled;
        self->send(log->session, vl_event_atom::value, ev);
      },
  };
}

struct clients_log {
  std::vector<int32_t> counts;
  std::vector<std::string> forgotten;
};

watchdog_actor::behavior_type recording_watchdog(watchdog_actor::pointer, std::shared_ptr<clients_log> log) {
  return {
      [=](vl_clients_atom, const std::string&, const session_actor&, int32_t n) { log->counts.push_back(n); },
      [=](vl_forget_atom, const std::string& id) { log->forgotten.push_back(id); },
      [](vl_expire_atom, const std::string&, uint64_t) {},
  };
}

stream_event text_event(const std::string& content) {
  stream_event ev;
  ev.content = content;
  return ev;
}

stream_event finish_event(finish reason) {
  stream_event ev;
  ev.finish_reason = reason;
  ev.usage = {5, 3, 1};
  return ev;
}

struct session_fixture : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  caf::scheduler::test_coordinator* sched = nullptr;
  std::shared_ptr<worker_log> wlog = std::make_shared<worker_log>();
  std::shared_ptr<clients_log> clog = std::make_shared<clients_log>();
  model_worker_actor worker;
  watchdog_actor watchdog;
  session_actor session;

  void SetUp() override {
    cfg.set("scheduler.policy", caf::atom("testing"));
    sys = std::make_unique<caf::actor_system>(cfg);
    sched = &dynamic_cast<caf::scheduler::test_coordinator&>(sys->scheduler());
    worker = sys->spawn(scripted_worker, wlog);
    watchdog = sys->spawn(recording_watchdog, clog);
  }
  void start(bool include_usage = false, size_t ring = 4096, int32_t choices = 1) {
    session_config sc;
    sc.info.id = "s1";
    sc.info.model = "m";
    sc.info.include_usage = include_usage;
    sc.info.choices = choices;
    sc.worker = worker;
    sc.watchdog = watchdog;
    sc.ring_capacity = ring;
    session = spawn_session(*sys, sc);
    generation_job job;
    job.session_id = "s1";
    caf::anon_send(session, vl_admit_atom::value, job);
    sched->run();
  }
  void emit(stream_event ev) {
    caf::anon_send(session, vl_event_atom::value, std::move(ev));
    sched->run();
  }
  void subscribe(const std::shared_ptr<recording_sink>& sink, uint64_t from) {
    caf::anon_send(session, vl_subscribe_atom::value, sink_ptr(sink), from);
    sched->run();
  }
  void TearDown() override {
    const auto stop = [](auto& a) {
      if (a) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
      a = nullptr;
    };
    stop(worker);
    stop(watchdog);
    stop(session);
    sched->run();
    sys.reset();
  }
};

}  // namespace

TEST_F(session_fixture, AssignsIndicesRoleAndFinal) {
  start();
  ASSERT_EQ(wlog->admitted, std::vector<std::string>{"s1"});
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  emit(text_event("a"));
  emit(text_event("b"));
  emit(finish_event(finish::stop));
  const auto events = sink->events();
  ASSERT_EQ(events.size(), 3u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].index, i);
  EXPECT_EQ(events[0].role, "assistant");
  EXPECT_EQ(events[1].role, "");
  EXPECT_FALSE(events[1].final);
  EXPECT_TRUE(events[2].final);
  EXPECT_EQ(events[2].finish_reason, finish::stop);
  EXPECT_EQ(sink->closes(), 1);
  EXPECT_EQ(sink->close_status(), failure::none);
  EXPECT_EQ(clog->forgotten, std::vector<std::string>{"s1"});
}

TEST_F(session_fixture, IncludeUsageAddsAFinalUsageEvent) {
  start(true);
  emit(text_event("a"));
  emit(finish_event(finish::length));
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  const auto events = sink->events();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_FALSE(events[1].final);
  EXPECT_TRUE(events[2].usage_only);
  EXPECT_TRUE(events[2].final);
  EXPECT_EQ(events[2].usage.completion_tokens, 3);
}

TEST_F(session_fixture, ReplayFromAnIndexThenLive) {
  start();
  for (int i = 0; i < 5; ++i) emit(text_event(std::to_string(i)));
  auto late = std::make_shared<recording_sink>();
  subscribe(late, 3);
  emit(text_event("5"));
  emit(finish_event(finish::stop));
  const auto events = late->events();
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].index, 3u);
  EXPECT_EQ(events[0].content, "3");
  EXPECT_EQ(events[2].content, "5");
  EXPECT_TRUE(events[3].final);
}

TEST_F(session_fixture, ReplayPastTheEndJustWaits) {
  start();
  emit(text_event("x"));
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 1);
  EXPECT_TRUE(sink->events().empty());
  EXPECT_EQ(sink->closes(), 0);
  emit(finish_event(finish::stop));
  ASSERT_EQ(sink->events().size(), 1u);
  EXPECT_EQ(sink->events()[0].index, 1u);
}

TEST_F(session_fixture, ResumingAfterTheFinalEventEndsAtOnce) {
  start();
  emit(text_event("x"));
  emit(finish_event(finish::stop));
  for (uint64_t from : {uint64_t(2), uint64_t(3), UINT64_MAX}) {
    auto sink = std::make_shared<recording_sink>();
    subscribe(sink, from);
    EXPECT_TRUE(sink->events().empty()) << from;
    EXPECT_EQ(sink->closes(), 1) << from;
    EXPECT_EQ(sink->close_status(), failure::none) << from;
  }
}

TEST_F(session_fixture, EventsOlderThanTheRingWithoutAStoreAreGone) {
  start(false, 2);
  for (int i = 0; i < 5; ++i) emit(text_event(std::to_string(i)));
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  EXPECT_TRUE(sink->events().empty());
  EXPECT_EQ(sink->close_status(), failure::events_expired);
  auto recent = std::make_shared<recording_sink>();
  subscribe(recent, 3);
  EXPECT_EQ(recent->events().size(), 2u);
}

TEST_F(session_fixture, CancelReachesTheWorkerAndEndsTheStream) {
  start();
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  emit(text_event("a"));
  caf::anon_send(session, vl_cancel_atom::value, std::string("client"));
  sched->run();
  EXPECT_EQ(wlog->cancelled, std::vector<std::string>{"s1"});
  const auto events = sink->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].finish_reason, finish::cancelled);
  EXPECT_TRUE(events[1].final);
  EXPECT_EQ(sink->closes(), 1);
  // Idempotent: a second cancel changes nothing.
  caf::anon_send(session, vl_cancel_atom::value, std::string("client"));
  sched->run();
  EXPECT_EQ(wlog->cancelled.size(), 1u);
}

TEST_F(session_fixture, ReportsClientCountsToTheWatchdog) {
  start();
  auto a = std::make_shared<recording_sink>();
  auto b = std::make_shared<recording_sink>();
  subscribe(a, 0);
  subscribe(b, 0);
  caf::anon_send(session, vl_unsubscribe_atom::value, sink_ptr(a));
  sched->run();
  caf::anon_send(session, vl_unsubscribe_atom::value, sink_ptr(b));
  sched->run();
  EXPECT_EQ(clog->counts, (std::vector<int32_t>{0, 1, 2, 1, 0}));
}

TEST_F(session_fixture, AClientThatFailsIsDropped) {
  start();
  auto flaky = std::make_shared<recording_sink>(1);
  subscribe(flaky, 0);
  emit(text_event("a"));
  emit(text_event("b"));
  EXPECT_EQ(flaky->events().size(), 1u);
  EXPECT_EQ(clog->counts.back(), 0);
}

TEST_F(session_fixture, FinishedSessionQuitsAfterLingerWithNoClient) {
  start();
  emit(finish_event(finish::stop));
  bool down = false;
  auto watcher = sys->spawn([&](caf::event_based_actor* self) -> caf::behavior {
    self->monitor(session);
    self->set_down_handler([&](const caf::down_msg&) { down = true; });
    return {[](int) {}};
  });
  sched->run();
  sched->advance_time(601s);
  sched->run();
  EXPECT_TRUE(down);
  caf::anon_send_exit(watcher, caf::exit_reason::user_shutdown);
}

namespace {
// A persister whose store refuses every metadata record (full disk, a limit).
persister_actor::behavior_type refusing_persister(persister_actor::pointer) {
  return {
      [](vl_persist_atom, const session_info&) -> caf::result<bool> {
        return caf::make_error(caf::sec::runtime_error, "store full");
      },
      [](vl_persist_atom, const std::string&, const stream_event& ev) { return ev.index; },
      [](vl_flush_atom) {},
      [](vl_load_atom, const std::string&) -> caf::result<session_info> {
        return caf::make_error(caf::sec::runtime_error, "unknown session");
      },
      [](vl_load_atom, const std::string&, uint64_t, uint32_t) { return std::vector<stream_event>{}; },
      [](vl_expire_atom) {},
  };
}
}  // namespace

TEST_F(session_fixture, MetadataTheStoreRefusesFailsTheRequest) {
  session_config sc;
  sc.info.id = "s2";
  sc.worker = worker;
  sc.persister = sys->spawn(refusing_persister);
  session = spawn_session(*sys, sc);
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  generation_job job;
  job.session_id = "s2";
  caf::anon_send(session, vl_admit_atom::value, job);
  sched->run();
  EXPECT_TRUE(wlog->admitted.empty()) << "nothing generates for a session that cannot be replayed";
  EXPECT_EQ(sink->closes(), 1);
  EXPECT_EQ(sink->close_status(), failure::store_failed);
  caf::anon_send_exit(sc.persister, caf::exit_reason::user_shutdown);
}

namespace {
// A persister that stores everything but answers the first metadata write only when told to.
struct held_answer {
  bool holding = false;
  caf::typed_response_promise<bool> promise;
};
// The persister's interface plus the test's "now answer" message.
using slow_persister_actor = persister_actor::extend<caf::reacts_to<vl_stats_atom>>;
slow_persister_actor::behavior_type slow_persister(slow_persister_actor::pointer self, std::shared_ptr<held_answer> held) {
  return {
      [=](vl_persist_atom, const session_info&) -> caf::result<bool> {
        if (held->holding) return true;
        held->holding = true;
        held->promise = self->make_response_promise<bool>();
        return held->promise;
      },
      [](vl_persist_atom, const std::string&, const stream_event& ev) { return ev.index; },
      [](vl_flush_atom) {},
      [](vl_load_atom, const std::string&) -> caf::result<session_info> {
        return caf::make_error(caf::sec::runtime_error, "unknown session");
      },
      [](vl_load_atom, const std::string&, uint64_t, uint32_t) { return std::vector<stream_event>{}; },
      [](vl_expire_atom) {},
      // Delivered from inside the actor, as CAF expects.
      [=](vl_stats_atom) {
        held->promise.deliver(true);
        held->promise = caf::typed_response_promise<bool>{};
      },
  };
}
}  // namespace

TEST_F(session_fixture, ACancelWhileTheMetadataIsStoredEndsTheSessionWithoutGenerating) {
  auto held = std::make_shared<held_answer>();
  session_config sc;
  sc.info.id = "s3";
  sc.worker = worker;
  const slow_persister_actor persister = sys->spawn(slow_persister, held);
  sc.persister = persister;
  session = spawn_session(*sys, sc);
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  generation_job job;
  job.session_id = "s3";
  caf::anon_send(session, vl_admit_atom::value, job);
  sched->run();
  caf::anon_send(session, vl_cancel_atom::value, std::string("client"));
  sched->run();
  caf::anon_send(persister, vl_stats_atom::value);
  sched->run();
  EXPECT_TRUE(wlog->admitted.empty()) << "a cancelled session must not start generating";
  ASSERT_EQ(sink->events().size(), 1u);
  EXPECT_EQ(sink->events()[0].finish_reason, finish::cancelled);
  EXPECT_EQ(sink->closes(), 1);
  caf::anon_send_exit(sc.persister, caf::exit_reason::user_shutdown);
}

// Supervision: the worker fails mid-stream (here killed; in production an exception out of a
// step). The session, which monitors it, ends with an error event instead of staying running.
TEST_F(session_fixture, AWorkerThatFailsMidStreamEndsTheSessionWithAnError) {
  start();
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  emit(text_event("a"));
  caf::anon_send_exit(worker, caf::exit_reason::kill);
  sched->run();
  const auto events = sink->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].finish_reason, finish::error);
  EXPECT_EQ(events[1].error, failure::worker_failed);
  EXPECT_NE(events[1].error_message.find("model worker failed"), std::string::npos);
  EXPECT_TRUE(events[1].final);
  EXPECT_EQ(sink->closes(), 1);
}

stream_event of_choice(stream_event ev, int32_t choice) {
  ev.choice = choice;
  return ev;
}

TEST_F(session_fixture, ChoicesInterleaveInOneLogAndTheLastEndIsFinal) {
  start(true, 4096, 2);
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  emit(of_choice(text_event("a"), 0));
  emit(of_choice(text_event("x"), 1));
  emit(of_choice(finish_event(finish::stop), 1));
  emit(of_choice(text_event("b"), 0));
  auto second = finish_event(finish::length);
  second.usage = {5, 4, 2};
  emit(of_choice(second, 0));
  emit(of_choice(text_event("late"), 1));  // nothing follows a choice's end
  const auto events = sink->events();
  ASSERT_EQ(events.size(), 6u);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].index, i);
  EXPECT_EQ(events[0].role, "assistant");
  EXPECT_EQ(events[1].role, "assistant");  // each choice's first chunk names the role
  EXPECT_EQ(events[3].role, "");
  EXPECT_EQ(events[1].choice, 1);
  EXPECT_EQ(events[2].finish_reason, finish::stop);
  EXPECT_FALSE(events[2].final);  // choice 0 still runs
  EXPECT_EQ(events[4].choice, 0);
  EXPECT_FALSE(events[4].final);
  EXPECT_TRUE(events[5].usage_only);
  EXPECT_TRUE(events[5].final);
  // The prompt counts once; completion and reasoning tokens add up over the choices.
  EXPECT_EQ(events[5].usage.prompt_tokens, 5);
  EXPECT_EQ(events[5].usage.completion_tokens, 7);
  EXPECT_EQ(events[5].usage.reasoning_tokens, 3);
  EXPECT_EQ(sink->closes(), 1);
}

TEST_F(session_fixture, AnErrorInOneChoiceEndsThemAllAndStopsTheOthers) {
  start(false, 4096, 3);
  auto sink = std::make_shared<recording_sink>();
  subscribe(sink, 0);
  emit(of_choice(text_event("a"), 2));
  auto bad = of_choice(finish_event(finish::error), 1);
  bad.error = failure::internal;
  bad.error_message = "generation failed";
  emit(bad);
  const auto events = sink->events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[1].final);
  EXPECT_EQ(wlog->cancelled, std::vector<std::string>{"s1"});
  EXPECT_EQ(sink->closes(), 1);
}
