// Rough throughput of the store on this machine: appends in persister-sized batches, then
// replay reads. Prints numbers; asserts nothing.
#include <chrono>
#include <cstdio>
#include <string>

#include "store/session_store.hpp"
#include "tests/store/temp_dir.hpp"

namespace st = vlserve::store;

int main() {
  using clock = std::chrono::steady_clock;
  constexpr int sessions = 100;
  constexpr uint64_t events_per_session = 2000;
  constexpr uint64_t batch_per_session = 16;  // 100 sessions x 16 events = 1600 records per commit
  st::testing::temp_dir dir;
  st::session_store store(st::testing::options_in(dir));

  st::write_batch metas;
  for (int s = 0; s < sessions; ++s)
    metas.metas.push_back(
        st::testing::make_meta("bench-" + std::to_string(s), st::session_state::running, 1));
  store.write(metas);

  const std::string payload(100, 'p');
  auto t0 = clock::now();
  uint64_t commits = 0;
  for (uint64_t at = 0; at < events_per_session; at += batch_per_session) {
    st::write_batch batch;
    for (int s = 0; s < sessions; ++s)
      for (uint64_t i = at; i < at + batch_per_session; ++i)
        batch.events.push_back({"bench-" + std::to_string(s), i, payload});
    store.write(batch);
    ++commits;
  }
  auto t1 = clock::now();
  store.sync();
  auto t2 = clock::now();
  uint64_t read = 0;
  for (int s = 0; s < sessions; ++s)
    read += store.read_events("bench-" + std::to_string(s), 0, events_per_session).size();
  auto t3 = clock::now();

  auto secs = [](auto d) { return std::chrono::duration<double>(d).count(); };
  double total = double(sessions) * events_per_session;
  std::printf("append: %.0f events/s (%llu commits of %llu events, 100-byte payloads)\n",
              total / secs(t1 - t0), static_cast<unsigned long long>(commits),
              static_cast<unsigned long long>(sessions * batch_per_session));
  std::printf("sync: %.1f ms\n", secs(t2 - t1) * 1000);
  std::printf("replay read: %.0f events/s (%llu events)\n", double(read) / secs(t3 - t2),
              static_cast<unsigned long long>(read));

  // One event per commit: the worst case if the persister did not batch.
  auto t4 = clock::now();
  for (uint64_t i = events_per_session; i < events_per_session + 2000; ++i)
    store.append_events({{"bench-0", i, payload}});
  auto t5 = clock::now();
  std::printf("append, 1 event per commit: %.0f events/s\n", 2000 / secs(t5 - t4));
  return 0;
}
