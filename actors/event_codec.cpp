#include "actors/event_codec.hpp"

#include <caf/all.hpp>
#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace vlserve::actors {

namespace {

// Format 4 records (this release) start with this tag; format 3 with "VLE\x03", format 2 with
// "VLE\x02". Format 1 records (releases up to 2026-11-26) have no tag: they begin with the 8-byte
// event index, and read as an index these 4 bytes would be at least 0x02454C56 (38 million), more
// events than a session holds.
const std::string k_tag_v4 = std::string("VLE") + char(4);
const std::string k_tag_v3 = std::string("VLE") + char(3);
const std::string k_tag_v2 = std::string("VLE") + char(2);

// Format 3: format 4 without the choice index (every event is choice 0's).
struct format3_event {
  stream_event ev;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, format3_event& r) {
  stream_event& x = r.ev;
  return f(caf::meta::type_name("stream_event"), x.index, x.role, x.reasoning, x.content, x.tool_calls,
           x.logprobs, x.finish_reason, x.usage, x.error, x.error_message, x.usage_only, x.final);
}

// Formats 1 and 2 kept finish_reason as text and the failure as an HTTP status plus type.
struct legacy_event {
  stream_event ev;
  std::string finish_reason;
  int32_t error_status = 0;
  std::string error_type;
  int32_t prompt_tokens = 0, completion_tokens = 0, reasoning_tokens = 0, cached_tokens = 0;
};

// Format 1: usage had no cached_tokens.
struct legacy_usage_v1 {
  legacy_event* x;
};
struct legacy_usage_v2 {
  legacy_event* x;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, legacy_usage_v1& u) {
  return f(caf::meta::type_name("usage_counts"), u.x->prompt_tokens, u.x->completion_tokens, u.x->reasoning_tokens);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, legacy_usage_v2& u) {
  return f(caf::meta::type_name("usage_counts"), u.x->prompt_tokens, u.x->completion_tokens, u.x->reasoning_tokens,
           u.x->cached_tokens);
}

template <class Usage>
struct legacy_record {
  legacy_event x;
};

template <class Inspector, class Usage>
typename Inspector::result_type inspect(Inspector& f, legacy_record<Usage>& r) {
  legacy_event& x = r.x;
  stream_event& e = x.ev;
  Usage usage{&x};
  return f(caf::meta::type_name("stream_event"), e.index, e.role, e.reasoning, e.content, e.tool_calls,
           e.logprobs, x.finish_reason, usage, x.error_status, e.error_message, x.error_type, e.usage_only, e.final);
}

finish finish_from_text(const std::string& text) {
  for (const finish f : {finish::stop, finish::length, finish::tool_calls, finish::cancelled, finish::interrupted,
                         finish::error})
    if (text == finish_name(f)) return f;
  if (text.empty()) return finish::none;
  throw std::runtime_error("stored event has an unknown finish_reason '" + text + "'");
}

// The failure the status stood for when formats 1 and 2 were written (a 503 was either; both
// render as 503).
failure failure_from_status(int32_t status) {
  switch (status) {
    case 0: return failure::none;
    case 400: return failure::bad_request;
    case 404: return failure::unknown_session;
    case 409: return failure::session_exists;
    case 410: return failure::events_expired;
    case 429: return failure::queue_full;
    case 502: return failure::node_lost;
    case 503: return failure::over_capacity;
    default: return failure::internal;
  }
}

stream_event upgrade(legacy_event x) {
  stream_event ev = std::move(x.ev);
  ev.finish_reason = finish_from_text(x.finish_reason);
  ev.error = failure_from_status(x.error_status);
  ev.usage = {x.prompt_tokens, x.completion_tokens, x.reasoning_tokens, x.cached_tokens};
  return ev;
}

template <class T>
void read_all(caf::actor_system& sys, const char* data, size_t size, T& out) {
  caf::binary_deserializer source{sys, data, size};
  if (auto err = source(out)) throw std::runtime_error("stored event is unreadable: " + sys.render(err));
  if (source.remaining() != 0) throw std::runtime_error("stored event has trailing bytes");
}

bool starts_with(const std::string& bytes, const std::string& tag) { return bytes.compare(0, tag.size(), tag) == 0; }

}  // namespace

std::string encode_event(caf::actor_system& sys, const stream_event& ev) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = ev;
  if (auto err = sink(copy)) throw std::runtime_error("cannot encode event: " + sys.render(err));
  return k_tag_v4 + std::string(buf.begin(), buf.end());
}

stream_event decode_event(caf::actor_system& sys, const std::string& bytes) {
  auto checked = [](stream_event ev) {
    if (uint8_t(ev.finish_reason) > uint8_t(finish::error) || uint8_t(ev.error) > uint8_t(failure::timed_out))
      throw std::runtime_error("stored event has an unknown finish_reason or failure");
    if (ev.choice < 0) throw std::runtime_error("stored event has a negative choice index");
    return ev;
  };
  if (starts_with(bytes, k_tag_v4)) {
    stream_event ev;
    read_all(sys, bytes.data() + k_tag_v4.size(), bytes.size() - k_tag_v4.size(), ev);
    return checked(std::move(ev));
  }
  if (starts_with(bytes, k_tag_v3)) {
    format3_event old;
    read_all(sys, bytes.data() + k_tag_v3.size(), bytes.size() - k_tag_v3.size(), old);
    return checked(std::move(old.ev));
  }
  if (starts_with(bytes, k_tag_v2)) {
    legacy_record<legacy_usage_v2> old;
    read_all(sys, bytes.data() + k_tag_v2.size(), bytes.size() - k_tag_v2.size(), old);
    return upgrade(std::move(old.x));
  }
  legacy_record<legacy_usage_v1> old;
  read_all(sys, bytes.data(), bytes.size(), old);
  return upgrade(std::move(old.x));
}

std::string encode_session_flags(const session_info& info) {
  return std::string("v2;include_usage=") + (info.include_usage ? "1" : "0") + ";logprobs=" + (info.logprobs ? "1" : "0") +
         ";n=" + std::to_string(info.choices);
}

void decode_session_flags(const std::string& text, session_info& info) {
  info.include_usage = false;
  info.logprobs = false;
  info.choices = 1;  // written before n > 1: one choice
  // Format 2: "v2;include_usage=1;logprobs=0"; format 1: "v1 usage=1 logprobs=0". Each field is
  // read whole; unknown ones are skipped (a newer writer).
  const bool v2 = text.rfind("v2;", 0) == 0;
  if (!v2 && text.rfind("v1 ", 0) != 0) return;
  const char separator = v2 ? ';' : ' ';
  const std::string usage_on = v2 ? "include_usage=1" : "usage=1";
  for (size_t start = 3; start < text.size();) {
    size_t end = text.find(separator, start);
    if (end == std::string::npos) end = text.size();
    const std::string field = text.substr(start, end - start);
    if (field == usage_on) info.include_usage = true;
    if (field == "logprobs=1") info.logprobs = true;
    if (v2 && field.rfind("n=", 0) == 0) info.choices = std::clamp(std::atoi(field.c_str() + 2), 1, 128);
    start = end + 1;
  }
}

}  // namespace vlserve::actors
