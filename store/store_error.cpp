#include "store/store_error.hpp"

namespace vlserve::store {

const char* to_string(store_errc code) noexcept {
  switch (code) {
    case store_errc::invalid_argument:
      return "invalid_argument";
    case store_errc::limit_exceeded:
      return "limit_exceeded";
    case store_errc::out_of_order:
      return "out_of_order";
    case store_errc::not_found:
      return "not_found";
    case store_errc::corrupt:
      return "corrupt";
    case store_errc::map_full:
      return "map_full";
    case store_errc::io:
      return "io";
  }
  return "unknown";
}

}  // namespace vlserve::store
