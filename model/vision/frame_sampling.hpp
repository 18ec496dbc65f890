// Which source frames of a video are fed to the model, and the timestamps the prompt shows for
// each temporal patch (spec §7.2, §7.4). Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vlserve::model::vision {

struct sampling_rule {
  double target_fps = 2.0;
  int min_frames = 4;
  int max_frames = 768;
  int extra_cap = 768;  // the server's MAX_VIDEO_FRAMES
};

// n = min(max(int(total / source_fps · target_fps), min_frames), max_frames, extra_cap, total);
// indices = round-half-even(numpy.linspace(0, total − 1, n)). Empty when total <= 0.
std::vector<int64_t> sample_frame_indices(int64_t total_frames, double source_fps, const sampling_rule& rule);

// Mean time of each group of `group` frames (the last index repeated to fill the last group),
// in seconds of the source video.
std::vector<double> group_timestamps(const std::vector<int64_t>& indices, double source_fps, int group);

// "<12.3 seconds>": Python's "{:.1f}" (correct rounding of the double, ties to even).
std::string timestamp_text(double seconds);

}  // namespace vlserve::model::vision
