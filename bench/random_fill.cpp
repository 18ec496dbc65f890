#include "bench/random_fill.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <thread>
#include <vector>

#include "model/checkpoint/fp8_e4m3.hpp"

namespace vlserve::bench {
namespace {

// Elements per independently seeded block: the unit of determinism and of parallel work.
constexpr uint64_t k_block = uint64_t(1) << 16;

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

double unit_open(uint64_t bits) { return (double(bits >> 11) + 0.5) * (1.0 / 9007199254740992.0); }

void store(const random_fill& f, model::st_dtype dtype, float v, uint8_t* dst, uint64_t i, uint64_t e) {
  if (dtype == model::st_dtype::f8_e4m3) {
    const int64_t row = int64_t(e) / f.columns, col = int64_t(e) % f.columns;
    const float s = random_fp8_block_scale(f.stddev, row / k_random_fp8_block, col / k_random_fp8_block);
    dst[i] = model::float_to_e4m3fn(v / s);
  } else if (dtype == model::st_dtype::bf16) {
    const uint16_t b = float_to_bf16(v);
    std::memcpy(dst + 2 * i, &b, 2);
  } else {
    std::memcpy(dst + 4 * i, &v, 4);
  }
}

// Elements [first, last) of one block; `block` is the block's index in the tensor.
void fill_block(const random_fill& f, uint64_t stream, uint64_t block, uint64_t first,
                uint64_t last, uint64_t base, uint8_t* dst) {
  uint64_t state = stream ^ (block * 0xd1b54a32d192ed03ULL);
  const uint64_t start = block * k_block;
  // Box-Muller makes values in pairs; generating from the block start keeps them chunk-independent.
  for (uint64_t e = start; e < last; e += 2) {
    const double r = std::sqrt(-2.0 * std::log(unit_open(splitmix64(state))));
    const double a = 6.283185307179586 * unit_open(splitmix64(state));
    const float z[2] = {float(f.stddev * r * std::cos(a)), float(f.stddev * r * std::sin(a))};
    for (uint64_t k = 0; k < 2; ++k) {
      if (e + k >= first && e + k < last) store(f, f.dtype, z[k], dst, e + k - base, e + k);
    }
  }
}

}  // namespace

float random_fp8_block_scale(double stddev, int64_t block_row, int64_t block_col) {
  const float factor = 1.0f + 0.25f * float((block_row * 3 + block_col) % 4);
  return float(stddev * 5.0 / 448.0) * factor;
}

uint16_t float_to_bf16(float x) {
  uint32_t bits = 0;
  std::memcpy(&bits, &x, 4);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return uint16_t(bits >> 16);
}

void random_fill::operator()(uint64_t offset, uint8_t* dst, size_t n) const {
  if (dtype != model::st_dtype::bf16 && dtype != model::st_dtype::f32 &&
      !(dtype == model::st_dtype::f8_e4m3 && init == tensor_init::normal && columns > 0))
    throw std::invalid_argument("random weights: only bfloat16, float32 and (normal, with columns) F8_E4M3");
  const uint64_t esize = model::st_dtype_size(dtype);
  if (offset % esize != 0 || n % esize != 0)
    throw std::invalid_argument("random weights: piece of '" + name + "' not element aligned");
  const uint64_t first = offset / esize, last = first + n / esize;
  if (init != tensor_init::normal) {
    const float v = init == tensor_init::ones ? 1.0f : 0.0f;
    for (uint64_t e = first; e < last; ++e) store(*this, dtype, v, dst, e - first, e);
    return;
  }
  uint64_t mix = seed;
  const uint64_t stream = splitmix64(mix) ^ fnv1a(name);
  const uint64_t b0 = first / k_block, b1 = (last + k_block - 1) / k_block;
  auto work = [&](uint64_t from, uint64_t to) {
    for (uint64_t b = from; b < to; ++b) {
      fill_block(*this, stream, b, std::max(first, b * k_block), std::min(last, (b + 1) * k_block),
                 first, dst);
    }
  };
  const uint64_t threads = std::min<uint64_t>(std::max(1u, std::thread::hardware_concurrency()),
                                              b1 - b0);
  if (threads <= 1) return work(b0, b1);
  std::vector<std::thread> pool;
  const uint64_t per = (b1 - b0 + threads - 1) / threads;
  for (uint64_t t = 0; t < threads; ++t) {
    const uint64_t from = b0 + t * per, to = std::min(b1, from + per);
    if (from < to) pool.emplace_back(work, from, to);
  }
  for (auto& th : pool) th.join();
}

}  // namespace vlserve::bench
