#include "store/meta_codec.hpp"

#include <cstdint>

#include "store/store_error.hpp"

namespace vlserve::store {

namespace {

constexpr std::string_view magic = "VSM1";
// magic + state + created + updated + event_count + model_len
constexpr std::size_t fixed_size = 4 + 1 + 8 + 8 + 8 + 4;

void put_le(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

uint64_t get_le(std::string_view bytes, std::size_t at, int count) {
  uint64_t value = 0;
  for (int i = 0; i < count; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return value;
}

[[noreturn]] void corrupt(std::string_view id, const std::string& why) {
  throw store_error(store_errc::corrupt,
                    "metadata record of session \"" + std::string(id) + "\" is corrupt: " + why);
}

}  // namespace

std::string encode_meta(const session_meta& meta) {
  std::string out;
  out.reserve(fixed_size + meta.model.size());
  out += magic;
  out += static_cast<char>(static_cast<uint8_t>(meta.state));
  put_le(out, static_cast<uint64_t>(meta.created_unix), 8);
  put_le(out, static_cast<uint64_t>(meta.updated_unix), 8);
  put_le(out, meta.event_count, 8);
  put_le(out, meta.model.size(), 4);
  out += meta.model;
  return out;
}

session_meta decode_meta(std::string_view id, std::string_view bytes) {
  if (bytes.size() < fixed_size)
    corrupt(id, std::to_string(bytes.size()) + " bytes, shorter than the fixed header");
  if (bytes.substr(0, magic.size()) != magic) corrupt(id, "unknown format tag");
  session_meta meta;
  meta.id = std::string(id);
  auto state = session_state_from_int(static_cast<unsigned char>(bytes[4]));
  if (!state) corrupt(id, "unknown state " + std::to_string(static_cast<unsigned char>(bytes[4])));
  meta.state = *state;
  meta.created_unix = static_cast<int64_t>(get_le(bytes, 5, 8));
  meta.updated_unix = static_cast<int64_t>(get_le(bytes, 13, 8));
  meta.event_count = get_le(bytes, 21, 8);
  uint64_t model_len = get_le(bytes, 29, 4);
  if (bytes.size() != fixed_size + model_len)
    corrupt(id, "model length " + std::to_string(model_len) + " does not match the record size " +
                    std::to_string(bytes.size()));
  meta.model = std::string(bytes.substr(fixed_size));
  return meta;
}

}  // namespace vlserve::store
