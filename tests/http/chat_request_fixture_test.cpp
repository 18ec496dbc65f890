// The whole front half of a request: each fixture case's OpenAI body (media as data URLs,
// video_url parts included) parsed and rendered must give the prompt transformers produced.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/json.hpp"
#include "http/chat_request_parser.hpp"
#include "model/chat/chat_template.hpp"
#include "tests/support/child_process.hpp"

namespace {

rapidjson::Document read_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  if (doc.HasParseError()) throw std::runtime_error("bad fixture " + path.string());
  return doc;
}

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

}  // namespace

TEST(ChatRequestFixtures, ParsedRequestsRenderTheReferencePrompt) {
  const auto dir =
      std::filesystem::path(vlserve::testing::fixtures_dir()) / "qwen3vl-tiny" / "cases";
  int cases = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    SCOPED_TRACE(entry.path().filename().string());
    const auto doc = read_json(entry.path());
    const auto request = vlserve::http::parse_chat_request(to_text(doc["request"]));
    EXPECT_EQ(vlserve::model::render_chat_prompt(request.messages, request.tools),
              doc["prompt"].GetString());
    EXPECT_EQ(request.max_tokens, doc["request"]["max_tokens"].GetInt64());
    EXPECT_EQ(request.temperature, doc["request"]["temperature"].GetDouble());
    // Media URLs reach the struct intact, in order, one per image/video in the fixture.
    std::size_t media = 0;
    for (const auto& m : request.messages)
      if (const auto* parts = std::get_if<std::vector<vlserve::model::content_part>>(&m.content))
        for (const auto& p : *parts)
          if (p.kind != vlserve::model::part_kind::text) {
            EXPECT_EQ(p.url.rfind("data:", 0), 0u);
            ++media;
          }
    EXPECT_EQ(media, doc["media"]["images"].Size() + doc["media"]["videos"].Size());
    ++cases;
  }
  EXPECT_EQ(cases, 6);
}
