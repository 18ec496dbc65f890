#include "store/lmdb_txn.hpp"
#include "store/meta_codec.hpp"
#include "store/store_impl.hpp"

namespace vlserve::store {

namespace {

bool expired(const session_meta& meta, int64_t now_unix, int64_t ttl_seconds) {
  if (!is_terminal(meta.state) || meta.updated_unix > now_unix) return false;
  // now >= updated, so the unsigned difference is the exact age even across the int64 range.
  uint64_t age = static_cast<uint64_t>(now_unix) - static_cast<uint64_t>(meta.updated_unix);
  return age >= static_cast<uint64_t>(ttl_seconds);
}

}  // namespace

sweep_result session_store::sweep_expired(int64_t now_unix, int64_t ttl_seconds, std::size_t max_scanned,
                                          std::size_t max_erased) {
  if (ttl_seconds < 0)
    throw store_error(store_errc::invalid_argument,
                      "sweep ttl_seconds is " + std::to_string(ttl_seconds) + "; use 0 or more");
  sweep_result result;
  if (max_scanned == 0 || max_erased == 0) return result;
  std::string resume_after;
  impl_->in_write_txn(
      [&](MDB_txn* txn) {
        result = sweep_result{};  // a retry after map growth starts over
        std::string last_key;
        {
          lmdb_cursor cursor(txn, impl_->meta_dbi, impl_->opts.path);
          const std::string& after = impl_->sweep_after;
          MDB_val key = as_val(after);
          MDB_val value;
          bool found =
              after.empty() ? cursor.move(key, value, MDB_FIRST) : cursor.move(key, value, MDB_SET_RANGE);
          if (found && !after.empty() && as_view(key) == after) found = cursor.move(key, value, MDB_NEXT);
          while (result.scanned < max_scanned && result.erased.size() < max_erased) {
            if (!found) {
              result.reached_end = true;
              break;
            }
            ++result.scanned;
            last_key = std::string(as_view(key));
            if (expired(decode_meta(last_key, as_view(value)), now_unix, ttl_seconds))
              result.erased.push_back(last_key);
            found = cursor.move(key, value, MDB_NEXT);
          }
          if (!result.reached_end && !found) result.reached_end = true;
        }
        // Deleting after the scan keeps the meta cursor valid while it walks.
        for (const std::string& id : result.erased) impl_->erase(txn, id);
        resume_after = result.reached_end ? std::string() : last_key;
      },
      true);
  impl_->sweep_after = std::move(resume_after);
  return result;
}

std::vector<std::string> session_store::mark_running_as_interrupted(int64_t now_unix) {
  std::vector<std::string> ids;
  impl_->in_write_txn(
      [&](MDB_txn* txn) {
        std::vector<session_meta> stale;
        {
          // Bounded by the number of sessions in the store; this runs once, at startup.
          lmdb_cursor cursor(txn, impl_->meta_dbi, impl_->opts.path);
          MDB_val key;
          MDB_val value;
          for (bool found = cursor.move(key, value, MDB_FIRST); found;
               found = cursor.move(key, value, MDB_NEXT)) {
            session_meta meta = decode_meta(as_view(key), as_view(value));
            if (!is_terminal(meta.state)) stale.push_back(std::move(meta));
          }
        }
        ids.clear();
        for (session_meta& meta : stale) {
          meta.state = session_state::interrupted;
          meta.updated_unix = now_unix;
          impl_->put(txn, impl_->meta_dbi, meta.id, encode_meta(meta),
                     "cannot mark session \"" + meta.id + "\" interrupted");
          ids.push_back(meta.id);
        }
      },
      true);  // rewrites only existing records, so it may use the delete reserve of a full store
  return ids;
}

}  // namespace vlserve::store
