// Startup recovery, TTL sweeping and session deletion.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "store/session_store.hpp"
#include "tests/store/temp_dir.hpp"

namespace vlserve::store {
namespace {

using testing::make_events;
using testing::make_meta;
using testing::options_in;
using testing::temp_dir;

TEST(Maintenance, RunningAndQueuedBecomeInterruptedAfterRestart) {
  temp_dir dir;
  {
    session_store store(options_in(dir));
    write_batch batch;
    batch.metas = {make_meta("q", session_state::queued, 10), make_meta("r", session_state::running, 10),
                   make_meta("f", session_state::finished, 10), make_meta("c", session_state::cancelled, 10)};
    batch.events = make_events("r", 0, 7);
    store.write(batch);
  }  // the "crash": the process ends with q and r unfinished
  session_store store(options_in(dir));
  EXPECT_EQ(store.mark_running_as_interrupted(500), (std::vector<std::string>{"q", "r"}));
  auto r = store.load_meta("r");
  EXPECT_EQ(r->state, session_state::interrupted);
  EXPECT_EQ(r->updated_unix, 500);
  EXPECT_EQ(r->event_count, 7u);
  EXPECT_EQ(store.read_events("r", 0, 100).size(), 7u);  // replay still works
  EXPECT_EQ(store.load_meta("f")->state, session_state::finished);
  EXPECT_EQ(store.load_meta("f")->updated_unix, 10);
  EXPECT_EQ(store.load_meta("c")->state, session_state::cancelled);
  EXPECT_TRUE(store.mark_running_as_interrupted(600).empty());
}

TEST(Maintenance, SweepDeletesOnlyOldTerminalSessions) {
  temp_dir dir;
  session_store store(options_in(dir));
  const int64_t now = 10'000;
  const int64_t ttl = 100;
  write_batch batch;
  batch.metas = {make_meta("old-finished", session_state::finished, now - 100),
                 make_meta("old-failed", session_state::failed, now - 5000),
                 make_meta("old-interrupted", session_state::interrupted, now - 101),
                 make_meta("young-finished", session_state::finished, now - 99),
                 make_meta("old-running", session_state::running, now - 5000),
                 make_meta("future", session_state::cancelled, now + 50)};
  for (const auto& meta : batch.metas) {
    auto events = make_events(meta.id, 0, 30);
    batch.events.insert(batch.events.end(), events.begin(), events.end());
  }
  store.write(batch);

  sweep_result result = store.sweep_expired(now, ttl, 1000, 1000);
  std::set<std::string> erased(result.erased.begin(), result.erased.end());
  EXPECT_EQ(erased, (std::set<std::string>{"old-finished", "old-failed", "old-interrupted"}));
  EXPECT_EQ(result.scanned, 6u);
  EXPECT_TRUE(result.reached_end);
  for (const auto& id : erased) {
    EXPECT_FALSE(store.load_meta(id)) << id;
    EXPECT_TRUE(store.read_events(id, 0, 100).empty()) << id;
  }
  for (std::string id : {"young-finished", "old-running", "future"}) {
    EXPECT_TRUE(store.load_meta(id)) << id;
    EXPECT_EQ(store.read_events(id, 0, 100).size(), 30u) << id;
  }
  EXPECT_THROW(store.sweep_expired(now, -1, 10, 10), store_error);
}

TEST(Maintenance, SweepWorkIsBoundedAndResumes) {
  temp_dir dir;
  session_store store(options_in(dir));
  write_batch batch;
  for (int i = 0; i < 25; ++i) {
    std::string id = "s";  // built in two steps: GCC 12 -O3 warns falsely on "s" + to_string(...)
    id += std::to_string(100 + i);
    batch.metas.push_back(make_meta(id, i % 5 == 0 ? session_state::running : session_state::finished, 0));
  }
  store.write(batch);

  std::set<std::string> erased;
  int calls = 0;
  for (bool end = false; !end && calls < 50; ++calls) {
    sweep_result r = store.sweep_expired(1000, 10, 4, 2);
    EXPECT_LE(r.scanned, 4u);
    EXPECT_LE(r.erased.size(), 2u);
    erased.insert(r.erased.begin(), r.erased.end());
    end = r.reached_end;
  }
  EXPECT_EQ(erased.size(), 20u);
  EXPECT_GT(calls, 5);
  auto left = store.list_sessions("", 100);
  ASSERT_EQ(left.size(), 5u);
  for (const auto& meta : left) EXPECT_EQ(meta.state, session_state::running);
  // After reaching the end the next call starts again at the first session.
  EXPECT_EQ(store.sweep_expired(1000, 10, 100, 100).scanned, 5u);
}

TEST(Maintenance, EraseSessionRemovesOnlyThatSession) {
  temp_dir dir;
  session_store store(options_in(dir));
  write_batch batch{{make_meta("a", session_state::finished, 1), make_meta("a0", session_state::finished, 1),
                     make_meta("b", session_state::finished, 1)},
                    {}};
  for (std::string id : {"a", "a0", "b"}) {
    auto events = make_events(id, 0, 2000);  // spans many LMDB pages
    batch.events.insert(batch.events.end(), events.begin(), events.end());
  }
  batch.metas[0].request = "req";
  store.write(batch);
  EXPECT_TRUE(store.erase_session("a"));
  EXPECT_FALSE(store.erase_session("a"));
  EXPECT_FALSE(store.load_meta("a"));
  EXPECT_TRUE(store.read_events("a", 0, 10).empty());
  EXPECT_EQ(store.read_events("a0", 0, 5000).size(), 2000u);
  EXPECT_EQ(store.read_events("b", 0, 5000).size(), 2000u);
  // A new session with the same id starts from index 0 without leftovers.
  session_meta again = make_meta("a", session_state::running, 2);
  store.write({{again}, make_events("a", 0, 1)});
  EXPECT_EQ(store.read_events("a", 0, 10).size(), 1u);
  EXPECT_FALSE(store.load_meta("a")->request);
}

}  // namespace
}  // namespace vlserve::store
