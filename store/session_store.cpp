#include "store/session_store.hpp"

#include <algorithm>
#include <filesystem>

#include "store/lmdb_txn.hpp"
#include "store/store_impl.hpp"

namespace vlserve::store {

namespace {

// Written once into "info"; a store written by an incompatible layout is refused at open.
constexpr std::string_view schema_key = "schema";
constexpr std::string_view schema_value = "vlserve-sessions/1";

// Room above max_map_bytes that only deleting transactions may use.
uint64_t delete_reserve(uint64_t cap) { return std::max<uint64_t>(cap / 8, 1u << 20); }

void prepare_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (!ec && !std::filesystem::is_directory(path, ec)) ec = std::make_error_code(std::errc::not_a_directory);
  if (ec)
    throw store_error(store_errc::io, "cannot create the session store directory " + path + ": " +
                                          ec.message() + "; set SESSIONS_DB_PATH to a writable directory");
}

}  // namespace

session_store::impl::~impl() {
  if (env == nullptr) return;
  if (env_open) mdb_env_sync(env, 1);  // best effort: a destructor cannot report failure
  mdb_env_close(env);
}

void session_store::impl::open() {
  const std::string& path = opts.path;
  prepare_directory(path);
  if (int rc = mdb_env_create(&env); rc != 0) {
    env = nullptr;
    throw_lmdb(rc, "cannot create an LMDB environment", path);
  }
  if (int rc = mdb_env_set_maxdbs(env, 4); rc != 0) throw_lmdb(rc, "cannot set maxdbs", path);
  if (int rc = mdb_env_set_mapsize(env, opts.initial_map_bytes); rc != 0)
    throw_lmdb(rc, "cannot set the map size", path);
  if (int rc = mdb_env_open(env, path.c_str(), MDB_NOSYNC | MDB_NOTLS, 0644); rc != 0)
    throw_lmdb(rc, "cannot open the LMDB environment", path);
  env_open = true;
  MDB_envinfo info;
  if (int rc = mdb_env_info(env, &info); rc != 0) throw_lmdb(rc, "cannot read the map size", path);
  // An existing file may already be larger than initial_map_bytes; LMDB then keeps its size.
  map_bytes = info.me_mapsize;

  in_write_txn([&](MDB_txn* txn) {
    auto open_dbi = [&](const char* name, MDB_dbi& dbi) {
      if (int rc = mdb_dbi_open(txn, name, MDB_CREATE, &dbi); rc != 0)
        throw_lmdb(rc, std::string("cannot open the database \"") + name + "\"", path);
    };
    open_dbi("info", info_dbi);
    open_dbi("meta", meta_dbi);
    open_dbi("requests", request_dbi);
    open_dbi("events", event_dbi);
    MDB_val key = as_val(schema_key);
    MDB_val value;
    int rc = mdb_get(txn, info_dbi, &key, &value);
    if (rc == MDB_NOTFOUND) {
      put(txn, info_dbi, schema_key, schema_value, "cannot write the schema version");
    } else if (rc != 0) {
      throw_lmdb(rc, "cannot read the schema version", path);
    } else if (as_view(value) != schema_value) {
      throw store_error(store_errc::corrupt, "session store at " + path + " has schema \"" +
                                                 std::string(as_view(value)) + "\", expected \"" +
                                                 std::string(schema_value) +
                                                 "\"; move it away or point SESSIONS_DB_PATH elsewhere");
    }
  });
}

void session_store::impl::in_write_txn(const std::function<void(MDB_txn*)>& body, bool allow_reserve) {
  const uint64_t limit =
      allow_reserve ? opts.max_map_bytes + delete_reserve(opts.max_map_bytes) : opts.max_map_bytes;
  // Each retry follows a doubling of the map and grow_map throws at the limit, so this loop runs
  // at most log2(limit / initial_map_bytes) + 1 times.
  try {
    for (;;) {
      try {
        lmdb_txn txn(env, true, opts.path);
        body(txn.get());
        txn.commit();
        break;
      } catch (const store_error& e) {
        if (e.code() != store_errc::map_full) throw;
      }
      grow_map(limit);  // the failed transaction is already aborted, as mdb_env_set_mapsize requires
    }
  } catch (...) {
    if (map_bytes > opts.max_map_bytes) shrink_to_cap();
    throw;
  }
  if (map_bytes > opts.max_map_bytes) shrink_to_cap();
}

void session_store::impl::in_read_txn(const std::function<void(MDB_txn*)>& body) const {
  lmdb_txn txn(env, false, opts.path);
  body(txn.get());
}

void session_store::impl::grow_map(uint64_t limit) {
  if (map_bytes >= limit)
    throw store_error(store_errc::map_full, "session store at " + opts.path +
                                                " is full: the map reached max_map_bytes (" +
                                                std::to_string(opts.max_map_bytes) +
                                                " bytes); sweep expired sessions or raise the cap");
  uint64_t next = std::min(limit, map_bytes * 2);
  if (int rc = mdb_env_set_mapsize(env, next); rc != 0)
    throw_lmdb(rc, "cannot grow the map to " + std::to_string(next) + " bytes", opts.path);
  map_bytes = next;
}

void session_store::impl::shrink_to_cap() {
  // LMDB raises a size below the data's end to that end, so read back what it chose. Best
  // effort: if it fails the map stays larger, which only delays the next map_full.
  MDB_envinfo info;
  if (mdb_env_set_mapsize(env, opts.max_map_bytes) == 0 && mdb_env_info(env, &info) == 0)
    map_bytes = info.me_mapsize;
}

session_store::session_store(store_options options) : impl_(std::make_unique<impl>()) {
  validate(options);
  impl_->opts = std::move(options);
  impl_->open();
}

session_store::~session_store() = default;
session_store::session_store(session_store&&) noexcept = default;
session_store& session_store::operator=(session_store&&) noexcept = default;

void session_store::sync() {
  if (int rc = mdb_env_sync(impl_->env, 1); rc != 0) throw_lmdb(rc, "cannot sync", impl_->opts.path);
}

uint64_t session_store::map_bytes() const { return impl_->map_bytes; }

const store_options& session_store::options() const { return impl_->opts; }

}  // namespace vlserve::store
