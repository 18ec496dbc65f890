#include "model/vision/frame_sampling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vlserve::model::vision {

std::vector<int64_t> sample_frame_indices(int64_t total_frames, double source_fps, const sampling_rule& rule) {
  if (total_frames <= 0 || !(source_fps > 0.0)) return {};
  // Python int() truncates toward zero; the operands are positive.
  const double wanted = static_cast<double>(total_frames) / source_fps * rule.target_fps;
  int64_t n = wanted >= 9.0e18 ? total_frames : static_cast<int64_t>(wanted);
  n = std::max<int64_t>(n, rule.min_frames);
  n = std::min<int64_t>({n, rule.max_frames, rule.extra_cap, total_frames});
  if (n <= 0) return {};
  std::vector<int64_t> indices(static_cast<size_t>(n));
  if (n == 1) return indices;  // index 0
  // numpy.linspace: i·step + start with step = (stop − start)/(n − 1), last value set to stop.
  const double stop = static_cast<double>(total_frames - 1);
  const double step = stop / static_cast<double>(n - 1);
  for (int64_t i = 0; i < n - 1; ++i)
    indices[static_cast<size_t>(i)] = static_cast<int64_t>(std::nearbyint(static_cast<double>(i) * step));
  indices.back() = total_frames - 1;
  return indices;
}

std::vector<double> group_timestamps(const std::vector<int64_t>& indices, double source_fps, int group) {
  std::vector<double> out;
  if (indices.empty() || group <= 0) return out;
  std::vector<int64_t> padded = indices;
  while (padded.size() % static_cast<size_t>(group) != 0) padded.push_back(indices.back());
  for (size_t i = 0; i < padded.size(); i += static_cast<size_t>(group)) {
    const double first = static_cast<double>(padded[i]) / source_fps;
    const double last = static_cast<double>(padded[i + group - 1]) / source_fps;
    out.push_back((first + last) / 2.0);
  }
  return out;
}

std::string timestamp_text(double seconds) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "<%.1f seconds>", seconds);
  return buf;
}

}  // namespace vlserve::model::vision
