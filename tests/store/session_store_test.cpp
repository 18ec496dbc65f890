// Writing and reading sessions through a real LMDB environment in a temp directory.
#include "store/session_store.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "tests/store/temp_dir.hpp"

namespace vlserve::store {
namespace {

using testing::make_events;
using testing::make_meta;
using testing::options_in;
using testing::temp_dir;

store_errc code_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const store_error& e) {
    return e.code();
  }
  ADD_FAILURE() << "no store_error thrown";
  return store_errc::io;
}

TEST(SessionStore, CreatesMissingDirectoryAndRoundTripsMetaAndEvents) {
  temp_dir dir;
  session_store store(options_in(dir, "nested/deeper/sessions"));
  session_meta meta = make_meta("chat-1", session_state::running, 1000);
  meta.request = std::string("{\"messages\":[\"hi\"]}\0binary", 26);
  write_batch batch{{meta}, make_events("chat-1", 0, 3)};
  store.write(batch);

  auto loaded = store.load_meta("chat-1");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->state, session_state::running);
  EXPECT_EQ(loaded->created_unix, 995);
  EXPECT_EQ(loaded->updated_unix, 1000);
  EXPECT_EQ(loaded->model, "Qwen/Qwen3-VL-2B-Thinking");
  EXPECT_EQ(loaded->event_count, 3u);
  EXPECT_EQ(loaded->request, meta.request);
  EXPECT_FALSE(store.load_meta("chat-1", false)->request);

  auto events = store.read_events("chat-1", 0, 10);
  ASSERT_EQ(events.size(), 3u);
  for (uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].index, i);
    EXPECT_EQ(events[i].payload, "event " + std::to_string(i) + " of chat-1");
  }
  EXPECT_FALSE(store.load_meta("chat-2"));
  EXPECT_TRUE(store.read_events("chat-2", 0, 10).empty());
}

TEST(SessionStore, ReplayFromAnyIndexBeyondDigitBoundaries) {
  temp_dir dir;
  session_store store(options_in(dir));
  store.put_meta(make_meta("s", session_state::running, 1));
  store.put_meta(make_meta("s0", session_state::running, 1));  // "s0:" sorts right after "s:"
  for (uint64_t first = 0; first < 1205; first += 241) store.append_events(make_events("s", first, 241));
  store.append_events(make_events("s0", 0, 5));

  auto all = store.read_events("s", 0, 5000);
  ASSERT_EQ(all.size(), 1205u);
  for (uint64_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i].index, i);
  for (uint64_t from : {9u, 10u, 99u, 100u, 999u, 1000u, 1204u}) {
    auto tail = store.read_events("s", from, 3);
    ASSERT_FALSE(tail.empty()) << from;
    EXPECT_EQ(tail.front().index, from);
    EXPECT_EQ(tail.front().payload, "event " + std::to_string(from) + " of s");
    EXPECT_EQ(tail.size(), std::min<uint64_t>(3, 1205 - from));
  }
  EXPECT_TRUE(store.read_events("s", 1205, 10).empty());
  EXPECT_TRUE(store.read_events("s", 0, 0).empty());
  EXPECT_EQ(store.load_meta("s")->event_count, 1205u);
  EXPECT_EQ(store.read_events("s0", 0, 100).size(), 5u);
}

TEST(SessionStore, DataSurvivesCloseAndReopen) {
  temp_dir dir;
  {
    session_store store(options_in(dir));
    session_meta meta = make_meta("restart-me", session_state::finished, 50);
    meta.request = "original request";
    store.write({{meta}, make_events("restart-me", 0, 20)});
    store.sync();
  }
  session_store store(options_in(dir));
  auto meta = store.load_meta("restart-me");
  ASSERT_TRUE(meta);
  EXPECT_EQ(meta->state, session_state::finished);
  EXPECT_EQ(meta->event_count, 20u);
  EXPECT_EQ(meta->request, "original request");
  EXPECT_EQ(store.read_events("restart-me", 15, 100).size(), 5u);
  // Appending continues at the persisted count.
  store.append_events(make_events("restart-me", 20, 1));
  EXPECT_EQ(store.load_meta("restart-me")->event_count, 21u);
}

TEST(SessionStore, PutMetaKeepsEventCountAndStoredRequest) {
  temp_dir dir;
  session_store store(options_in(dir));
  session_meta meta = make_meta("m", session_state::queued, 10);
  meta.request = "req";
  store.put_meta(meta);
  store.append_events(make_events("m", 0, 4));
  session_meta done = make_meta("m", session_state::finished, 20);
  done.event_count = 999;  // ignored: the store owns the count
  store.put_meta(done);
  auto loaded = store.load_meta("m");
  EXPECT_EQ(loaded->state, session_state::finished);
  EXPECT_EQ(loaded->updated_unix, 20);
  EXPECT_EQ(loaded->event_count, 4u);
  EXPECT_EQ(loaded->request, "req");
}

TEST(SessionStore, RejectsOutOfOrderAndUnknownSessionsAtomically) {
  temp_dir dir;
  session_store store(options_in(dir));
  store.put_meta(make_meta("a", session_state::running, 1));
  store.append_events(make_events("a", 0, 2));

  // A gap, a repeat and an unknown session each fail the whole batch.
  write_batch gap{{make_meta("b", session_state::running, 1)}, make_events("a", 2, 1)};
  gap.events.push_back(event_record{"a", 4, "gap"});
  EXPECT_EQ(code_of([&] { store.write(gap); }), store_errc::out_of_order);
  EXPECT_EQ(code_of([&] { store.append_events(make_events("a", 1, 1)); }), store_errc::out_of_order);
  EXPECT_EQ(code_of([&] { store.append_events(make_events("ghost", 0, 1)); }), store_errc::not_found);
  EXPECT_FALSE(store.load_meta("b"));
  EXPECT_EQ(store.load_meta("a")->event_count, 2u);
  EXPECT_EQ(store.read_events("a", 0, 10).size(), 2u);
  try {
    store.append_events(make_events("a", 5, 1));
  } catch (const store_error& e) {
    EXPECT_NE(std::string(e.what()).find("expected event index 2, got 5"), std::string::npos) << e.what();
  }
}

TEST(SessionStore, EnforcesConfiguredBounds) {
  temp_dir dir;
  store_options options = options_in(dir);
  options.max_event_bytes = 16;
  options.max_events_per_session = 3;
  options.max_request_bytes = 8;
  options.max_model_bytes = 4;
  session_store store(options);
  store.put_meta(session_meta{"x", session_state::running, 0, 1, "qwen", 0, {}});
  EXPECT_EQ(code_of([&] {
              store.append_events({{"x", 0, std::string(17, 'p')}});
            }),
            store_errc::limit_exceeded);
  store.append_events({{"x", 0, "a"}, {"x", 1, "b"}, {"x", 2, "c"}});
  EXPECT_EQ(code_of([&] { store.append_events({{"x", 3, "d"}}); }), store_errc::limit_exceeded);
  session_meta big_request{"y", session_state::queued, 0, 1, "qwen", 0, std::string(9, 'r')};
  EXPECT_EQ(code_of([&] { store.put_meta(big_request); }), store_errc::limit_exceeded);
  session_meta big_model{"y", session_state::queued, 0, 1, "qwen3", 0, {}};
  EXPECT_EQ(code_of([&] { store.put_meta(big_model); }), store_errc::limit_exceeded);
  EXPECT_EQ(store.read_events("x", 0, 10).size(), 3u);
}

TEST(SessionStore, InvalidIdsAreRejectedEverywhere) {
  temp_dir dir;
  session_store store(options_in(dir));
  const std::string bad = "has:colon";
  EXPECT_EQ(code_of([&] { store.put_meta(make_meta(bad, session_state::queued, 1)); }),
            store_errc::invalid_argument);
  EXPECT_EQ(code_of([&] { store.append_events(make_events(bad, 0, 1)); }), store_errc::invalid_argument);
  EXPECT_EQ(code_of([&] { store.load_meta(bad); }), store_errc::invalid_argument);
  EXPECT_EQ(code_of([&] { store.read_events("", 0, 1); }), store_errc::invalid_argument);
  EXPECT_EQ(code_of([&] { store.erase_session("a/b"); }), store_errc::invalid_argument);
  EXPECT_EQ(code_of([&] { store.list_sessions("sp ace", 1); }), store_errc::invalid_argument);
  EXPECT_TRUE(store.list_sessions("", 10).empty());
}

TEST(SessionStore, ListSessionsPagesInIdOrder) {
  temp_dir dir;
  session_store store(options_in(dir));
  write_batch batch;
  for (std::string id : {"d", "a", "c", "b", "e"})
    batch.metas.push_back(make_meta(id, session_state::queued, 1));
  store.write(batch);
  auto first = store.list_sessions("", 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].id, "a");
  EXPECT_EQ(first[1].id, "b");
  auto rest = store.list_sessions(first.back().id, 10);
  ASSERT_EQ(rest.size(), 3u);
  EXPECT_EQ(rest[0].id, "c");
  EXPECT_EQ(rest[2].id, "e");
  EXPECT_FALSE(rest[0].request);
}

}  // namespace
}  // namespace vlserve::store
