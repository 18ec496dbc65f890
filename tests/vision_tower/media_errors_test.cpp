// Requests whose media cannot be served: each gives a prompt_error naming the content part (the
// server's 400 param) and saying why, before any tower work; limits come from media_policy.
#include <gtest/gtest.h>

#include "tests/vision_tower/mm_case.hpp"
#include "tests/vision_tower/prompt_support.hpp"

using namespace vlserve::model;
using namespace vlserve::testing;

namespace {

chat_request with_parts(std::vector<content_part> parts) {
  chat_request r;
  chat_message system, user;
  system.role = chat_role::system;
  system.content = std::string("be brief");
  user.content = std::move(parts);
  r.messages = {system, user};
  return r;
}

content_part image(std::string url) { return {part_kind::image, "", std::move(url)}; }

prompt_error error_of(const chat_request& r, const prompt_defaults& d) {
  try {
    build_prompt(r, tiny_tokenizer(), d);
  } catch (const prompt_error& e) {
    return e;
  }
  ADD_FAILURE() << "build_prompt accepted the request";
  return prompt_error("", "");
}

// The data URL of the image in the image_single case.
std::string fixture_image_url() {
  const auto c = load_mm_case("image_single");
  for (const auto& m : c.request.messages)
    if (const auto* parts = std::get_if<std::vector<content_part>>(&m.content))
      for (const auto& p : *parts)
        if (p.kind == part_kind::image) return p.url;
  throw std::runtime_error("image_single has no image part");
}

}  // namespace

TEST(MediaErrors, UndecodableImageNamesItsPart) {
  const auto e = error_of(with_parts({{part_kind::text, "look", ""}, image("data:image/png;base64,aGVsbG8=")}),
                          tiny_prompt_defaults());
  EXPECT_EQ(e.param, "messages[1].content[1].image_url");
  EXPECT_NE(std::string(e.what()).find("messages[1].content[1] (image)"), std::string::npos) << e.what();
}

TEST(MediaErrors, RefusedUrlNamesItsPart) {
  chat_request r = with_parts({image("ftp://example.com/cat.png")});
  r.messages[1].content = std::vector<content_part>{{part_kind::video, "", "ftp://example.com/cat.mp4"}};
  const auto e = error_of(r, tiny_prompt_defaults());
  EXPECT_EQ(e.param, "messages[1].content[0].video_url");
  EXPECT_NE(std::string(e.what()).find("ftp"), std::string::npos) << e.what();
}

TEST(MediaErrors, TooManyItemsAndTooManyVisionTokens) {
  const std::string url = fixture_image_url();
  auto d = tiny_prompt_defaults();
  d.media.max_items = 1;
  auto e = error_of(with_parts({image(url), image(url)}), d);
  EXPECT_EQ(e.param, "messages[1].content[1].image_url");
  EXPECT_NE(std::string(e.what()).find("at most 1"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("(MAX_MEDIA_ITEMS)"), std::string::npos) << "names the real variable";

  d = tiny_prompt_defaults();
  d.media.max_vision_tokens = 100;  // the fixture image needs 14·20/4 = 70 tokens, two need 140
  e = error_of(with_parts({image(url), image(url)}), d);
  EXPECT_EQ(e.param, "messages[1].content[1].image_url");
  EXPECT_NE(std::string(e.what()).find("vision tokens"), std::string::npos) << e.what();
}

TEST(MediaErrors, TypedPlaceholderTokensAndMissingTowerAreRefused) {
  const std::string url = fixture_image_url();
  auto e = error_of(with_parts({{part_kind::text, "<|image_pad|>", ""}, image(url)}), tiny_prompt_defaults());
  EXPECT_EQ(e.param, "messages");
  EXPECT_NE(std::string(e.what()).find("placeholders"), std::string::npos) << e.what();

  auto d = tiny_prompt_defaults();
  d.tower.reset();
  e = error_of(with_parts({image(url)}), d);
  EXPECT_NE(std::string(e.what()).find("vision tower"), std::string::npos) << e.what();
}
