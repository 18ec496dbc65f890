// Times preprocess_image / preprocess_video on files: vision_bench <model_dir> <file>... where a
// file ending in .mp4/.mkv/.webm/.avi is a video. Prints grid, tokens and the best of 5 runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "model/vision/image_processor.hpp"
#include "model/vision/video_processor.hpp"
#include "tests/vision/safetensors_file.hpp"

int main(int argc, char** argv) {
  namespace mv = vlserve::model::vision;
  if (argc < 3) {
    std::fprintf(stderr, "usage: vision_bench <model_dir> <file>...\n");
    return 2;
  }
  const mv::processor_config cfg = mv::load_processor_config(argv[1]);
  for (int i = 2; i < argc; ++i) {
    const std::string path = argv[i];
    const auto bytes = vlserve::testing::read_file_bytes(path);
    const bool video = path.size() > 4 && (path.ends_with(".mp4") || path.ends_with(".mkv") ||
                                           path.ends_with(".webm") || path.ends_with(".avi"));
    double best = 1e30;
    mv::grid_thw grid;
    int64_t tokens = 0;
    for (int run = 0; run < 5; ++run) {
      const auto t0 = std::chrono::steady_clock::now();
      if (video) {
        const auto out = mv::preprocess_video(bytes, cfg, mv::media_limits{});
        grid = out.patches.grid, tokens = out.pad_tokens;
      } else {
        const auto out = mv::preprocess_image(bytes, cfg, mv::media_limits{});
        grid = out.patches.grid, tokens = out.pad_tokens;
      }
      best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("%s: grid (%ld, %ld, %ld), %ld tokens, best %.1f ms\n", path.c_str(), long(grid.t), long(grid.h),
                long(grid.w), long(tokens), best);
  }
  return 0;
}
