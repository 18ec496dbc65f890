#include "model/vision/patchify.hpp"

#include <algorithm>
#include <stdexcept>

namespace vlserve::model::vision {

patch_rows patchify(const std::vector<const rgb_image*>& frames, const processor_config& cfg,
                    const std::array<double, 3>& mean, const std::array<double, 3>& std) {
  if (frames.empty()) throw std::invalid_argument("patchify: no frames");
  const int ps = cfg.patch_size, tps = cfg.temporal_patch_size, m = cfg.merge_size;
  const int height = frames[0]->height, width = frames[0]->width;
  if (height <= 0 || width <= 0 || height % (ps * m) != 0 || width % (ps * m) != 0)
    throw std::invalid_argument("patchify: frame size is not a multiple of patch·merge");
  for (const rgb_image* f : frames)
    if (f->height != height || f->width != width)
      throw std::invalid_argument("patchify: frames differ in size");

  // Lookup table per channel: the float32 result of (x - mean255) / std255 for every byte.
  std::array<std::array<float, 256>, 3> lut{};
  for (int c = 0; c < 3; ++c) {
    const auto m255 = static_cast<float>(mean[c] * 255.0);
    const auto s255 = static_cast<float>(std[c] * 255.0);
    for (int v = 0; v < 256; ++v) lut[c][v] = (static_cast<float>(v) - m255) / s255;
  }

  patch_rows out;
  const int64_t n_frames = static_cast<int64_t>(frames.size());
  out.grid = {(n_frames + tps - 1) / tps, height / ps, width / ps};
  const size_t dim = static_cast<size_t>(cfg.patch_dim());
  out.values.resize(static_cast<size_t>(out.grid.patches()) * dim);
  float* dst = out.values.data();
  const int64_t blocks_h = out.grid.h / m, blocks_w = out.grid.w / m;
  for (int64_t a = 0; a < out.grid.t; ++a)
    for (int64_t br = 0; br < blocks_h; ++br)
      for (int64_t bc = 0; bc < blocks_w; ++bc)
        for (int ir = 0; ir < m; ++ir)
          for (int ic = 0; ic < m; ++ic) {
            const int64_t y0 = (br * m + ir) * ps, x0 = (bc * m + ic) * ps;
            for (int c = 0; c < 3; ++c)
              for (int tt = 0; tt < tps; ++tt) {
                // Padding frames repeat the last real frame.
                const int64_t f = std::min<int64_t>(a * tps + tt, n_frames - 1);
                const rgb_image& img = *frames[static_cast<size_t>(f)];
                for (int y = 0; y < ps; ++y) {
                  const uint8_t* row = &img.pixels[(static_cast<size_t>(y0 + y) * width + x0) * 3 + c];
                  for (int x = 0; x < ps; ++x) *dst++ = lut[c][row[x * 3]];
                }
              }
          }
  return out;
}

}  // namespace vlserve::model::vision
