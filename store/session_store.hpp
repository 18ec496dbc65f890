// The LMDB session store: per session a metadata record, the original request text and the SSE
// event log, so a client can replay from any event index after a reconnect or a restart.
//
// Thread rule: one caller at a time (the persister actor owns the store). Calls must not overlap;
// no transaction outlives a call and the environment is opened with MDB_NOTLS, so the owner may
// move between threads from one call to the next. Do not open the same path twice in one process
// (LMDB's locks are per process).
//
// Durability: MDB_NOSYNC. A process crash loses nothing; an OS crash may lose the commits since
// the last sync(). Call sync() when a stream ends and at shutdown (the destructor syncs too).
//
// Every method throws store_error (see store_error.hpp) and leaves the store unchanged on error:
// a write_batch commits completely or not at all.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"
#include "store/store_error.hpp"
#include "store/store_options.hpp"

namespace vlserve::store {

class session_store {
 public:
  // Creates the directory if missing and opens (or creates) the environment in it.
  explicit session_store(store_options options);
  ~session_store();  // syncs, then closes
  session_store(session_store&&) noexcept;
  session_store& operator=(session_store&&) noexcept;

  // One transaction: upserts metas (event_count kept; request nullopt keeps the stored text),
  // then appends events. Each event's index must be its session's current event_count and its
  // session must have a metadata record (stored or earlier in this batch).
  void write(const write_batch& batch);
  void put_meta(const session_meta& meta);
  void append_events(const std::vector<event_record>& events);

  // nullopt when the session is unknown. with_request=false skips reading the request text.
  std::optional<session_meta> load_meta(std::string_view id, bool with_request = true) const;
  // Up to max_count events with index >= from_index, in index order.
  std::vector<stored_event> read_events(std::string_view id, uint64_t from_index,
                                        std::size_t max_count) const;
  // Up to max_count sessions with id > after_id (empty: from the first), in id order, request nullopt.
  std::vector<session_meta> list_sessions(std::string_view after_id, std::size_t max_count) const;

  // Deletes a session's events, request and metadata; false when it did not exist.
  bool erase_session(std::string_view id);
  // Deletes terminal sessions whose updated_unix is at least ttl_seconds before now_unix. Looks at
  // no more than max_scanned records and deletes no more than max_erased sessions per call; the
  // next call continues where this one stopped, so repeated calls cover the whole store.
  sweep_result sweep_expired(int64_t now_unix, int64_t ttl_seconds, std::size_t max_scanned,
                             std::size_t max_erased);
  // Startup: queued/running sessions belonged to a process that died; they become interrupted
  // with updated_unix = now_unix. Returns their ids in id order.
  std::vector<std::string> mark_running_as_interrupted(int64_t now_unix);

  // Flushes committed data to disk (fsync).
  void sync();
  // The current map size in bytes (grows on MDB_MAP_FULL).
  uint64_t map_bytes() const;
  const store_options& options() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace vlserve::store
