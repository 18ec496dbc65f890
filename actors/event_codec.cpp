#include "actors/event_codec.hpp"

#include <caf/all.hpp>
#include <stdexcept>

namespace vlserve::actors {

namespace {

// Format 2 records start with this tag. Format 1 records (releases up to 2026-11-26) have none:
// they begin with the 8-byte event index, and read as an index these 4 bytes would be at least
// 0x02454C56 (38 million) — more events than a session can hold (max_tokens <= 2^24).
const std::string k_tag_v2 = std::string("VLE") + char(2);

// Format 1: usage had no cached_tokens.
struct usage_counts_v1 {
  int32_t prompt_tokens = 0, completion_tokens = 0, reasoning_tokens = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usage_counts_v1& x) {
  return f(caf::meta::type_name("usage_counts"), x.prompt_tokens, x.completion_tokens, x.reasoning_tokens);
}

struct stream_event_v1 {
  stream_event ev;
  usage_counts_v1 usage;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stream_event_v1& x) {
  stream_event& e = x.ev;
  return f(caf::meta::type_name("stream_event"), e.index, e.role, e.reasoning, e.content, e.tool_calls,
           e.logprobs, e.finish_reason, x.usage, e.error_status, e.error_message, e.error_type,
           e.usage_only, e.final);
}

template <class T>
void read_all(caf::actor_system& sys, const char* data, size_t size, T& out) {
  caf::binary_deserializer source{sys, data, size};
  if (auto err = source(out)) throw std::runtime_error("stored event is unreadable: " + sys.render(err));
  if (source.remaining() != 0) throw std::runtime_error("stored event has trailing bytes");
}

}  // namespace

std::string encode_event(caf::actor_system& sys, const stream_event& ev) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = ev;
  if (auto err = sink(copy)) throw std::runtime_error("cannot encode event: " + sys.render(err));
  return k_tag_v2 + std::string(buf.begin(), buf.end());
}

stream_event decode_event(caf::actor_system& sys, const std::string& bytes) {
  if (bytes.compare(0, k_tag_v2.size(), k_tag_v2) == 0) {
    stream_event ev;
    read_all(sys, bytes.data() + k_tag_v2.size(), bytes.size() - k_tag_v2.size(), ev);
    return ev;
  }
  stream_event_v1 old;
  read_all(sys, bytes.data(), bytes.size(), old);
  old.ev.usage = {old.usage.prompt_tokens, old.usage.completion_tokens, old.usage.reasoning_tokens, 0};
  return std::move(old.ev);
}

std::string encode_session_flags(const session_info& info) {
  return std::string("v1 usage=") + (info.include_usage ? "1" : "0") + " logprobs=" + (info.logprobs ? "1" : "0");
}

void decode_session_flags(const std::string& text, session_info& info) {
  info.include_usage = text.find("usage=1") != std::string::npos;
  info.logprobs = text.find("logprobs=1") != std::string::npos;
}

}  // namespace vlserve::actors
