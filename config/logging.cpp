#include "config/logging.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "config/variables.hpp"

namespace vlserve::config {
namespace {

std::string iso_time(spdlog::log_clock::time_point tp) {
  const auto t = spdlog::log_clock::to_time_t(tp);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms));
  return buf;
}

// Formats each record itself (text or JSON) so that scrubbing sees the final message.
class scrubbing_sink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  scrubbing_sink(std::ostream* out, log_format fmt) : out_(out), fmt_(fmt) {}

  void add_secret(const std::string& s) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!s.empty()) secrets_.push_back(s);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string text = scrub(std::string(msg.payload.data(), msg.payload.size()), secrets_);
    const auto level = spdlog::level::to_string_view(msg.level);
    std::string line;
    if (fmt_ == log_format::json) {
      line = "{\"time\":\"" + iso_time(msg.time) + "\",\"level\":\"" + std::string(level.data(), level.size()) +
             "\",\"thread\":" + std::to_string(msg.thread_id) + ",\"msg\":\"" + json_escape(text) + "\"}\n";
    } else {
      line = iso_time(msg.time) + " " + std::string(level.data(), level.size()) + " [" +
             std::to_string(msg.thread_id) + "] " + text + "\n";
    }
    (*out_) << line;
  }
  void flush_() override { out_->flush(); }

 private:
  std::ostream* out_;
  log_format fmt_;
  std::vector<std::string> secrets_;
};

std::shared_ptr<scrubbing_sink>& current_sink() {
  static std::shared_ptr<scrubbing_sink> sink;
  return sink;
}

}  // namespace

std::vector<std::string> secrets_of(const settings& s) {
  std::vector<std::string> out;
  for (const auto& var : variables())
    if (var.secret && !var.show(s).empty()) out.push_back(var.show(s));
  // API_KEY shows all keys joined; each key alone must be scrubbed too (file keys included).
  for (const auto& key : s.api_keys) out.push_back(key);
  return out;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 10))
      text.replace(pos, secret.size(), "<redacted>");
  }
  return text;
}

std::string json_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += char(c);
        }
    }
  }
  return out;
}

void setup_logging(const settings& s, std::ostream* out) {
  auto sink = std::make_shared<scrubbing_sink>(out ? out : &std::cerr, s.log_fmt);
  for (const auto& secret : secrets_of(s)) sink->add_secret(secret);
  current_sink() = sink;
  auto logger = std::make_shared<spdlog::logger>("vlserve", sink);
  logger->set_level(spdlog::level::from_str(s.log_level));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

void add_log_secret(const std::string& secret) {
  if (auto& sink = current_sink()) sink->add_secret(secret);
}

}  // namespace vlserve::config
