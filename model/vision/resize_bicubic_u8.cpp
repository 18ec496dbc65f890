#include "model/vision/resize_bicubic_u8.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace vlserve::model::vision {
namespace {

// Keys' cubic convolution with a = -0.5 (the Pillow-compatible kernel torch uses when
// antialias is on), evaluated in double like the reference.
double cubic_kernel(double x) {
  constexpr double a = -0.5;
  x = std::abs(x);
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
  if (x < 2.0) return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a;
  return 0.0;
}

// One output position's taps: input indices [first, first + weights.size()).
struct taps {
  int64_t first = 0;
  int64_t count = 0;
  size_t offset = 0;  // into filter_bank::weights
};

// Fixed-point filter for one axis. Weights are normalised doubles scaled by 2^precision and
// rounded half away from zero to int16; precision is the largest that keeps 2·max_weight
// below 2^15, so a sum over the taps stays exact in int32.
struct filter_bank {
  std::vector<taps> outputs;
  std::vector<int32_t> weights;
  int precision = 0;
};

filter_bank make_filter(int64_t in_size, int64_t out_size) {
  const double scale = static_cast<double>(in_size) / static_cast<double>(out_size);
  const double support = scale >= 1.0 ? 2.0 * scale : 2.0;  // interp_size 4, halved
  const double inv_scale = scale >= 1.0 ? 1.0 / scale : 1.0;
  const int64_t max_taps = static_cast<int64_t>(std::ceil(support)) * 2 + 1;

  filter_bank bank;
  bank.outputs.resize(static_cast<size_t>(out_size));
  std::vector<double> real(static_cast<size_t>(out_size * max_taps), 0.0);
  double max_weight = 0.0;
  for (int64_t i = 0; i < out_size; ++i) {
    const double center = scale * (static_cast<double>(i) + 0.5);
    // Truncating casts, as in the reference (values are >= -support + 0.5 > -1 here).
    const int64_t lo = std::max<int64_t>(static_cast<int64_t>(center - support + 0.5), 0);
    int64_t count = std::min<int64_t>(static_cast<int64_t>(center + support + 0.5), in_size) - lo;
    count = std::clamp<int64_t>(count, 0, max_taps);
    double* w = &real[static_cast<size_t>(i * max_taps)];
    double total = 0.0;
    for (int64_t j = 0; j < count; ++j) {
      w[j] = cubic_kernel((static_cast<double>(j + lo) - center + 0.5) * inv_scale);
      total += w[j];
    }
    if (total != 0.0) {
      for (int64_t j = 0; j < count; ++j) {
        w[j] /= total;
        max_weight = std::max(max_weight, w[j]);
      }
    }
    bank.outputs[static_cast<size_t>(i)] = {lo, count, static_cast<size_t>(i * max_taps)};
  }

  int precision = 0;
  for (; precision < 22; ++precision) {
    const int next = static_cast<int>(0.5 + max_weight * static_cast<double>(1 << (precision + 1)));
    if (next >= (1 << 15)) break;
  }
  bank.precision = precision;
  bank.weights.resize(real.size());
  for (size_t k = 0; k < real.size(); ++k) {
    const double v = real[k] * static_cast<double>(1 << precision);
    bank.weights[k] = static_cast<int16_t>(v < 0 ? static_cast<int>(-0.5 + v) : static_cast<int>(0.5 + v));
  }
  return bank;
}

uint8_t to_u8(int32_t acc, int precision) {
  return static_cast<uint8_t>(std::clamp(acc >> precision, 0, 255));
}

// Resamples along x: every row of `src` (height rows) to out_width columns.
rgb_image resample_horizontal(const rgb_image& src, int out_width) {
  const filter_bank bank = make_filter(src.width, out_width);
  rgb_image out{out_width, src.height, std::vector<uint8_t>(size_t(src.height) * out_width * 3)};
  const int32_t half = int32_t{1} << (bank.precision - 1);
  for (int y = 0; y < src.height; ++y) {
    const uint8_t* row = &src.pixels[size_t(y) * src.width * 3];
    uint8_t* dst = &out.pixels[size_t(y) * out_width * 3];
    for (int x = 0; x < out_width; ++x) {
      const taps& t = bank.outputs[size_t(x)];
      const int32_t* w = &bank.weights[t.offset];
      int32_t r = half, g = half, b = half;
      for (int64_t j = 0; j < t.count; ++j) {
        const uint8_t* p = row + (t.first + j) * 3;
        r += p[0] * w[j];
        g += p[1] * w[j];
        b += p[2] * w[j];
      }
      dst[x * 3 + 0] = to_u8(r, bank.precision);
      dst[x * 3 + 1] = to_u8(g, bank.precision);
      dst[x * 3 + 2] = to_u8(b, bank.precision);
    }
  }
  return out;
}

// Resamples along y: out_height rows from `src`.
rgb_image resample_vertical(const rgb_image& src, int out_height) {
  const filter_bank bank = make_filter(src.height, out_height);
  const size_t row_len = size_t(src.width) * 3;
  rgb_image out{src.width, out_height, std::vector<uint8_t>(size_t(out_height) * row_len)};
  const int32_t half = int32_t{1} << (bank.precision - 1);
  std::vector<int32_t> acc(row_len);
  for (int y = 0; y < out_height; ++y) {
    const taps& t = bank.outputs[size_t(y)];
    const int32_t* w = &bank.weights[t.offset];
    std::fill(acc.begin(), acc.end(), half);
    for (int64_t j = 0; j < t.count; ++j) {
      const uint8_t* row = &src.pixels[size_t(t.first + j) * row_len];
      const int32_t wj = w[j];
      for (size_t k = 0; k < row_len; ++k) acc[k] += row[k] * wj;
    }
    uint8_t* dst = &out.pixels[size_t(y) * row_len];
    for (size_t k = 0; k < row_len; ++k) dst[k] = to_u8(acc[k], bank.precision);
  }
  return out;
}

}  // namespace

rgb_image resize_bicubic_u8(const rgb_image& src, int out_height, int out_width) {
  if (out_height <= 0 || out_width <= 0 || src.width <= 0 || src.height <= 0)
    throw std::invalid_argument("resize_bicubic_u8: sizes must be positive");
  if (src.width == out_width && src.height == out_height) return src;
  // Horizontal first, into a uint8 intermediate, then vertical: the reference's order, and the
  // intermediate rounding is part of the exact result.
  if (src.width != out_width && src.height != out_height)
    return resample_vertical(resample_horizontal(src, out_width), out_height);
  if (src.width != out_width) return resample_horizontal(src, out_width);
  return resample_vertical(src, out_height);
}

}  // namespace vlserve::model::vision
