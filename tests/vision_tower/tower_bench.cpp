// Not a test: times the vision tower on synthetic patch rows of a given grid, e.g. the 2B-shaped
// tower of a `vlserve random-checkpoint` directory:
//   tower_bench <model_dir> <dtype> <t> <h> <w> [repeats]
// 640×480 image = 1 30 40; 8 s 30 fps video (16 sampled frames at 480×640) = 8 30 40.
// A <model_dir> without config.json first gets a random 2B-shaped bf16 checkpoint written there.
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bench/random_checkpoint.hpp"
#include "model/device_info.hpp"
#include "model/vision/tower/vision_features.hpp"
#include "model/vision/tower/vision_tower.hpp"

int main(int argc, char** argv) {
  using namespace vlserve::model::vision;
  if (argc < 6) {
    std::fprintf(stderr, "usage: tower_bench <model_dir> <dtype> <t> <h> <w> [repeats]\n");
    return 2;
  }
  try {
    vlserve::model::set_compute_threads(0);
    if (!std::filesystem::exists(std::string(argv[1]) + "/config.json")) {
      vlserve::bench::random_checkpoint_options o;
      o.out_dir = argv[1];
      vlserve::bench::write_random_checkpoint(o);
    }
    const vision_tower tower(argv[1], tower_options{"cpu", argv[2], ""});
    const grid_thw g{std::stoll(argv[3]), std::stoll(argv[4]), std::stoll(argv[5])};
    const int repeats = argc > 6 ? std::stoi(argv[6]) : 1;
    std::vector<float> pixels(size_t(g.patches() * 1536));
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = float(i % 251) / 125.0f - 1.0f;
    for (int r = 0; r < repeats && r < 100; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      const vision_features f = tower.encode(pixels, {g});
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("grid (%lld,%lld,%lld) %lld patches -> %lld tokens: %.3f s (%s)\n", (long long)g.t, (long long)g.h,
                  (long long)g.w, (long long)g.patches(), (long long)f.embeds.size(0), s, tower.dtype().c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tower_bench: %s\n", e.what());
    return 1;
  }
}
