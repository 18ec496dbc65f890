// Torch-free pieces of the multimodal prompt on hand-made inputs: M-RoPE ids (spec §4.4 worked
// example), placeholder expansion (spec §7.4), and the errors both give on inconsistent input.
#include <gtest/gtest.h>

#include "model/vision/multimodal/expand_prompt.hpp"
#include "model/vision/multimodal/rope_index.hpp"

using namespace vlserve::model::vision;

namespace {
constexpr int32_t A = 100, B = 101, VS = 151652, VE = 151653, IP = 151655, VP = 151656;
}

TEST(RopeIndex, ImageBlockUsesTheMergedGridAndTextRestartsAfterItsMaximum) {
  const std::vector<int32_t> ids{A, VS, IP, IP, IP, IP, VE, B};
  const auto r = rope_index(ids, {{1, 4, 4}}, {}, 2);
  const std::vector<int64_t> want{0, 1, 2, 2, 2, 2, 4, 5,   // t
                                  0, 1, 2, 2, 3, 3, 4, 5,   // h
                                  0, 1, 2, 3, 2, 3, 4, 5};  // w
  EXPECT_EQ(r.positions, want);
  EXPECT_EQ(r.rope_delta, 6 - 8);
}

TEST(RopeIndex, EachVideoGroupIsItsOwnBlockWithTimeZero) {
  // Two groups of a (2, 2, 4) video: each group 1×1×2 merged tokens, timestamp text between them.
  const std::vector<int32_t> ids{VS, VP, VP, VE, A, VS, VP, VP, VE};
  const auto r = rope_index(ids, {}, {{2, 2, 4}}, 2);
  const std::vector<int64_t> t{0, 1, 1, 3, 4, 5, 6, 6, 8};
  const std::vector<int64_t> w{0, 1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_EQ(std::vector<int64_t>(r.positions.begin(), r.positions.begin() + 9), t);
  EXPECT_EQ(std::vector<int64_t>(r.positions.begin() + 18, r.positions.end()), w);
  EXPECT_EQ(r.rope_delta, 0);
}

TEST(RopeIndex, TextOnlyIsTheIdentity) {
  const std::vector<int32_t> ids{A, B, A};
  const auto r = rope_index(ids, {}, {}, 2);
  EXPECT_EQ(r.positions, (std::vector<int64_t>{0, 1, 2, 0, 1, 2, 0, 1, 2}));
  EXPECT_EQ(r.rope_delta, 0);
}

TEST(RopeIndex, RejectsPadsThatDisagreeWithTheGrids) {
  const std::vector<int32_t> three{A, VS, IP, IP, IP, VE};
  EXPECT_THROW(rope_index(three, {{1, 4, 4}}, {}, 2), std::invalid_argument);
  const std::vector<int32_t> five{VS, IP, IP, IP, IP, IP, VE};
  EXPECT_THROW(rope_index(five, {{1, 4, 4}}, {}, 2), std::invalid_argument);
  const std::vector<int32_t> no_start{A, IP, IP, IP, IP};
  EXPECT_THROW(rope_index(no_start, {{1, 4, 4}}, {}, 2), std::invalid_argument);
  const std::vector<int32_t> none{A, B};
  EXPECT_THROW(rope_index(none, {{1, 4, 4}}, {}, 2), std::invalid_argument);
}

TEST(ExpandPrompt, ImagesGetTheirPadCountAndVideosReplaceTheWholeTriple) {
  const std::string text = std::string("a<|vision_start|><|image_pad|><|vision_end|>b") +
                           "<|vision_start|><|video_pad|><|vision_end|>c";
  media_placeholder img;
  img.image_pads = 3;
  media_placeholder vid;
  vid.is_video = true;
  vid.video_text = "<0.5 seconds><|vision_start|><|video_pad|><|vision_end|>";
  const auto out = expand_vision_placeholders(text, {img, vid});
  EXPECT_EQ(out, "a<|vision_start|><|image_pad|><|image_pad|><|image_pad|><|vision_end|>b"
                 "<0.5 seconds><|vision_start|><|video_pad|><|vision_end|>c");
}

TEST(ExpandPrompt, RejectsPlaceholdersThatDoNotMatchTheParts) {
  media_placeholder img;
  img.image_pads = 1;
  const std::string two_images = "<|image_pad|> and <|image_pad|>";
  EXPECT_THROW(expand_vision_placeholders(two_images, {img}), std::invalid_argument);
  media_placeholder vid;
  vid.is_video = true;
  EXPECT_THROW(expand_vision_placeholders("<|image_pad|>", {vid}), std::invalid_argument);
  EXPECT_EQ(placeholder_kinds("x<|video_pad|>y<|image_pad|>"), (std::vector<bool>{true, false}));
}
