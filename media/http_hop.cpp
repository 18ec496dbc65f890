#include "media/http_hop.hpp"

#include <curl/curl.h>
#include <sys/socket.h>

#include <cctype>
#include <memory>
#include <string_view>
#include <mutex>

#include "media/address_filter.hpp"

namespace vlserve::media {
namespace {

constexpr size_t max_redirect_body = 64 * 1024;

struct easy_deleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

struct hop_state {
  CURL* curl = nullptr;
  const hop_limits* limits = nullptr;
  hop_result* result = nullptr;
  size_t skipped_bytes = 0;
};

long response_code(CURL* c) {
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

// Runs for every connection attempt, after DNS and before connect(): the address checked is the
// one the socket will reach, so DNS rebinding or a name pointing inside cannot slip past.
curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* addr) {
  auto* st = static_cast<hop_state*>(user);
  const auto* sa = &addr->addr;
  if (!st->limits->allow_private) {
    const std::string kind = restricted_address_kind(sa, addr->addrlen);
    if (!kind.empty()) {
      if (st->result->refused_address.empty())
        st->result->refused_address = address_text(sa, addr->addrlen) + " (" + kind + ")";
      return CURL_SOCKET_BAD;
    }
  }
  return ::socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// "Content-Length: 123\r\n" -> 123; -1 when the value is not a plain decimal number.
int64_t parse_length(std::string_view line) {
  int64_t value = -1;
  for (char ch : line.substr(line.find(':') + 1)) {
    if (ch >= '0' && ch <= '9') {
      value = (value < 0 ? 0 : value);
      if (value > (int64_t(1) << 50)) return value;  // far over any cap; stop before overflow
      value = value * 10 + (ch - '0');
    } else if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
      return -1;
    }
  }
  return value;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* st = static_cast<hop_state*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  if (starts_with_nocase(line, "http/")) {
    st->result->declared_length = -1;  // a new response (after 100 Continue, say) starts over
  } else if (starts_with_nocase(line, "content-length:")) {
    st->result->declared_length = parse_length(line);
    // Judge the announced size before any body byte is read.
    if (response_code(st->curl) == 200 && st->result->declared_length > st->limits->max_bytes) {
      st->result->over_declared = true;
      return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
  }
  return n;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* st = static_cast<hop_state*>(user);
  const size_t n = size * count;
  const long status = response_code(st->curl);
  if (status != 200) {
    // Bodies of other answers are not needed. A redirect's is read to its end (libcurl only works
    // out the Location target for a completed transfer), up to a small bound; others stop here.
    st->result->skipped_body = true;
    st->skipped_bytes += n;
    return status >= 300 && status < 400 && st->skipped_bytes <= max_redirect_body ? n : 0;
  }
  auto& body = st->result->body;
  if (int64_t(body.size() + n) > st->limits->max_bytes) {
    st->result->over_received = true;
    return 0;
  }
  body.insert(body.end(), data, data + n);
  return n;
}

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

hop_result http_hop(const std::string& url, const hop_limits& limits) {
  global_init_once();
  hop_result result;
  std::unique_ptr<CURL, easy_deleter> curl(curl_easy_init());
  if (!curl) {
    result.curl_code = CURLE_FAILED_INIT;
    result.curl_error = "libcurl could not start a transfer";
    return result;
  }
  CURL* c = curl.get();
  hop_state st{c, &limits, &result, 0};
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // ignore *_proxy variables: the filter must see the peer
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vlserve-media/0.1");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, limits.timeout_ms);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &st);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  const CURLcode rc = curl_easy_perform(c);
  result.status = response_code(c);
  result.curl_code = result.skipped_body && rc == CURLE_WRITE_ERROR ? int(CURLE_OK) : int(rc);
  if (result.curl_code != CURLE_OK) result.curl_error = error_text[0] ? error_text : curl_easy_strerror(rc);
  if (result.status >= 300 && result.status < 400) {
    char* location = nullptr;
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location)
      result.redirect_url = location;
  }
  if (result.status != 200) result.body.clear();
  return result;
}

}  // namespace vlserve::media
