// The native chat template against the reference: the fixture cases' prompts (rendered by
// transformers) and hand-built conversations rendered offline by jinja2 (make_template_cases.py).
#include "model/chat/chat_template.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "tests/chat/hf_messages.hpp"
#include "tests/support/child_process.hpp"

using namespace vlserve::model;
using vlserve::testing::messages_from_hf;
using vlserve::testing::read_json_file;
using vlserve::testing::tools_from_hf;

TEST(ChatTemplate, RendersEveryFixtureCaseLikeTransformers) {
  const auto dir =
      std::filesystem::path(vlserve::testing::fixtures_dir()) / "qwen3vl-tiny" / "cases";
  std::set<std::string> seen;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const auto doc = read_json_file(entry.path().string());
    const auto messages = messages_from_hf(doc["hf_messages"]);
    EXPECT_EQ(render_chat_prompt(messages, {}), doc["prompt"].GetString());
    seen.insert(entry.path().stem().string());
  }
  const std::set<std::string> expected = {"text_single", "text_multiturn", "image_single",
                                          "image_two",   "video_single",   "image_and_video"};
  EXPECT_EQ(seen, expected);
}

TEST(ChatTemplate, MatchesJinjaOnHandBuiltConversations) {
  const auto doc = read_json_file(CHAT_TEMPLATE_CASES);
  const auto& cases = doc["template_cases"];
  ASSERT_GE(cases.Size(), 10u);
  for (const auto& c : cases.GetArray()) {
    SCOPED_TRACE(c["name"].GetString());
    template_options options;
    options.add_generation_prompt = c["add_generation_prompt"].GetBool();
    options.add_vision_id = c["add_vision_id"].GetBool();
    const std::string prompt =
        render_chat_prompt(messages_from_hf(c["messages"]), tools_from_hf(c["tools"]), options);
    EXPECT_EQ(prompt, c["expected"].GetString());
  }
}

TEST(ChatTemplate, SingleUserTurnEndsWithTheThinkingGenerationPrompt) {
  chat_message m;
  m.content = std::string("Hi");
  EXPECT_EQ(render_chat_prompt({m}, {}),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n");
  EXPECT_EQ(render_chat_prompt({m}, {}, {.add_generation_prompt = false}),
            "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatTemplate, MediaPartsBecomePlaceholdersWhateverTheirUrl) {
  chat_message m;
  m.content = std::vector<content_part>{{part_kind::video, "", "data:video/mp4;base64,AAAA"},
                                        {part_kind::text, "what?", ""},
                                        {part_kind::image, "", "https://x/y.png"}};
  EXPECT_EQ(render_chat_prompt({m}, {}, {.add_generation_prompt = false, .add_vision_id = true}),
            "<|im_start|>user\nVideo 1: <|vision_start|><|video_pad|><|vision_end|>what?"
            "Picture 1: <|vision_start|><|image_pad|><|vision_end|><|im_end|>\n");
}

TEST(ChatTemplate, RejectsAnEmptyConversation) {
  EXPECT_THROW(render_chat_prompt({}, {}), std::invalid_argument);
}

TEST(ChatTemplate, RejectsMalformedToolJsonWithItsOffset) {
  chat_message m;
  m.content = std::string("x");
  try {
    render_chat_prompt({m}, {{"{\"type\": \"function\", "}});
    FAIL() << "malformed tool JSON was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("offset"), std::string::npos) << e.what();
  }
}

TEST(ChatTemplate, ObjectArgumentsAreReprintedButTextArgumentsAreVerbatim) {
  chat_message user;
  user.content = std::string("go");
  chat_message assistant;
  assistant.role = chat_role::assistant;
  assistant.tool_calls = {{"c1", "f", "{\"a\":1.0}", false}, {"c2", "g", "{\"a\":1.0}", true}};
  const std::string prompt =
      render_chat_prompt({user, assistant}, {}, {.add_generation_prompt = false});
  EXPECT_NE(prompt.find("{\"name\": \"f\", \"arguments\": {\"a\": 1.0}}"), std::string::npos)
      << prompt;
  EXPECT_NE(prompt.find("{\"name\": \"g\", \"arguments\": {\"a\":1.0}}"), std::string::npos)
      << prompt;
}
