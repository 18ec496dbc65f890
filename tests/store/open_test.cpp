// Opening: bad paths, damaged files, bad options, and growth of the map when it fills up.
#include <gtest/gtest.h>
#include <lmdb.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "config/settings.hpp"
#include "store/session_store.hpp"
#include "tests/store/temp_dir.hpp"

namespace vlserve::store {
namespace {

using testing::make_events;
using testing::make_meta;
using testing::options_in;
using testing::temp_dir;

// The error thrown by fn; fails the test when nothing is thrown.
store_error error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const store_error& e) {
    return e;
  }
  ADD_FAILURE() << "no store_error thrown";
  return store_error(store_errc::io, "");
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Open, PathUnderARegularFileIsAnIoErrorNamingThePath) {
  temp_dir dir;
  std::ofstream(dir.path() + "/plain-file") << "not a directory";
  store_options options = options_in(dir, "plain-file/sessions");
  store_error e = error_of([&] { session_store store(options); });
  EXPECT_EQ(e.code(), store_errc::io);
  EXPECT_TRUE(contains(e.what(), options.path)) << e.what();
  EXPECT_TRUE(contains(e.what(), "SESSIONS_DB_PATH")) << e.what();

  store_options file_itself = options_in(dir, "plain-file");
  EXPECT_EQ(error_of([&] { session_store store(file_itself); }).code(), store_errc::io);
}

TEST(Open, GarbageDataFileIsCorruptWithTheLmdbReason) {
  temp_dir dir;
  store_options options = options_in(dir);
  std::filesystem::create_directories(options.path);
  std::ofstream(options.path + "/data.mdb") << std::string(16384, 'x');
  store_error e = error_of([&] { session_store store(options); });
  EXPECT_EQ(e.code(), store_errc::corrupt) << e.what();
  EXPECT_TRUE(contains(e.what(), options.path)) << e.what();
  EXPECT_TRUE(contains(e.what(), mdb_strerror(MDB_INVALID))) << e.what();
}

TEST(Open, ForeignSchemaIsRefused) {
  temp_dir dir;
  store_options options = options_in(dir);
  { session_store store(options); }
  // Rewrite the schema marker with LMDB directly, as an older or newer layout would have it.
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), 0);
  ASSERT_EQ(mdb_env_set_maxdbs(env, 4), 0);
  ASSERT_EQ(mdb_env_open(env, options.path.c_str(), 0, 0644), 0);
  MDB_txn* txn = nullptr;
  MDB_dbi dbi = 0;
  ASSERT_EQ(mdb_txn_begin(env, nullptr, 0, &txn), 0);
  ASSERT_EQ(mdb_dbi_open(txn, "info", 0, &dbi), 0);
  std::string key = "schema", value = "vlserve-sessions/0";
  MDB_val k{key.size(), key.data()}, v{value.size(), value.data()};
  ASSERT_EQ(mdb_put(txn, dbi, &k, &v, 0), 0);
  ASSERT_EQ(mdb_txn_commit(txn), 0);
  mdb_env_close(env);

  store_error e = error_of([&] { session_store store(options); });
  EXPECT_EQ(e.code(), store_errc::corrupt);
  EXPECT_TRUE(contains(e.what(), "vlserve-sessions/0")) << e.what();
}

TEST(Open, InvalidOptionsAreRejectedBeforeTouchingDisk) {
  temp_dir dir;
  store_options empty_path;
  EXPECT_EQ(error_of([&] { session_store store(empty_path); }).code(), store_errc::invalid_argument);
  store_options tiny = options_in(dir);
  tiny.initial_map_bytes = 4096;
  EXPECT_EQ(error_of([&] { session_store store(tiny); }).code(), store_errc::invalid_argument);
  store_options inverted = options_in(dir);
  inverted.max_map_bytes = inverted.initial_map_bytes - 1;
  EXPECT_EQ(error_of([&] { session_store store(inverted); }).code(), store_errc::invalid_argument);
  store_options too_many = options_in(dir);
  too_many.max_events_per_session = 20'000'000'000ull;
  EXPECT_EQ(error_of([&] { session_store store(too_many); }).code(), store_errc::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(options_in(dir).path));
}

TEST(Open, OptionsFromSettingsOpenAtSessionsDbPath) {
  temp_dir dir;
  config::settings settings;
  settings.sessions_db_path = dir.path() + "/from-settings";
  settings.max_request_bytes = 5000;
  store_options options = options_from(settings);
  EXPECT_EQ(options.path, settings.sessions_db_path);
  EXPECT_EQ(options.max_request_bytes, 5000u);
  session_store store(options);
  EXPECT_TRUE(std::filesystem::exists(settings.sessions_db_path + "/data.mdb"));
  EXPECT_EQ(error_of([&] {
              store.put_meta(session_meta{"r", session_state::queued, 0, 0, "m", 0, std::string(5001, 'x')});
            }).code(),
            store_errc::limit_exceeded);
}

TEST(Open, MapGrowsOnMapFullWithoutLosingData) {
  temp_dir dir;
  store_options options = options_in(dir);
  options.initial_map_bytes = 64u << 10;
  auto started = std::chrono::steady_clock::now();
  session_store store(options);
  const uint64_t initial = store.map_bytes();
  write_batch first{{make_meta("grow", session_state::running, 1)}, {}};
  store.write(first);
  const uint64_t total = 20000;
  for (uint64_t at = 0; at < total; at += 500) {
    auto events = make_events("grow", at, 500);
    for (auto& event : events) event.payload.append(80, '.');  // ~100-byte payloads
    store.append_events(events);
  }
  EXPECT_GE(store.map_bytes(), 4 * initial);  // 2 MB of payload cannot fit in 64 KiB
  auto events = store.read_events("grow", 0, total + 1);
  ASSERT_EQ(events.size(), total);
  EXPECT_EQ(events[19999].index, 19999u);
  EXPECT_EQ(store.load_meta("grow")->event_count, total);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
}

TEST(Open, MapCapGivesMapFullAndKeepsCommittedData) {
  temp_dir dir;
  store_options options = options_in(dir);
  options.initial_map_bytes = 64u << 10;
  options.max_map_bytes = 256u << 10;
  session_store store(options);
  store.put_meta(make_meta("cap", session_state::running, 1));
  uint64_t committed = 0;
  store_error e = error_of([&] {
    for (int round = 0; round < 1000; ++round) {  // 1000 x 100 x ~1 KiB far exceeds 256 KiB
      auto events = make_events("cap", committed, 100);
      for (auto& event : events) event.payload.append(1000, '#');
      store.append_events(events);
      committed += 100;
    }
  });
  EXPECT_EQ(e.code(), store_errc::map_full);
  EXPECT_TRUE(contains(e.what(), "max_map_bytes")) << e.what();
  EXPECT_EQ(store.map_bytes(), options.max_map_bytes);
  EXPECT_GT(committed, 0u);
  EXPECT_EQ(store.load_meta("cap")->event_count, committed);
  EXPECT_EQ(store.read_events("cap", 0, 100000).size(), committed);
  // Deleting works on a full store (it may borrow the reserve above the cap) and makes room again.
  EXPECT_TRUE(store.erase_session("cap"));
  store.put_meta(make_meta("after", session_state::running, 2));
  store.append_events(make_events("after", 0, 10));
  EXPECT_EQ(store.read_events("after", 0, 100).size(), 10u);
  // The borrowed reserve is given back (down to the end of the data); ordinary writes still stop
  // near the cap instead of using the reserve.
  EXPECT_LT(store.map_bytes(), options.max_map_bytes + (64u << 10));
  store_error again = error_of([&] {
    for (uint64_t at = 10; at < 100000; at += 100) {
      auto events = make_events("after", at, 100);
      for (auto& event : events) event.payload.append(1000, '#');
      store.append_events(events);
    }
  });
  EXPECT_EQ(again.code(), store_errc::map_full);
  EXPECT_LT(store.map_bytes(), options.max_map_bytes + (64u << 10));
}

}  // namespace
}  // namespace vlserve::store
