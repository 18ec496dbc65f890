#include "hub/curl_transfer.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>

namespace vlserve::hub {
namespace {

constexpr size_t max_error_body = 4096;
constexpr size_t max_header_count = 200;

void global_init_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct easy_deleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct slist_deleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct transfer_state {
  http_reply* reply = nullptr;
  CURL* curl = nullptr;
  int fd = -1;
  uint64_t position = 0;
  bool body_started = false;
  bool to_file = false;
  const std::function<void(int64_t)>* on_bytes = nullptr;
  const std::atomic<bool>* cancel = nullptr;
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* st = static_cast<transfer_state*>(user);
  const std::string line(data, size * count);
  // Each response in a redirect chain starts with its status line; keep the last one's headers.
  if (line.rfind("HTTP/", 0) == 0) {
    st->reply->headers.clear();
    return line.size();
  }
  const auto colon = line.find(':');
  if (colon == std::string::npos || st->reply->headers.size() >= max_header_count) return line.size();
  std::string value = line.substr(colon + 1);
  const auto first = value.find_first_not_of(" \t");
  const auto last = value.find_last_not_of(" \t\r\n");
  value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
  st->reply->headers[lower(line.substr(0, colon))] = value;
  return line.size();
}

// Decides on the first body byte whether the body is the file (200/206) or an error page.
void start_body(transfer_state* st) {
  st->body_started = true;
  long status = 0;
  curl_easy_getinfo(st->curl, CURLINFO_RESPONSE_CODE, &status);
  st->to_file = status == 200 || status == 206;
  if (status == 200 && st->position > 0) {
    (*st->on_bytes)(-int64_t(st->position));
    st->position = 0;
    if (::ftruncate(st->fd, 0) != 0) st->reply->write_errno = errno;
  }
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* st = static_cast<transfer_state*>(user);
  const size_t n = size * count;
  if (!st->body_started) start_body(st);
  if (!st->to_file) {
    auto& body = st->reply->error_body;
    body.append(data, std::min(n, max_error_body - std::min(body.size(), max_error_body)));
    return n;
  }
  for (size_t done = 0; done < n;) {
    const auto w = ::pwrite(st->fd, data + done, n - done, off_t(st->position));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      st->reply->disk_full = errno == ENOSPC || errno == EDQUOT;
      st->reply->write_errno = errno;
      return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
    }
    done += size_t(w);
    st->position += uint64_t(w);
  }
  if (st->on_bytes) (*st->on_bytes)(int64_t(n));
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* st = static_cast<transfer_state*>(user);
  if (st->cancel && st->cancel->load()) {
    st->reply->cancelled = true;
    return 1;
  }
  return 0;
}

http_reply perform(const http_request& req, bool head, int fd, uint64_t offset,
                   const std::function<void(int64_t)>* on_bytes, const std::atomic<bool>* cancel) {
  global_init_once();
  http_reply reply;
  std::unique_ptr<CURL, easy_deleter> curl(curl_easy_init());
  if (!curl) {
    reply.curl_code = CURLE_FAILED_INIT;
    reply.curl_error = "libcurl could not start a transfer";
    return reply;
  }
  CURL* c = curl.get();
  transfer_state st{&reply, c, fd, offset, false, false, on_bytes, cancel};
  std::unique_ptr<curl_slist, slist_deleter> headers;
  auto add_header = [&](const std::string& h) { headers.reset(curl_slist_append(headers.release(), h.c_str())); };
  for (const auto& h : req.headers) add_header(h);
  add_header("Accept-Encoding: identity");  // sizes must be the file's, not a compressed body's
  if (offset > 0) add_header("Range: bytes=" + std::to_string(offset) + "-");
  char error_text[CURL_ERROR_SIZE] = {0};

  curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "vlserve/0.1 (hf-hub-compatible)");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, long(req.connect_timeout_s));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, long(req.stall_timeout_s));
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &st);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &st);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &st);
  if (head) {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  } else {
    // libcurl drops a custom Authorization header when a redirect leaves the original host, so
    // the token goes to the hub but not to a CDN.
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  }
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
  reply.curl_code = int(rc);
  if (rc != CURLE_OK) reply.curl_error = error_text[0] ? error_text : curl_easy_strerror(rc);
  return reply;
}

}  // namespace

std::string http_reply::header(const std::string& lower_name) const {
  const auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

bool http_reply::transient() const {
  if (cancelled || disk_full || write_errno != 0) return false;
  switch (CURLcode(curl_code)) {
    case CURLE_OK:
      return status == 429 || status == 408 || (status >= 500 && status <= 599);
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

http_reply http_head(const http_request& req) { return perform(req, true, -1, 0, nullptr, nullptr); }

http_reply http_get_to_fd(const http_request& req, int fd, uint64_t offset,
                          const std::function<void(int64_t)>& on_bytes,
                          const std::atomic<bool>* cancel) {
  return perform(req, false, fd, offset, &on_bytes, cancel);
}

}  // namespace vlserve::hub
