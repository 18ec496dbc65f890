// The persister over a real LMDB file: metadata and events round-trip through its messages, an
// unknown id is an error, and a session that was running when the process died is found
// interrupted, with a final event, when the next persister opens the store.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/persister.hpp"
#include "tests/support/temp_dir.hpp"

using namespace vlserve::actors;
using namespace std::chrono_literals;

namespace {

session_info info_for(const std::string& id, session_state state) {
  session_info info;
  info.id = id;
  info.state = state;
  info.model = "m";
  info.created = 1700000000;
  info.include_usage = true;
  return info;
}

stream_event text_event(uint64_t index, const std::string& content) {
  stream_event ev;
  ev.index = index;
  ev.content = content;
  return ev;
}

struct persister_fixture : ::testing::Test {
  vlserve::testing::temp_dir dir;
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  persister_actor persister;

  void open() {
    sys = std::make_unique<caf::actor_system>(cfg);
    persister = spawn_persister(*sys, {dir.path(), 86400, 60s, 1 << 20});
  }
  void close() {
    caf::anon_send_exit(persister, caf::exit_reason::user_shutdown);
    persister = nullptr;
    sys.reset();
  }
  void TearDown() override {
    if (sys) close();
  }
  std::optional<session_info> load(const std::string& id) {
    caf::scoped_actor self{*sys};
    std::optional<session_info> out;
    self->request(persister, 5s, vl_load_atom::value, id)
        .receive([&](const session_info& info) { out = info; }, [&](const caf::error&) {});
    return out;
  }
  std::vector<stream_event> events(const std::string& id, uint64_t from, uint32_t max) {
    caf::scoped_actor self{*sys};
    std::vector<stream_event> out;
    self->request(persister, 5s, vl_load_atom::value, id, from, max)
        .receive([&](const std::vector<stream_event>& evs) { out = evs; }, [&](const caf::error&) {});
    return out;
  }
};

}  // namespace

TEST_F(persister_fixture, MetadataAndEventsComeBackAsWritten) {
  open();
  caf::scoped_actor self{*sys};
  bool stored = false;
  self->request(persister, 5s, vl_persist_atom::value, info_for("p1", session_state::running))
      .receive([&](bool ok) { stored = ok; }, [&](const caf::error&) {});
  ASSERT_TRUE(stored);
  for (uint64_t i = 0; i < 3; ++i) {
    uint64_t acked = 99;
    self->request(persister, 5s, vl_persist_atom::value, std::string("p1"), text_event(i, "t" + std::to_string(i)))
        .receive([&](uint64_t index) { acked = index; }, [&](const caf::error&) {});
    EXPECT_EQ(acked, i);
  }
  bool flushed = false;
  self->request(persister, 5s, vl_flush_atom::value).receive([&]() { flushed = true; }, [&](const caf::error&) {});
  EXPECT_TRUE(flushed);

  const auto info = load("p1");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, session_state::running);
  EXPECT_EQ(info->event_count, 3u);
  EXPECT_TRUE(info->include_usage) << "the session flags are stored beside the metadata";
  const auto page = events("p1", 1, 10);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].content, "t1");
  EXPECT_EQ(page[1].index, 2u);
  EXPECT_FALSE(load("nobody")) << "an unknown id is an error, not an empty session";
  EXPECT_FALSE(load("../bad id")) << "an id the store could never hold is an error";
}

TEST_F(persister_fixture, ASessionCutOffByACrashIsInterruptedAtTheNextStart) {
  open();
  {
    caf::scoped_actor self{*sys};
    self->request(persister, 5s, vl_persist_atom::value, info_for("p2", session_state::running))
        .receive([](bool) {}, [](const caf::error&) {});
    self->request(persister, 5s, vl_persist_atom::value, std::string("p2"), text_event(0, "half"))
        .receive([](uint64_t) {}, [](const caf::error&) {});
  }
  close();  // as if the process died: nothing marked the session finished
  open();
  const auto info = load("p2");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->state, session_state::interrupted);
  const auto all = events("p2", 0, 10);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].finish_reason, finish::interrupted);
  EXPECT_TRUE(all[1].final);
}
