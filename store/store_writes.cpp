#include <map>

#include "store/keys.hpp"
#include "store/lmdb_txn.hpp"
#include "store/meta_codec.hpp"
#include "store/session_id.hpp"
#include "store/store_impl.hpp"

namespace vlserve::store {

namespace {

[[noreturn]] void too_big(const std::string& what, std::size_t size, std::size_t limit) {
  throw store_error(store_errc::limit_exceeded, what + " is " + std::to_string(size) +
                                                    " bytes, above the limit of " + std::to_string(limit));
}

// Checks everything that does not need the database, so a bad batch never opens a transaction.
void check_batch(const write_batch& batch, const store_options& opts) {
  for (const session_meta& meta : batch.metas) {
    validate_session_id(meta.id);
    if (meta.model.size() > opts.max_model_bytes)
      too_big("model name of session \"" + meta.id + "\"", meta.model.size(), opts.max_model_bytes);
    if (meta.request && meta.request->size() > opts.max_request_bytes)
      too_big("request of session \"" + meta.id + "\"", meta.request->size(), opts.max_request_bytes);
  }
  for (const event_record& event : batch.events) {
    validate_session_id(event.session_id);
    if (event.payload.size() > opts.max_event_bytes)
      too_big("event " + std::to_string(event.index) + " of session \"" + event.session_id + "\"",
              event.payload.size(), opts.max_event_bytes);
    if (event.index >= opts.max_events_per_session)
      throw store_error(store_errc::limit_exceeded,
                        "session \"" + event.session_id + "\" reached the limit of " +
                            std::to_string(opts.max_events_per_session) + " events");
  }
}

}  // namespace

void session_store::impl::put(MDB_txn* txn, MDB_dbi dbi, std::string_view key, std::string_view value,
                              std::string_view what) const {
  MDB_val k = as_val(key);
  MDB_val v = as_val(value);
  if (int rc = mdb_put(txn, dbi, &k, &v, 0); rc != 0) throw_lmdb(rc, what, opts.path);
}

bool session_store::impl::erase(MDB_txn* txn, std::string_view id) const {
  MDB_val key = as_val(id);
  int rc = mdb_del(txn, meta_dbi, &key, nullptr);
  if (rc == MDB_NOTFOUND) return false;
  if (rc != 0) throw_lmdb(rc, "cannot delete the metadata of session \"" + std::string(id) + "\"", opts.path);
  rc = mdb_del(txn, request_dbi, &key, nullptr);
  if (rc != 0 && rc != MDB_NOTFOUND)
    throw_lmdb(rc, "cannot delete the request of session \"" + std::string(id) + "\"", opts.path);

  // Walk the session's key range and delete record by record. After a cursor delete, MDB_NEXT
  // returns the record that moved under the cursor, so nothing is skipped. The range holds at
  // most max_events_per_session records.
  std::string prefix = event_prefix(id);
  lmdb_cursor cursor(txn, event_dbi, opts.path);
  MDB_val k = as_val(prefix);
  MDB_val v;
  bool found = cursor.move(k, v, MDB_SET_RANGE);
  while (found && as_view(k).substr(0, prefix.size()) == prefix) {
    cursor.erase();
    found = cursor.move(k, v, MDB_NEXT);
  }
  return true;
}

void session_store::write(const write_batch& batch) {
  check_batch(batch, impl_->opts);
  impl_->in_write_txn([&](MDB_txn* txn) {
    // Metadata as it will be after this batch, by session id; written once at the end so a batch
    // of many events rewrites each metadata record only once.
    std::map<std::string, session_meta, std::less<>> pending;
    for (const session_meta& meta : batch.metas) {
      uint64_t count = 0;
      if (auto it = pending.find(meta.id); it != pending.end())
        count = it->second.event_count;
      else if (auto stored = impl_->get_meta(txn, meta.id))
        count = stored->event_count;
      session_meta& entry = pending[meta.id];
      entry = meta;
      entry.event_count = count;
      if (meta.request)
        impl_->put(txn, impl_->request_dbi, meta.id, *meta.request,
                   "cannot write the request of session \"" + meta.id + "\"");
    }
    for (const event_record& event : batch.events) {
      auto it = pending.find(event.session_id);
      if (it == pending.end()) {
        auto stored = impl_->get_meta(txn, event.session_id);
        if (!stored)
          throw store_error(store_errc::not_found, "cannot append events to unknown session \"" +
                                                       event.session_id + "\"; put its metadata first");
        it = pending.emplace(event.session_id, std::move(*stored)).first;
      }
      session_meta& meta = it->second;
      if (event.index != meta.event_count)
        throw store_error(store_errc::out_of_order,
                          "session \"" + event.session_id + "\": expected event index " +
                              std::to_string(meta.event_count) + ", got " + std::to_string(event.index));
      impl_->put(txn, impl_->event_dbi, event_key(event.session_id, event.index), event.payload,
                 "cannot append an event to session \"" + event.session_id + "\"");
      ++meta.event_count;
    }
    for (const auto& [id, meta] : pending)
      impl_->put(txn, impl_->meta_dbi, id, encode_meta(meta),
                 "cannot write the metadata of session \"" + id + "\"");
  });
}

void session_store::put_meta(const session_meta& meta) { write(write_batch{{meta}, {}}); }

void session_store::append_events(const std::vector<event_record>& events) { write(write_batch{{}, events}); }

bool session_store::erase_session(std::string_view id) {
  validate_session_id(id);
  bool existed = false;
  impl_->in_write_txn([&](MDB_txn* txn) { existed = impl_->erase(txn, id); }, true);
  return existed;
}

}  // namespace vlserve::store
