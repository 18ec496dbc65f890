// Remembers which session sinks each TCP connection feeds, so that when Pistache reports a
// closed connection every session it was attached to learns that this client is gone.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/event_sink.hpp"

namespace vlserve::http {

class connection_tracker {
 public:
  struct attachment {
    std::string session_id;
    actors::sink_ptr sink;
  };
  static constexpr size_t max_per_connection = 64;  // keep-alive reuse: oldest entries drop out

  void add(size_t peer_id, std::string session_id, actors::sink_ptr sink);
  // Removes and returns what the connection was attached to.
  std::vector<attachment> take(size_t peer_id);

 private:
  std::mutex mutex_;
  std::unordered_map<size_t, std::vector<attachment>> by_peer_;
};

}  // namespace vlserve::http
