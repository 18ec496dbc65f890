// Bounded retries with exponential backoff for transient transfer failures.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

#include "hub/curl_transfer.hpp"
#include "hub/hub_options.hpp"

namespace vlserve::hub {

// Runs attempt() up to opts.max_attempts times while its http_reply is transient(); waits
// retry_base_delay_ms, doubled each time (capped at 8 s), between attempts. Returns the last reply.
template <typename Attempt>
http_reply with_retries(const hub_options& opts, Attempt&& attempt) {
  http_reply reply;
  int delay_ms = std::max(0, opts.retry_base_delay_ms);
  for (int i = 0; i < std::max(1, opts.max_attempts); ++i) {
    if (i > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      delay_ms = std::min(delay_ms * 2, 8000);
    }
    reply = attempt();
    if (!reply.transient()) break;
  }
  return reply;
}

}  // namespace vlserve::hub
