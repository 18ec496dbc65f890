// remote_job: every field of a text job survives to_remote → CAF's binary serialisation (what
// the io middleman sends between nodes) → from_remote.
#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include "actors/remote_job.hpp"
#include "model/text/visual_injection.hpp"

namespace vlserve::actors {
namespace {

// `sent` through CAF's binary serialisation, as it crosses between cluster nodes.
remote_job across_the_wire(const remote_job& sent) {
  caf::actor_system_config cfg;
  cfg.add_message_type<remote_job>("vl_remote_job");
  caf::actor_system sys{cfg};
  std::vector<char> bytes;
  caf::binary_serializer sink{sys, bytes};
  remote_job copy = sent;
  EXPECT_FALSE(sink(copy)) << "serialising";
  remote_job received;
  caf::binary_deserializer source{sys, bytes};
  EXPECT_FALSE(source(received)) << "deserialising";
  return received;
}

generation_job sample_job() {
  auto in = std::make_shared<model::sequence_input>();
  in->prompt_ids = {1, 2, 151644, 7};
  in->positions = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
  in->rope_delta = -5;
  in->prompt_logits = 4;
  in->choices = 3;
  auto& sp = in->settings.sampling;
  sp.temperature = 0.6f;
  sp.top_k = 20;
  sp.top_p = 0.95f;
  sp.min_p = 0.05f;
  sp.presence_penalty = 0.5f;
  sp.frequency_penalty = -0.25f;
  sp.repetition_penalty = 1.1f;
  sp.seed = 1234567890123ull;
  sp.logprobs = true;
  sp.top_logprobs = 3;
  in->settings.stop.max_tokens = 77;
  in->settings.stop.eos_ids = {151645, 151643};
  in->settings.stop.stop_strings = {"</answer>", "\n\n"};
  in->settings.parse_tool_calls = true;
  sp.logit_bias = {{13, -100.0f}, {151645, 2.5f}};
  in->settings.thinking_budget = 64;
  in->settings.output.kind = model::grammar::output_kind::json_schema;
  in->settings.output.schema_json = R"({"type":"object","properties":{"a":{"type":"integer"}}})";
  in->settings.output.parallel = false;
  in->settings.grammar = model::grammar::compile_output(in->settings.output);
  return generation_job{"session-42", in};
}

TEST(RemoteJob, EveryFieldSurvivesTheWire) {
  remote_job received = across_the_wire(to_remote(sample_job()));

  const generation_job job = from_remote(std::move(received));
  const generation_job want = sample_job();
  EXPECT_EQ(job.session_id, want.session_id);
  const auto& a = *job.input;
  const auto& b = *want.input;
  EXPECT_EQ(a.prompt_ids, b.prompt_ids);
  EXPECT_EQ(a.positions, b.positions);
  EXPECT_EQ(a.rope_delta, b.rope_delta);
  EXPECT_EQ(a.prompt_logits, b.prompt_logits);
  EXPECT_EQ(a.choices, b.choices);
  EXPECT_EQ(a.settings.sampling.temperature, b.settings.sampling.temperature);
  EXPECT_EQ(a.settings.sampling.top_k, b.settings.sampling.top_k);
  EXPECT_EQ(a.settings.sampling.top_p, b.settings.sampling.top_p);
  EXPECT_EQ(a.settings.sampling.min_p, b.settings.sampling.min_p);
  EXPECT_EQ(a.settings.sampling.presence_penalty, b.settings.sampling.presence_penalty);
  EXPECT_EQ(a.settings.sampling.frequency_penalty, b.settings.sampling.frequency_penalty);
  EXPECT_EQ(a.settings.sampling.repetition_penalty, b.settings.sampling.repetition_penalty);
  EXPECT_EQ(a.settings.sampling.seed, b.settings.sampling.seed);
  EXPECT_EQ(a.settings.sampling.logprobs, b.settings.sampling.logprobs);
  EXPECT_EQ(a.settings.sampling.top_logprobs, b.settings.sampling.top_logprobs);
  EXPECT_EQ(a.settings.stop.max_tokens, b.settings.stop.max_tokens);
  EXPECT_EQ(a.settings.stop.eos_ids, b.settings.stop.eos_ids);
  EXPECT_EQ(a.settings.stop.stop_strings, b.settings.stop.stop_strings);
  EXPECT_EQ(a.settings.parse_tool_calls, b.settings.parse_tool_calls);
  EXPECT_EQ(a.settings.sampling.logit_bias, b.settings.sampling.logit_bias);
  EXPECT_EQ(a.settings.thinking_budget, b.settings.thinking_budget);
  EXPECT_EQ(a.settings.output.kind, b.settings.output.kind);
  EXPECT_EQ(a.settings.output.schema_json, b.settings.output.schema_json);
  EXPECT_EQ(a.settings.output.parallel, b.settings.output.parallel);
  ASSERT_NE(a.settings.grammar, nullptr) << "the peer compiles the schema again";
  EXPECT_EQ(a.settings.grammar->nodes.size(), b.settings.grammar->nodes.size());
  EXPECT_EQ(a.visual, nullptr);
}

TEST(RemoteJob, ForcedToolCallsCrossToo) {
  generation_job job = sample_job();
  auto& out = job.input->settings.output;
  out = {};
  out.kind = model::grammar::output_kind::tool_calls;
  out.tools_json = {R"({"type":"function","function":{"name":"f","parameters":{"type":"object"}}})"};
  out.tool_name = "f";
  const generation_job back = from_remote(to_remote(job));
  EXPECT_EQ(back.input->settings.output.tools_json, out.tools_json);
  EXPECT_EQ(back.input->settings.output.tool_name, "f");
  ASSERT_NE(back.input->settings.grammar, nullptr);
  EXPECT_EQ(back.input->settings.grammar->answer, model::grammar::answer_kind::tool_calls);
}

TEST(RemoteJob, NoSeedStaysNoSeed) {
  generation_job job = sample_job();
  job.input->settings.sampling.seed.reset();
  EXPECT_FALSE(from_remote(to_remote(job)).input->settings.sampling.seed.has_value());
}

TEST(RemoteJob, AJobWithoutInputIsNotPortable) {
  EXPECT_TRUE(is_portable(sample_job()));
  EXPECT_FALSE(is_portable(generation_job{"empty", nullptr}));
  EXPECT_THROW(to_remote(generation_job{"empty", nullptr}), std::invalid_argument);
}

// Vision features cross as float32 and are rebuilt in the taking engine's dtype: bf16 values
// survive exactly, and sizes that disagree are refused before anything is built.
TEST(RemoteJob, VisionFeaturesCrossExactly) {
  generation_job job = sample_job();
  auto visual = std::make_shared<vlserve::model::visual_injection>();
  visual->rows = {3, 4, 5};
  visual->embeddings = at::randn({3, 8}).to(at::kBFloat16);
  visual->deepstack = {at::randn({3, 8}).to(at::kBFloat16), at::randn({3, 8}).to(at::kBFloat16)};
  job.input->visual = visual;
  ASSERT_TRUE(is_portable(job));
  remote_job received = across_the_wire(to_remote(job));
  remote_job broken = received;

  const generation_job back = from_remote(std::move(received), "cpu", "bfloat16");
  ASSERT_NE(back.input->visual, nullptr);
  const auto& v = *back.input->visual;
  EXPECT_EQ(v.rows, visual->rows);
  EXPECT_EQ(v.embeddings.scalar_type(), at::kBFloat16);
  EXPECT_TRUE(at::equal(v.embeddings, visual->embeddings));
  ASSERT_EQ(v.deepstack.size(), 2u);
  for (size_t k = 0; k < 2; ++k) EXPECT_TRUE(at::equal(v.deepstack[k], visual->deepstack[k]));

  broken.visual_embeddings.pop_back();
  EXPECT_THROW(from_remote(std::move(broken), "cpu", "bfloat16"), std::invalid_argument);
}

}  // namespace
}  // namespace vlserve::actors
