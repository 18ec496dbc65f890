// smart_resize (images and videos), frame sampling and timestamp text against the spec's
// worked examples (§6.3, §7.2, §7.4) and the reference's rounding rules.
#include <gtest/gtest.h>

#include "model/vision/frame_sampling.hpp"
#include "model/vision/media_error.hpp"
#include "model/vision/smart_resize.hpp"

namespace vlserve::model::vision {
namespace {

const pixel_budget image_budget{65536, 16777216};
const pixel_budget video_budget{4096, 25165824};

struct resize_case {
  int64_t h, w, want_h, want_w;
};

TEST(smart_resize, image_table_from_the_spec) {
  const resize_case cases[] = {
      {480, 640, 480, 640},     {1080, 1920, 1088, 1920}, {720, 1280, 704, 1280},
      {100, 100, 256, 256},     {2160, 3840, 2176, 3840}, {6000, 8000, 3520, 4704},
      {131, 200, 224, 320},     {96, 160, 224, 352},      {180, 96, 352, 192},
      {48, 64, 224, 320},
  };
  for (const auto& c : cases) {
    const resized_size r = smart_resize_image(c.h, c.w, 32, image_budget);
    EXPECT_EQ(r.height, c.want_h) << c.h << "x" << c.w;
    EXPECT_EQ(r.width, c.want_w) << c.h << "x" << c.w;
  }
}

TEST(smart_resize, rounds_ties_to_even_like_python) {
  const pixel_budget wide{1, int64_t{1} << 40};
  EXPECT_EQ(smart_resize_image(48, 1000, 32, wide).height, 64);   // 1.5 -> 2
  EXPECT_EQ(smart_resize_image(80, 1000, 32, wide).height, 64);   // 2.5 -> 2
  EXPECT_EQ(smart_resize_image(720, 1000, 32, wide).height, 704); // 22.5 -> 22
  EXPECT_EQ(smart_resize_image(112, 1000, 32, wide).height, 128); // 3.5 -> 4
}

TEST(smart_resize, rejects_degenerate_images) {
  EXPECT_THROW(smart_resize_image(0, 10, 32, image_budget), media_error);
  EXPECT_THROW(smart_resize_image(10, 2100, 32, image_budget), media_error);  // 210:1
  EXPECT_NO_THROW(smart_resize_image(10, 2000, 32, image_budget));           // 200:1 is allowed
}

TEST(smart_resize, video_budget_counts_frames) {
  // Spec §7.4: 20 frames of 1280x720 -> 704x1280.
  resized_size r = smart_resize_video(20, 720, 1280, 2, 32, video_budget);
  EXPECT_EQ(r.height, 704);
  EXPECT_EQ(r.width, 1280);
  // The fixture clip: 6 frames of 120x90 -> 128x96.
  r = smart_resize_video(6, 90, 120, 2, 32, video_budget);
  EXPECT_EQ(r.height, 96);
  EXPECT_EQ(r.width, 128);
  // 768 frames of 1080p exceed 25165824: beta = sqrt(768·1080·1920 / max) = 7.955 -> 128x224.
  r = smart_resize_video(768, 1080, 1920, 2, 32, video_budget);
  EXPECT_EQ(r.height, 128);
  EXPECT_EQ(r.width, 224);
  EXPECT_LE(768 * r.height * r.width, video_budget.max_pixels);
  EXPECT_THROW(smart_resize_video(1, 90, 120, 2, 32, video_budget), media_error);
  EXPECT_THROW(smart_resize_video(4, 20, 120, 2, 32, video_budget), media_error);
}

TEST(frame_sampling, spec_example_ten_seconds_at_30_fps) {
  const std::vector<int64_t> want = {0,   16,  31,  47,  63,  79,  94,  110, 126, 142,
                                     157, 173, 189, 205, 220, 236, 252, 268, 283, 299};
  EXPECT_EQ(sample_frame_indices(300, 30.0, sampling_rule{}), want);
  const auto ts = group_timestamps(want, 30.0, 2);
  const std::vector<std::string> texts = {"<0.3 seconds>", "<1.3 seconds>", "<2.4 seconds>", "<3.4 seconds>",
                                          "<4.5 seconds>", "<5.5 seconds>", "<6.6 seconds>", "<7.6 seconds>",
                                          "<8.7 seconds>", "<9.7 seconds>"};
  ASSERT_EQ(ts.size(), texts.size());
  for (size_t i = 0; i < ts.size(); ++i) EXPECT_EQ(timestamp_text(ts[i]), texts[i]);
}

TEST(frame_sampling, bounds_min_max_cap_and_total) {
  EXPECT_EQ(sample_frame_indices(24, 8.0, sampling_rule{}), (std::vector<int64_t>{0, 5, 9, 14, 18, 23}));
  // Short clip: at least 4 frames, never more than exist.
  EXPECT_EQ(sample_frame_indices(10, 30.0, sampling_rule{}), (std::vector<int64_t>{0, 3, 6, 9}));
  EXPECT_EQ(sample_frame_indices(3, 30.0, sampling_rule{}), (std::vector<int64_t>{0, 1, 2}));
  // Long clip: 2 h at 30 fps wants 14400 frames; the config caps at 768, MAX_VIDEO_FRAMES lower.
  EXPECT_EQ(sample_frame_indices(216000, 30.0, sampling_rule{}).size(), 768u);
  sampling_rule capped;
  capped.extra_cap = 16;
  const auto few = sample_frame_indices(216000, 30.0, capped);
  ASSERT_EQ(few.size(), 16u);
  EXPECT_EQ(few.front(), 0);
  EXPECT_EQ(few.back(), 215999);
  EXPECT_TRUE(sample_frame_indices(0, 30.0, sampling_rule{}).empty());
}

TEST(frame_sampling, odd_count_repeats_last_index_in_timestamps) {
  // Indices {0, 10, 20} at 10 fps: groups (0, 1.0) and (2.0, 2.0).
  const auto ts = group_timestamps({0, 10, 20}, 10.0, 2);
  ASSERT_EQ(ts.size(), 2u);
  EXPECT_DOUBLE_EQ(ts[0], 0.5);
  EXPECT_DOUBLE_EQ(ts[1], 2.0);
  EXPECT_EQ(timestamp_text(0.25), "<0.2 seconds>");   // exact tie: half to even
  EXPECT_EQ(timestamp_text(0.35), "<0.3 seconds>");   // 0.35 is 0.34999… in binary
}

}  // namespace
}  // namespace vlserve::model::vision
