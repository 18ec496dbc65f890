// Typed headers Pistache lacks. Raw headers are silently dropped from responses (stack-notes §2),
// so each extra header needs its own class.
#pragma once

#include <pistache/http_header.h>

#include <string>
#include <string_view>

namespace vlserve::http {

class retry_after_header : public Pistache::Http::Header::Header {
 public:
  NAME("Retry-After")
  retry_after_header() = default;
  explicit retry_after_header(int seconds) : seconds_(seconds) {}
  void parse(const std::string& s) override { seconds_ = std::stoi(s); }
  void write(std::ostream& os) const override { os << seconds_; }

 private:
  int seconds_ = 5;
};

// Sent with every 401: the scheme the client must use.
class www_authenticate_header : public Pistache::Http::Header::Header {
 public:
  NAME("WWW-Authenticate")
  void parse(const std::string&) override {}
  void write(std::ostream& os) const override { os << "Bearer"; }
};

// CORS: a reply that echoes one allowed origin must not be cached for another.
class vary_origin_header : public Pistache::Http::Header::Header {
 public:
  NAME("Vary")
  void parse(const std::string&) override {}
  void write(std::ostream& os) const override { os << "Origin"; }
};

// CORS: how long a browser may reuse a preflight answer.
class max_age_header : public Pistache::Http::Header::Header {
 public:
  NAME("Access-Control-Max-Age")
  max_age_header() = default;
  explicit max_age_header(int seconds) : seconds_(seconds) {}
  void parse(const std::string& s) override { seconds_ = std::stoi(s); }
  void write(std::ostream& os) const override { os << seconds_; }

 private:
  int seconds_ = 600;
};

class x_accel_buffering_header : public Pistache::Http::Header::Header {
 public:
  NAME("X-Accel-Buffering")
  void parse(const std::string&) override {}
  void write(std::ostream& os) const override { os << "no"; }
};

// A header whose value the route sets (the page's CSP, cache policy, ETag). Pistache keys headers
// by their class's static name, so each name is its own instantiation.
template <const char* HeaderName>
class value_header : public Pistache::Http::Header::Header {
 public:
  NAME(HeaderName)
  value_header() = default;
  explicit value_header(std::string_view value) : value_(value) {}
  void parse(const std::string& s) override { value_ = s; }
  void write(std::ostream& os) const override { os << value_; }

 private:
  std::string value_;
};

inline constexpr char csp_name[] = "Content-Security-Policy";
inline constexpr char cache_control_name[] = "Cache-Control";
inline constexpr char etag_name[] = "ETag";
inline constexpr char nosniff_name[] = "X-Content-Type-Options";
inline constexpr char referrer_policy_name[] = "Referrer-Policy";
using csp_header = value_header<csp_name>;
using cache_control_header = value_header<cache_control_name>;
using etag_header = value_header<etag_name>;
using nosniff_header = value_header<nosniff_name>;
using referrer_policy_header = value_header<referrer_policy_name>;

}  // namespace vlserve::http
