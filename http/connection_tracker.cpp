#include "http/connection_tracker.hpp"

namespace vlserve::http {

void connection_tracker::add(size_t peer_id, std::string session_id, actors::sink_ptr sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& list = by_peer_[peer_id];
  if (list.size() >= max_per_connection) list.erase(list.begin());
  list.push_back({std::move(session_id), std::move(sink)});
}

std::vector<connection_tracker::attachment> connection_tracker::take(size_t peer_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = by_peer_.find(peer_id);
  if (it == by_peer_.end()) return {};
  auto out = std::move(it->second);
  by_peer_.erase(it);
  return out;
}

}  // namespace vlserve::http
