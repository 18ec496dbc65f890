// On-disk form of a session_meta record (the request text lives in its own record).
//
// Layout, integers little-endian:
//   "VSM1" | state u8 | created i64 | updated i64 | event_count u64 | model_len u32 | model bytes
// The id is the LMDB key, so it is not repeated in the value.
#pragma once

#include <string>
#include <string_view>

#include "store/records.hpp"

namespace vlserve::store {

std::string encode_meta(const session_meta& meta);
// Throws store_error(corrupt) naming the session when bytes are not a well-formed record.
session_meta decode_meta(std::string_view id, std::string_view bytes);

}  // namespace vlserve::store
