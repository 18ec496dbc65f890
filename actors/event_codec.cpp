#include "actors/event_codec.hpp"

#include <caf/all.hpp>
#include <stdexcept>

namespace vlserve::actors {

std::string encode_event(caf::actor_system& sys, const stream_event& ev) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = ev;
  if (auto err = sink(copy)) throw std::runtime_error("cannot encode event: " + sys.render(err));
  return std::string(buf.begin(), buf.end());
}

stream_event decode_event(caf::actor_system& sys, const std::string& bytes) {
  stream_event ev;
  caf::binary_deserializer source{sys, bytes.data(), bytes.size()};
  if (auto err = source(ev)) throw std::runtime_error("stored event is unreadable: " + sys.render(err));
  return ev;
}

std::string encode_session_flags(const session_info& info) {
  return std::string("v1 usage=") + (info.include_usage ? "1" : "0") + " logprobs=" + (info.logprobs ? "1" : "0");
}

void decode_session_flags(const std::string& text, session_info& info) {
  info.include_usage = text.find("usage=1") != std::string::npos;
  info.logprobs = text.find("logprobs=1") != std::string::npos;
}

}  // namespace vlserve::actors
