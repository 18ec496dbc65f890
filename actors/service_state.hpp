// What the service is doing with its model, readable from any thread (GET /health, 503 replies).
#pragma once

#include <mutex>
#include <string>

namespace vlserve::actors {

enum class model_phase {
  loading,  // resolving, downloading or loading weights; chat requests get 503
  ready,    // the model worker accepts requests
  error,    // loading failed; `detail` says why and what to do
};

struct service_snapshot {
  model_phase phase = model_phase::loading;
  std::string detail;         // human-readable stage or error
  double progress = 0.0;      // 0..1 while loading
  std::string model;          // model id being served
};

// Written by the model loader, read by the HTTP layer.
class service_state {
 public:
  void set(service_snapshot s) {
    std::lock_guard<std::mutex> lock(mutex_);
    snap_ = std::move(s);
  }
  service_snapshot get() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return snap_;
  }

 private:
  mutable std::mutex mutex_;
  service_snapshot snap_;
};

const char* phase_name(model_phase p);

}  // namespace vlserve::actors
