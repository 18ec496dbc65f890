// The address filter on its own: which IPv4/IPv6 addresses count as internal.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <string>

#include "media/address_filter.hpp"

namespace vlserve::media {
namespace {

std::string kind_of(const std::string& text) {
  sockaddr_in in{};
  sockaddr_in6 in6{};
  if (inet_pton(AF_INET, text.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    return restricted_address_kind(reinterpret_cast<sockaddr*>(&in), sizeof in);
  }
  if (inet_pton(AF_INET6, text.c_str(), &in6.sin6_addr) != 1) throw std::runtime_error("bad test address " + text);
  in6.sin6_family = AF_INET6;
  return restricted_address_kind(reinterpret_cast<sockaddr*>(&in6), sizeof in6);
}

TEST(address_filter, classifies_internal_ipv4) {
  EXPECT_EQ(kind_of("127.0.0.1"), "loopback");
  EXPECT_EQ(kind_of("127.255.0.9"), "loopback");
  EXPECT_EQ(kind_of("10.1.2.3"), "private");
  EXPECT_EQ(kind_of("172.16.0.1"), "private");
  EXPECT_EQ(kind_of("172.31.255.255"), "private");
  EXPECT_EQ(kind_of("192.168.1.1"), "private");
  EXPECT_EQ(kind_of("169.254.169.254"), "link-local");
  EXPECT_EQ(kind_of("0.0.0.0"), "unspecified");
  EXPECT_EQ(kind_of("224.0.0.1"), "multicast");
  EXPECT_EQ(kind_of("255.255.255.255"), "reserved");
  EXPECT_EQ(kind_of("100.64.0.1"), "shared (carrier-grade NAT)");
}

TEST(address_filter, public_ipv4_passes_including_neighbours_of_private_ranges) {
  for (const char* a :
       {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "192.169.0.1", "11.0.0.1", "126.255.255.255"})
    EXPECT_EQ(kind_of(a), "") << a;
}

TEST(address_filter, classifies_ipv6_and_ipv4_embedded_in_ipv6) {
  EXPECT_EQ(kind_of("::1"), "loopback");
  EXPECT_EQ(kind_of("::"), "unspecified");
  EXPECT_EQ(kind_of("fe80::1"), "link-local");
  EXPECT_EQ(kind_of("fd00::1"), "private");
  EXPECT_EQ(kind_of("fc12::1"), "private");
  EXPECT_EQ(kind_of("ff02::1"), "multicast");
  EXPECT_EQ(kind_of("::ffff:127.0.0.1"), "loopback");
  EXPECT_EQ(kind_of("::ffff:10.0.0.1"), "private");
  EXPECT_EQ(kind_of("::ffff:169.254.169.254"), "link-local");
  EXPECT_EQ(kind_of("64:ff9b::a00:1"), "private");
  EXPECT_EQ(kind_of("2002:7f00:1::1"), "loopback");
  EXPECT_EQ(kind_of("2606:4700:4700::1111"), "");
  EXPECT_EQ(kind_of("::ffff:8.8.8.8"), "");
}

TEST(address_filter, unknown_families_and_short_lengths_are_refused) {
  sockaddr raw{};
  raw.sa_family = AF_UNIX;
  EXPECT_EQ(restricted_address_kind(&raw, sizeof raw), "non-IP");
  sockaddr_in in{};
  in.sin_family = AF_INET;
  EXPECT_EQ(restricted_address_kind(reinterpret_cast<sockaddr*>(&in), 4), "non-IP");
}

}  // namespace
}  // namespace vlserve::media
