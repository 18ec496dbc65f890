#include "actors/persister.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "actors/atoms.hpp"
#include "actors/event_codec.hpp"
#include "actors/messages.hpp"
#include "store/session_id.hpp"
#include "store/session_store.hpp"

namespace vlserve::actors {
namespace {

int64_t now_unix() { return int64_t(std::time(nullptr)); }


session_info info_of(const store::session_meta& m) {
  session_info info;
  info.id = m.id;
  info.state = m.state;
  info.model = m.model;
  info.created = m.created_unix;
  info.event_count = m.event_count;
  if (m.request) decode_session_flags(*m.request, info);
  return info;
}

struct persister_state {
  static inline const char* name = "persister";
  std::unique_ptr<store::session_store> store;
  persister_config cfg;
};

// The choices of an n > 1 session that have no finish event in the store yet.
std::vector<int32_t> open_choices(caf::actor_system& sys, const store::session_store& st, const session_info& info) {
  std::vector<bool> ended(size_t(std::max(1, info.choices)), false);
  if (ended.size() > 1) {
    for (uint64_t from = 0; from < info.event_count;) {
      const auto page = st.read_events(info.id, from, 256);
      if (page.empty()) break;
      for (const auto& rec : page) {
        const auto ev = decode_event(sys, rec.payload);
        if (ev.finish_reason != finish::none && ev.choice >= 0 && size_t(ev.choice) < ended.size()) ended[size_t(ev.choice)] = true;
      }
      from = page.back().index + 1;
    }
  }
  std::vector<int32_t> open;
  for (size_t c = 0; c < ended.size(); ++c)
    if (!ended[c]) open.push_back(int32_t(c));
  if (open.empty()) open.push_back(0);
  return open;
}

// Sessions cut off by a crash get a last event per unfinished choice so a replay ends properly,
// then state interrupted.
void close_interrupted(caf::actor_system& sys, store::session_store& st) {
  for (const auto& id : st.mark_running_as_interrupted(now_unix())) {
    auto meta = st.load_meta(id, true);
    if (!meta) continue;
    const auto open = open_choices(sys, st, info_of(*meta));
    std::vector<store::event_record> records;
    for (size_t i = 0; i < open.size(); ++i) {
      stream_event ev;
      ev.index = meta->event_count + i;
      ev.choice = open[i];
      ev.finish_reason = finish::interrupted;
      ev.final = i + 1 == open.size();
      records.push_back({id, ev.index, encode_event(sys, ev)});
    }
    st.append_events(records);
    spdlog::info("session {}: interrupted by a restart after {} events", id, meta->event_count);
  }
  st.sync();
}

persister_actor::behavior_type persister_behavior(persister_actor::stateful_pointer<persister_state> self,
                                                  persister_config cfg) {
  auto& s = self->state;
  s.cfg = cfg;
  store::store_options opts;
  opts.path = cfg.path;
  opts.max_request_bytes = uint64_t(cfg.max_request_bytes);
  s.store = std::make_unique<store::session_store>(opts);
  close_interrupted(self->system(), *s.store);
  self->delayed_send(self, cfg.sweep_every, vl_expire_atom::value);
  return {
      // Answers so a new session learns its metadata is stored (or why not) before it generates.
      [=](vl_persist_atom, const session_info& info) -> caf::result<bool> {
        store::session_meta m;
        m.id = info.id;
        m.state = info.state;
        m.created_unix = info.created;
        m.updated_unix = now_unix();
        m.model = info.model;
        m.request = encode_session_flags(info);
        try {
          self->state.store->put_meta(m);
        } catch (const std::exception& e) {
          spdlog::error("session {}: storing metadata failed: {}", info.id, e.what());
          return caf::make_error(caf::sec::runtime_error, e.what());
        }
        return true;
      },
      [=](vl_persist_atom, const std::string& id, const stream_event& ev) -> caf::result<uint64_t> {
        try {
          self->state.store->append_events({{id, ev.index, encode_event(self->system(), ev)}});
        } catch (const std::exception& e) {
          // The stream goes on (clients still get live events); only its replay is incomplete.
          spdlog::error("session {}: storing event {} failed: {}", id, ev.index, e.what());
        }
        return ev.index;
      },
      [=](vl_flush_atom) {
        try {
          self->state.store->sync();
        } catch (const std::exception& e) {
          spdlog::error("session store sync failed: {}", e.what());
        }
      },
      [=](vl_load_atom, const std::string& id) -> caf::result<session_info> {
        if (!store::is_valid_session_id(id)) return caf::make_error(caf::sec::invalid_argument, "bad id");
        auto meta = self->state.store->load_meta(id);
        if (!meta) return caf::make_error(caf::sec::invalid_argument, "unknown session");
        return info_of(*meta);
      },
      [=](vl_load_atom, const std::string& id, uint64_t from, uint32_t max) -> std::vector<stream_event> {
        std::vector<stream_event> out;
        for (const auto& e : self->state.store->read_events(id, from, std::min<uint32_t>(max, 1024))) {
          try {
            out.push_back(decode_event(self->system(), e.payload));
          } catch (const std::exception& ex) {
            spdlog::error("session {}: {}", id, ex.what());
            break;
          }
        }
        return out;
      },
      [=](vl_expire_atom) {
        try {
          auto r = self->state.store->sweep_expired(now_unix(), self->state.cfg.ttl_seconds, 1000, 100);
          if (!r.erased.empty()) spdlog::info("swept {} expired sessions", r.erased.size());
        } catch (const std::exception& e) {
          spdlog::error("session sweep failed: {}", e.what());
        }
        self->delayed_send(self, self->state.cfg.sweep_every, vl_expire_atom::value);
      },
  };
}

}  // namespace

void persister_config::validate() const {
  if (path.empty()) throw std::invalid_argument("SESSIONS_DB_PATH must not be empty");
  if (ttl_seconds < 1) throw std::invalid_argument("SESSIONS_TTL_SECONDS must be >= 1");
}

persister_actor spawn_persister(caf::actor_system& sys, const persister_config& cfg) {
  cfg.validate();
  // Open once here so a bad path fails start-up with a message instead of a dead actor.
  { store::session_store probe({cfg.path}); }
  return sys.spawn<caf::detached>(persister_behavior, cfg);
}

}  // namespace vlserve::actors
