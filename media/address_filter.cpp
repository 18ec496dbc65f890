#include "media/address_filter.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace vlserve::media {
namespace {

bool in_v4(uint32_t a, uint32_t net, int prefix) {
  const uint32_t mask = prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix);
  return (a & mask) == (net & mask);
}

constexpr uint32_t v4(int a, int b, int c, int d) {
  return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | uint32_t(d);
}

// a is in host byte order.
std::string ipv4_kind(uint32_t a) {
  if (in_v4(a, v4(0, 0, 0, 0), 8)) return "unspecified";  // 0.0.0.0/8 "this network"
  if (in_v4(a, v4(127, 0, 0, 0), 8)) return "loopback";
  if (in_v4(a, v4(10, 0, 0, 0), 8) || in_v4(a, v4(172, 16, 0, 0), 12) || in_v4(a, v4(192, 168, 0, 0), 16))
    return "private";
  if (in_v4(a, v4(100, 64, 0, 0), 10)) return "shared (carrier-grade NAT)";
  if (in_v4(a, v4(169, 254, 0, 0), 16)) return "link-local";  // includes cloud metadata 169.254.169.254
  if (in_v4(a, v4(192, 0, 0, 0), 24) || in_v4(a, v4(198, 18, 0, 0), 15)) return "reserved";
  if (in_v4(a, v4(224, 0, 0, 0), 4)) return "multicast";
  if (in_v4(a, v4(240, 0, 0, 0), 4)) return "reserved";  // includes 255.255.255.255 broadcast
  return {};
}

uint32_t embedded_v4(const uint8_t* b) {
  return uint32_t(b[12]) << 24 | uint32_t(b[13]) << 16 | uint32_t(b[14]) << 8 | uint32_t(b[15]);
}

bool zeros(const uint8_t* b, int from, int to) {
  for (int i = from; i < to; ++i)
    if (b[i] != 0) return false;
  return true;
}

std::string ipv6_kind(const uint8_t* b) {
  // IPv4 inside IPv6 is judged as the IPv4 address it reaches: ::ffff:a.b.c.d (mapped),
  // ::a.b.c.d (deprecated compatible) and 64:ff9b::a.b.c.d (NAT64 well-known prefix).
  const bool mapped = zeros(b, 0, 10) && b[10] == 0xff && b[11] == 0xff;
  const bool nat64 = b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && zeros(b, 4, 12);
  if (zeros(b, 0, 15) && b[15] == 0) return "unspecified";
  if (zeros(b, 0, 15) && b[15] == 1) return "loopback";
  if (mapped || nat64 || zeros(b, 0, 12)) return ipv4_kind(embedded_v4(b));
  if (b[0] == 0xff) return "multicast";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "private";  // deprecated site-local fec0::/10
  if ((b[0] & 0xfe) == 0xfc) return "private";                  // unique local fc00::/7
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return "reserved";  // documentation
  if (b[0] == 0x20 && b[1] == 0x02) return ipv4_kind(uint32_t(b[2]) << 24 | uint32_t(b[3]) << 16 |
                                                     uint32_t(b[4]) << 8 | uint32_t(b[5]));  // 6to4
  return {};
}

}  // namespace

std::string restricted_address_kind(const sockaddr* addr, socklen_t len) {
  if (addr && addr->sa_family == AF_INET && len >= socklen_t(sizeof(sockaddr_in))) {
    sockaddr_in in{};
    std::memcpy(&in, addr, sizeof in);
    return ipv4_kind(ntohl(in.sin_addr.s_addr));
  }
  if (addr && addr->sa_family == AF_INET6 && len >= socklen_t(sizeof(sockaddr_in6))) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, addr, sizeof in6);
    return ipv6_kind(in6.sin6_addr.s6_addr);
  }
  return "non-IP";
}

std::string address_text(const sockaddr* addr, socklen_t len) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (addr && addr->sa_family == AF_INET && len >= socklen_t(sizeof(sockaddr_in))) {
    sockaddr_in in{};
    std::memcpy(&in, addr, sizeof in);
    if (inet_ntop(AF_INET, &in.sin_addr, buf, sizeof buf)) return buf;
  }
  if (addr && addr->sa_family == AF_INET6 && len >= socklen_t(sizeof(sockaddr_in6))) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, addr, sizeof in6);
    if (inet_ntop(AF_INET6, &in6.sin6_addr, buf, sizeof buf)) return buf;
  }
  return "?";
}

}  // namespace vlserve::media
