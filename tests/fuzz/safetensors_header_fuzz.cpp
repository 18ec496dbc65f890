// The safetensors header parser (model/checkpoint/safetensors_header.cpp): any file either throws
// checkpoint_error or yields tensors that each lie inside the file, are sorted, do not overlap and
// hold exactly shape x dtype bytes (recomputed here in 128-bit arithmetic).
#include <cstddef>
#include <cstdint>

#include "model/checkpoint/checkpoint_error.hpp"
#include "model/checkpoint/safetensors_header.hpp"
#include "tests/fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vlserve::model;
  safetensors_header h;
  try {
    h = parse_safetensors_header(data, size, "fuzz.safetensors");
  } catch (const checkpoint_error&) {
    return 0;
  }
  FUZZ_CHECK(size >= 8 && h.data_start >= 8 && h.data_start <= size);
  uint64_t declared = 0;
  for (int i = 7; i >= 0; --i) declared = declared << 8 | data[i];
  FUZZ_CHECK(h.data_start == 8 + declared);
  const size_t data_bytes = size - h.data_start;
  size_t previous_end = 0;
  for (const auto& t : h.tensors) {
    FUZZ_CHECK(t.begin <= t.end && t.end <= data_bytes);
    FUZZ_CHECK(t.begin >= previous_end);
    previous_end = t.end;
    unsigned __int128 bytes = st_dtype_size(t.dtype);
    for (const int64_t d : t.shape) {
      FUZZ_CHECK(d >= 0);
      bytes *= uint64_t(d);
      if (bytes > UINT64_MAX) bytes = (unsigned __int128)UINT64_MAX + 1;
    }
    FUZZ_CHECK(bytes == t.end - t.begin);
  }
  return 0;
}
