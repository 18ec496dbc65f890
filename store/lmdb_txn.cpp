#include "store/lmdb_txn.hpp"

#include "store/store_error.hpp"

namespace vlserve::store {

void throw_lmdb(int rc, std::string_view what, const std::string& path) {
  store_errc code = store_errc::io;
  if (rc == MDB_MAP_FULL)
    code = store_errc::map_full;
  else if (rc == MDB_CORRUPTED || rc == MDB_INVALID || rc == MDB_VERSION_MISMATCH ||
           rc == MDB_PAGE_NOTFOUND || rc == MDB_INCOMPATIBLE)
    code = store_errc::corrupt;
  throw store_error(code, std::string(what) + " (session store at " + path + "): " + mdb_strerror(rc));
}

lmdb_txn::lmdb_txn(MDB_env* env, bool write, const std::string& path) : path_(path) {
  unsigned flags = write ? 0u : static_cast<unsigned>(MDB_RDONLY);
  int rc = mdb_txn_begin(env, nullptr, flags, &txn_);
  if (rc == MDB_MAP_RESIZED) {
    // Another process grew the map; adopt its size (0 = use the size recorded in the file).
    rc = mdb_env_set_mapsize(env, 0);
    if (rc == 0) rc = mdb_txn_begin(env, nullptr, flags, &txn_);
  }
  if (rc != 0) {
    txn_ = nullptr;
    throw_lmdb(rc, write ? "cannot begin a write transaction" : "cannot begin a read transaction", path);
  }
}

lmdb_txn::~lmdb_txn() {
  if (txn_ != nullptr) mdb_txn_abort(txn_);
}

void lmdb_txn::commit() {
  // mdb_txn_commit frees the transaction even when it fails, so forget it first.
  MDB_txn* txn = txn_;
  txn_ = nullptr;
  if (int rc = mdb_txn_commit(txn); rc != 0) throw_lmdb(rc, "cannot commit", path_);
}

lmdb_cursor::lmdb_cursor(MDB_txn* txn, MDB_dbi dbi, const std::string& path) : path_(path) {
  if (int rc = mdb_cursor_open(txn, dbi, &cursor_); rc != 0) throw_lmdb(rc, "cannot open a cursor", path);
}

bool lmdb_cursor::move(MDB_val& key, MDB_val& value, MDB_cursor_op op) {
  int rc = mdb_cursor_get(cursor_, &key, &value, op);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) throw_lmdb(rc, "cannot read through a cursor", path_);
  return true;
}

void lmdb_cursor::erase() {
  if (int rc = mdb_cursor_del(cursor_, 0); rc != 0) throw_lmdb(rc, "cannot delete a record", path_);
}

}  // namespace vlserve::store
