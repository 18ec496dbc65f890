// The media prompt actor with the tiny fixture model's tokenizer and vision tower: an image
// request becomes a session job for the registry (vision features attached); an image that cannot
// be decoded is refused as a bad request naming the content part, and nothing reaches the registry.
#include <gtest/gtest.h>

#include <caf/all.hpp>

#include <cstdlib>
#include <fstream>
#include <thread>
#include <future>
#include <sstream>

#include "actors/atoms.hpp"
#include "actors/media_prompt_actor.hpp"
#include "model/serving/loaded_model.hpp"
#include "tests/actors/recording_sink.hpp"

using namespace vlserve::actors;
using vlserve::testing::recording_sink;
namespace model = vlserve::model;

namespace {

std::string fixtures() { return std::string(std::getenv("VLSERVE_FIXTURES")); }

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    if (i + 1 < bytes.size()) v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
    if (i + 2 < bytes.size()) v |= uint32_t(uint8_t(bytes[i + 2]));
    out += digits[(v >> 18) & 63];
    out += digits[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? digits[(v >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? digits[v & 63] : '=';
  }
  return out;
}

std::string png_data_url(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return "data:image/png;base64," + base64(bytes.str());
}

model::chat_request image_request(const std::string& url) {
  model::chat_request r;
  model::chat_message m;
  m.role = model::chat_role::user;
  m.content = std::vector<model::content_part>{{model::part_kind::image, "", url},
                                               {model::part_kind::text, "What is this?", ""}};
  r.messages.push_back(m);
  r.max_tokens = 4;
  return r;
}

// Stands in for the registry: hands the first created job to the test.
registry_actor::behavior_type recording_registry(registry_actor::pointer, std::shared_ptr<std::promise<generation_job>> got) {
  return {
      [=](vl_create_atom, const session_info&, const generation_job& job, const sink_ptr&) { got->set_value(job); },
      [](vl_subscribe_atom, const std::string&, const sink_ptr&, uint64_t) {},
      [](vl_unsubscribe_atom, const std::string&, const sink_ptr&) {},
      [](vl_cancel_atom, const std::string&, const info_callback&) {},
      [](vl_info_atom, const std::string&, const info_callback&) {},
      [](vl_stats_atom) { return uint64_t(0); },
      [](vl_interrupt_atom) { return true; },
      [](vl_peer_atom, const model_worker_actor&, const registry_peer_actor&) {},
      [](vl_done_atom, const std::string&) {},
      [](vl_lookup_atom, const std::string&) { return false; },
      [](vl_subscribe_atom, const std::string&, const session_relay_actor&, uint64_t) {},
      [](vl_cancel_atom, const std::string&) -> caf::result<session_info> { return caf::sec::runtime_error; },
      [](vl_info_atom, const std::string&) -> caf::result<session_info> { return caf::sec::runtime_error; },
  };
}

struct media_fixture : ::testing::Test {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys = std::make_unique<caf::actor_system>(cfg);
  std::shared_ptr<const model_assets> assets;
  void SetUp() override {
    model::model_load_options o;
    o.engine.max_context = 4096;
    auto m = model::load_model(fixtures() + "/qwen3vl-tiny/model", o);
    model::prompt_defaults d = m.defaults;
    assets = std::make_shared<const model_assets>(model_assets{m.tok, d, "tiny"});
  }
  void TearDown() override { sys.reset(); }
};

}  // namespace

TEST_F(media_fixture, AnImageRequestBecomesAJobWithVisionFeatures) {
  auto got = std::make_shared<std::promise<generation_job>>();
  auto result = got->get_future();
  const registry_actor registry = sys->spawn(recording_registry, got);
  const auto builder = spawn_media_prompt_actor(*sys);
  auto sink = std::make_shared<recording_sink>();
  session_info info;
  info.id = "img";
  caf::anon_send(builder, vl_build_atom::value,
                 build_order{image_request(png_data_url(fixtures() + "/qwen3vl-tiny/media/chart_160x96.png")), assets,
                             info, sink, registry, nullptr});
  ASSERT_EQ(result.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  const generation_job job = result.get();
  EXPECT_EQ(job.session_id, "img");
  ASSERT_TRUE(job.input);
  ASSERT_TRUE(job.input->visual) << "the tower ran and its features travel with the job";
  EXPECT_FALSE(job.input->positions.empty()) << "an image prompt has M-RoPE positions";
  EXPECT_EQ(sink->closes(), 0);
  caf::anon_send_exit(builder, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
}

TEST_F(media_fixture, AnImageThatCannotBeDecodedIsABadRequestNamingItsPart) {
  auto got = std::make_shared<std::promise<generation_job>>();
  auto result = got->get_future();
  const registry_actor registry = sys->spawn(recording_registry, got);
  const auto builder = spawn_media_prompt_actor(*sys);
  auto sink = std::make_shared<recording_sink>();
  session_info info;
  info.id = "broken";
  caf::anon_send(builder, vl_build_atom::value,
                 build_order{image_request("data:image/png;base64," + base64("not a png at all")), assets, info, sink,
                             registry, nullptr});
  for (int i = 0; i < 600 && sink->closes() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_EQ(sink->closes(), 1);
  EXPECT_EQ(sink->close_status(), failure::bad_request);
  EXPECT_NE(sink->rejected_param().find("messages"), std::string::npos) << sink->rejected_param();
  EXPECT_EQ(result.wait_for(std::chrono::seconds(0)), std::future_status::timeout) << "nothing reached the registry";
  caf::anon_send_exit(builder, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
}
