#include "model/vision/tower/vision_positions.hpp"

#include <cmath>
#include <stdexcept>

namespace vlserve::model::vision {
namespace {

// Raster index (i, j) of every patch in merge-block-major order, e.g. h = w = 4, merge 2:
// rows 0,0,1,1,0,0,1,1,2,2,3,3,... and cols 0,1,0,1,2,3,2,3,0,1,0,1,...
void block_major_coords(const grid_thw& g, int64_t merge, std::vector<int64_t>& rows,
                        std::vector<int64_t>& cols) {
  for (int64_t br = 0; br < g.h / merge; ++br)
    for (int64_t bc = 0; bc < g.w / merge; ++bc)
      for (int64_t ir = 0; ir < merge; ++ir)
        for (int64_t ic = 0; ic < merge; ++ic) {
          rows.push_back(br * merge + ir);
          cols.push_back(bc * merge + ic);
        }
}

void check_grid(const grid_thw& g, int64_t merge) {
  if (g.t < 1 || g.h < merge || g.w < merge || g.h % merge != 0 || g.w % merge != 0)
    throw std::invalid_argument("vision grid (" + std::to_string(g.t) + ", " + std::to_string(g.h) + ", " +
                                std::to_string(g.w) + ") is not a positive multiple of the merge size");
}

}  // namespace

at::Tensor resampled_position_embedding(const at::Tensor& table, const std::vector<grid_thw>& grids,
                                        int64_t merge) {
  const int64_t side = int64_t(std::lround(std::sqrt(double(table.size(0)))));
  if (side * side != table.size(0)) throw std::invalid_argument("pos_embed rows are not a square grid");
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  std::vector<at::Tensor> parts;
  for (const auto& g : grids) {
    check_grid(g, merge);
    // Sample positions along each axis; truncation picks the lower corner (they are >= 0).
    const at::Tensor ys = at::linspace(0, double(side - 1), g.h, f32);
    const at::Tensor xs = at::linspace(0, double(side - 1), g.w, f32);
    const at::Tensor y0 = ys.to(at::kLong), x0 = xs.to(at::kLong);
    const at::Tensor y1 = (y0 + 1).clamp_max(side - 1), x1 = (x0 + 1).clamp_max(side - 1);
    const at::Tensor dy = (ys - y0.to(at::kFloat)).unsqueeze(1), dx = (xs - x0.to(at::kFloat)).unsqueeze(0);
    const at::Tensor r0 = (y0 * side).unsqueeze(1), r1 = (y1 * side).unsqueeze(1);
    const at::Tensor idx = at::stack({(r0 + x0.unsqueeze(0)).flatten(), (r0 + x1.unsqueeze(0)).flatten(),
                                      (r1 + x0.unsqueeze(0)).flatten(), (r1 + x1.unsqueeze(0)).flatten()});
    const at::Tensor wt = at::stack({((1 - dy) * (1 - dx)).flatten(), ((1 - dy) * dx).flatten(),
                                     (dy * (1 - dx)).flatten(), (dy * dx).flatten()})
                              .to(table.scalar_type());
    const at::Tensor terms = table.index_select(0, idx.flatten().to(table.device()))
                                 .view({4, g.h * g.w, -1}) *
                             wt.to(table.device()).unsqueeze(2);
    // Summed in the reference's order, in the table's dtype.
    const at::Tensor raster = ((terms[0] + terms[1]) + terms[2]) + terms[3];
    const at::Tensor blocked = raster.view({g.h / merge, merge, g.w / merge, merge, -1})
                                   .permute({0, 2, 1, 3, 4})
                                   .reshape({g.h * g.w, -1});
    parts.push_back(g.t == 1 ? blocked : blocked.repeat({g.t, 1}));
  }
  return at::cat(parts);
}

rotary_tables vision_rotary(const std::vector<grid_thw>& grids, int64_t merge, int64_t head_dim,
                            const at::Device& device) {
  std::vector<int64_t> rows, cols;
  for (const auto& g : grids) {
    check_grid(g, merge);
    std::vector<int64_t> r, c;
    block_major_coords(g, merge, r, c);
    for (int64_t a = 0; a < g.t; ++a) {
      rows.insert(rows.end(), r.begin(), r.end());
      cols.insert(cols.end(), c.begin(), c.end());
    }
  }
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  const int64_t dim = head_dim / 2;  // the reference builds its rotary module with head_dim / 2
  const at::Tensor inv = 1.0 / at::pow(10000.0, at::arange(0, dim, 2, f32) / double(dim));
  const at::Tensor angles_r = at::tensor(rows, f32).unsqueeze(1) * inv.unsqueeze(0);
  const at::Tensor angles_c = at::tensor(cols, f32).unsqueeze(1) * inv.unsqueeze(0);
  const at::Tensor half = at::cat({angles_r, angles_c}, 1);
  const at::Tensor emb = at::cat({half, half}, 1).to(device);
  return {emb.cos(), emb.sin()};
}

std::vector<int64_t> attention_segments(const std::vector<grid_thw>& grids) {
  std::vector<int64_t> out;
  for (const auto& g : grids)
    for (int64_t a = 0; a < g.t; ++a) out.push_back(g.h * g.w);
  return out;
}

}  // namespace vlserve::model::vision
