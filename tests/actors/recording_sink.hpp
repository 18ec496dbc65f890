// An event_sink that records what a session delivers (the neighbour an HTTP connection would be).
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "actors/event_sink.hpp"

namespace vlserve::testing {

class recording_sink : public actors::event_sink {
 public:
  explicit recording_sink(size_t fail_after = SIZE_MAX) : fail_after_(fail_after) {}

  void attach(const actors::session_info& info) override {
    std::lock_guard<std::mutex> lock(mutex_);
    attached_id_ = info.id;
  }
  std::string attached_id() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return attached_id_;
  }

  bool deliver(const actors::stream_event& ev) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (events_.size() >= fail_after_) return false;  // simulates a client that went away
    events_.push_back(ev);
    return true;
  }
  void close(actors::failure why, const std::string& message) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++closes_;
    close_status_ = why;
    close_message_ = message;
  }

  void reject(actors::failure why, const std::string& message, const std::string& param) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      rejected_param_ = param;
    }
    close(why, message);
  }
  std::string rejected_param() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return rejected_param_;
  }

  std::vector<actors::stream_event> events() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  int closes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closes_;
  }
  actors::failure close_status() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return close_status_;
  }
  std::string close_message() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return close_message_;
  }

 private:
  mutable std::mutex mutex_;
  size_t fail_after_;
  std::vector<actors::stream_event> events_;
  int closes_ = 0;
  actors::failure close_status_ = actors::failure::internal;
  std::string rejected_param_;
  std::string close_message_;
  std::string attached_id_;
};

}  // namespace vlserve::testing
