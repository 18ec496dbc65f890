// Typed headers Pistache lacks. Raw headers are silently dropped from responses (stack-notes §2),
// so each extra header needs its own class.
#pragma once

#include <pistache/http_header.h>

#include <string>

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

}  // namespace vlserve::http
