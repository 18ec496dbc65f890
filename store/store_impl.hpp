// Internal to store/: the state behind session_store and the per-transaction helpers its
// methods share. Split across session_store.cpp, store_writes.cpp, store_reads.cpp and
// store_maintenance.cpp.
#pragma once

#include <lmdb.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/records.hpp"
#include "store/session_store.hpp"
#include "store/store_options.hpp"

namespace vlserve::store {

struct session_store::impl {
  store_options opts;
  MDB_env* env = nullptr;
  bool env_open = false;
  MDB_dbi info_dbi = 0;     // "info": schema version
  MDB_dbi meta_dbi = 0;     // "meta": id -> encode_meta(...)
  MDB_dbi request_dbi = 0;  // "requests": id -> original request text
  MDB_dbi event_dbi = 0;    // "events": event_key(id, index) -> payload
  uint64_t map_bytes = 0;
  std::string sweep_after;  // meta key the next sweep starts after; empty = from the first

  impl() = default;
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;
  ~impl();

  void open();
  // Runs body in a write transaction and commits. On MDB_MAP_FULL the attempt is discarded, the
  // map doubles and body runs again, so body must not change state outside the transaction.
  // Deleting needs free pages too (copy-on-write), so a store full at max_map_bytes could never
  // be swept; deletes therefore run with allow_reserve and may grow into a reserve above the cap,
  // after which the map is shrunk back to the cap (LMDB keeps it at least as large as the data).
  void in_write_txn(const std::function<void(MDB_txn*)>& body, bool allow_reserve = false);
  void in_read_txn(const std::function<void(MDB_txn*)>& body) const;
  void grow_map(uint64_t limit);
  void shrink_to_cap();

  std::optional<session_meta> get_meta(MDB_txn* txn, std::string_view id) const;
  std::optional<std::string> get_request(MDB_txn* txn, std::string_view id) const;
  void put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
           std::string_view what) const;
  // Deletes events, request and meta of one session; false when there was no meta record.
  bool erase(MDB_txn* txn, std::string_view id) const;
};

}  // namespace vlserve::store
