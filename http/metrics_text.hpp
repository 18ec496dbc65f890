// Prometheus text exposition of the service metrics.
#pragma once

#include <string>

#include "actors/metrics.hpp"

namespace vlserve::http {

std::string metrics_text(const actors::service_metrics& m);

}  // namespace vlserve::http
