// Internal to store/: small RAII wrappers over the LMDB C API. Never include from other layers.
#pragma once

#include <lmdb.h>

#include <string>
#include <string_view>

namespace vlserve::store {

// Throws store_error whose code follows rc (MDB_MAP_FULL -> map_full, damaged file -> corrupt,
// else io) and whose message is "<what> (session store at <path>): <mdb_strerror(rc)>".
[[noreturn]] void throw_lmdb(int rc, std::string_view what, const std::string& path);

inline MDB_val as_val(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}
inline std::string_view as_view(const MDB_val& val) {
  return {static_cast<const char*>(val.mv_data), val.mv_size};
}

// A transaction that aborts unless commit() succeeded. Never outlives one store call.
class lmdb_txn {
 public:
  lmdb_txn(MDB_env* env, bool write, const std::string& path);
  ~lmdb_txn();
  lmdb_txn(const lmdb_txn&) = delete;
  lmdb_txn& operator=(const lmdb_txn&) = delete;

  void commit();
  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
  const std::string& path_;
};

class lmdb_cursor {
 public:
  lmdb_cursor(MDB_txn* txn, MDB_dbi dbi, const std::string& path);
  ~lmdb_cursor() { mdb_cursor_close(cursor_); }
  lmdb_cursor(const lmdb_cursor&) = delete;
  lmdb_cursor& operator=(const lmdb_cursor&) = delete;

  // Positions the cursor; false at the end of the database (MDB_NOTFOUND), throws on failure.
  bool move(MDB_val& key, MDB_val& value, MDB_cursor_op op);
  // Deletes the record under the cursor.
  void erase();

 private:
  MDB_cursor* cursor_ = nullptr;
  const std::string& path_;
};

}  // namespace vlserve::store
