#include "store/keys.hpp"
#include "store/lmdb_txn.hpp"
#include "store/meta_codec.hpp"
#include "store/session_id.hpp"
#include "store/store_impl.hpp"

namespace vlserve::store {

std::optional<session_meta> session_store::impl::get_meta(MDB_txn* txn, std::string_view id) const {
  MDB_val key = as_val(id);
  MDB_val value;
  int rc = mdb_get(txn, meta_dbi, &key, &value);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (rc != 0) throw_lmdb(rc, "cannot read the metadata of session \"" + std::string(id) + "\"", opts.path);
  return decode_meta(id, as_view(value));
}

std::optional<std::string> session_store::impl::get_request(MDB_txn* txn, std::string_view id) const {
  MDB_val key = as_val(id);
  MDB_val value;
  int rc = mdb_get(txn, request_dbi, &key, &value);
  if (rc == MDB_NOTFOUND) return std::nullopt;
  if (rc != 0) throw_lmdb(rc, "cannot read the request of session \"" + std::string(id) + "\"", opts.path);
  return std::string(as_view(value));
}

std::optional<session_meta> session_store::load_meta(std::string_view id, bool with_request) const {
  validate_session_id(id);
  std::optional<session_meta> meta;
  impl_->in_read_txn([&](MDB_txn* txn) {
    meta = impl_->get_meta(txn, id);
    if (meta && with_request) meta->request = impl_->get_request(txn, id);
  });
  return meta;
}

std::vector<stored_event> session_store::read_events(std::string_view id, uint64_t from_index,
                                                     std::size_t max_count) const {
  validate_session_id(id);
  std::vector<stored_event> out;
  if (max_count == 0 || from_index > max_event_index) return out;
  impl_->in_read_txn([&](MDB_txn* txn) {
    std::string prefix = event_prefix(id);
    std::string start = event_key(id, from_index);
    lmdb_cursor cursor(txn, impl_->event_dbi, impl_->opts.path);
    MDB_val key = as_val(start);
    MDB_val value;
    bool found = cursor.move(key, value, MDB_SET_RANGE);
    while (found && out.size() < max_count) {
      auto index = parse_event_index(as_view(key), prefix);
      if (!index) break;  // past this session's range
      out.push_back(stored_event{*index, std::string(as_view(value))});
      found = cursor.move(key, value, MDB_NEXT);
    }
  });
  return out;
}

std::vector<session_meta> session_store::list_sessions(std::string_view after_id,
                                                       std::size_t max_count) const {
  if (!after_id.empty()) validate_session_id(after_id);
  std::vector<session_meta> out;
  if (max_count == 0) return out;
  impl_->in_read_txn([&](MDB_txn* txn) {
    lmdb_cursor cursor(txn, impl_->meta_dbi, impl_->opts.path);
    MDB_val key = as_val(after_id);
    MDB_val value;
    bool found =
        after_id.empty() ? cursor.move(key, value, MDB_FIRST) : cursor.move(key, value, MDB_SET_RANGE);
    if (found && !after_id.empty() && as_view(key) == after_id) found = cursor.move(key, value, MDB_NEXT);
    while (found && out.size() < max_count) {
      out.push_back(decode_meta(as_view(key), as_view(value)));
      found = cursor.move(key, value, MDB_NEXT);
    }
  });
  return out;
}

}  // namespace vlserve::store
