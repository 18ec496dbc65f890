// The address other nodes reach this node's cluster gate at, as told to peers so that membership
// spreads from any one node.
#pragma once

#include <string>

#include "config/settings.hpp"

namespace vlserve::config {

// CLUSTER_ADVERTISE when set; else CLUSTER_HOST:CLUSTER_PORT, unless the host is a wildcard
// (0.0.0.0, ::), which names no reachable address: then "" and this node is not spread (only
// nodes that list it in CLUSTER_PEERS, and those it joins, know it). "" without CLUSTER_PORT.
std::string cluster_advertised_address(const settings& s);

}  // namespace vlserve::config
