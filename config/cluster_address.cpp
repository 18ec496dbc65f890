#include "config/cluster_address.hpp"

namespace vlserve::config {

std::string cluster_advertised_address(const settings& s) {
  if (s.cluster_port == 0) return "";
  if (!s.cluster_advertise.empty()) return s.cluster_advertise;
  const std::string& host = s.cluster_host;
  if (host.empty() || host == "0.0.0.0" || host == "::" || host == "[::]") return "";
  // The connector splits at the last ':', so an IPv6 host needs no brackets.
  return host + ":" + std::to_string(s.cluster_port);
}

}  // namespace vlserve::config
