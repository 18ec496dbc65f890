// Failures a user can meet, each with a message that says what to do, and the local-directory path.
#include <gtest/gtest.h>

#include <filesystem>

#include "hub/resolve_model_dir.hpp"
#include "tests/hub/fake_hub_process.hpp"
#include "tests/support/http_client.hpp"

namespace vlserve::testing {
namespace {
namespace fs = std::filesystem;

hub::hub_error resolve_error(const hub::hub_options& opts) {
  try {
    hub::resolve_model_dir(opts);
  } catch (const hub::hub_error& e) {
    return e;
  }
  ADD_FAILURE() << "resolve_model_dir succeeded for " << opts.repo_id;
  return hub::hub_error(hub::hub_error_kind::bad_request, "");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(hub_errors, gated_repo_needs_a_token_and_messages_never_show_it) {
  scratch_dir work;
  const std::string secret = "hf_SecretToken1234567890";
  fake_hub_options hub_opts;
  hub_opts.token = secret;
  fake_hub hub(work.path(), hub_opts);
  auto opts = test_options(work.path(), hub.endpoint(), "test-org/gated-vl");

  const auto no_token = resolve_error(opts);
  EXPECT_EQ(no_token.kind(), hub::hub_error_kind::unauthorized);
  EXPECT_TRUE(contains(no_token.what(), "HF_TOKEN")) << no_token.what();
  EXPECT_TRUE(contains(no_token.what(), "gated")) << no_token.what();

  opts.token = "hf_WrongToken0987654321";
  const auto wrong = resolve_error(opts);
  EXPECT_EQ(wrong.kind(), hub::hub_error_kind::unauthorized);
  EXPECT_TRUE(contains(wrong.what(), "HF_TOKEN")) << wrong.what();
  EXPECT_FALSE(contains(wrong.what(), opts.token)) << wrong.what();
  EXPECT_FALSE(contains(wrong.what(), "WrongToken")) << wrong.what();

  opts.token = secret;
  const size_t before = hub.requests().size();
  const std::string dir = hub::resolve_model_dir(opts);
  EXPECT_EQ(read_file(dir + "/config.json"), read_file(fixture_model_dir() + "/config.json"));
  const auto requests = hub.requests();
  ASSERT_GT(requests.size(), before);
  for (size_t i = before; i < requests.size(); ++i) {
    const auto& r = requests[i];
    if (!r.path.starts_with("/_blobs/")) {
      EXPECT_TRUE(r.auth) << r.path;
    }
  }
}

TEST(hub_errors, unknown_repo_or_revision_is_not_found) {
  scratch_dir work;
  fake_hub hub(work.path());
  auto opts = test_options(work.path(), hub.endpoint(), "test-org/no-such-model");
  const auto repo = resolve_error(opts);
  EXPECT_EQ(repo.kind(), hub::hub_error_kind::not_found);
  EXPECT_TRUE(contains(repo.what(), "MODEL_REPO_ID")) << repo.what();
  EXPECT_TRUE(contains(repo.what(), "test-org/no-such-model")) << repo.what();

  opts.repo_id = "test-org/tiny-vl";
  opts.revision = "v9.9";
  const auto revision = resolve_error(opts);
  EXPECT_EQ(revision.kind(), hub::hub_error_kind::not_found);
  EXPECT_TRUE(contains(revision.what(), "MODEL_REVISION")) << revision.what();
  EXPECT_FALSE(fs::exists(opts.cache_dir + "/models--test-org--tiny-vl/refs/v9.9"));
}

TEST(hub_errors, corrupted_blob_is_rejected_by_its_sha256) {
  scratch_dir work;
  fake_hub_options hub_opts;
  hub_opts.corrupt = "model.safetensors";
  fake_hub hub(work.path(), hub_opts);
  const auto opts = test_options(work.path(), hub.endpoint(), "test-org/tiny-vl");
  const auto e = resolve_error(opts);
  EXPECT_EQ(e.kind(), hub::hub_error_kind::checksum_mismatch);
  EXPECT_TRUE(contains(e.what(), "model.safetensors")) << e.what();
  EXPECT_TRUE(contains(e.what(), "sha256")) << e.what();

  const std::string repo = opts.cache_dir + "/models--test-org--tiny-vl";
  const std::string sha = sha256_hex(read_file(fixture_model_dir() + "/model.safetensors"));
  EXPECT_FALSE(fs::exists(repo + "/blobs/" + sha));
  EXPECT_FALSE(fs::exists(repo + "/blobs/" + sha + ".incomplete"));
  EXPECT_FALSE(fs::exists(repo + "/refs/main"));  // an unfinished snapshot is never advertised
}

TEST(hub_errors, offline_with_an_empty_cache_says_what_to_do) {
  scratch_dir work;
  fake_hub hub(work.path());
  auto opts = test_options(work.path(), hub.endpoint(), "test-org/tiny-vl");
  opts.offline = true;
  const auto e = resolve_error(opts);
  EXPECT_EQ(e.kind(), hub::hub_error_kind::offline);
  EXPECT_TRUE(contains(e.what(), "HF_HUB_OFFLINE")) << e.what();
  EXPECT_TRUE(contains(e.what(), opts.cache_dir)) << e.what();
  EXPECT_TRUE(hub.requests().empty());
}

TEST(hub_errors, unreachable_hub_is_a_network_error_after_bounded_retries) {
  scratch_dir work;
  const uint16_t port = free_port();  // nothing listens there
  auto opts = test_options(work.path(), "http://127.0.0.1:" + std::to_string(port), "test-org/tiny-vl");
  const auto e = resolve_error(opts);
  EXPECT_EQ(e.kind(), hub::hub_error_kind::network);
  EXPECT_TRUE(contains(e.what(), "HF_HUB_OFFLINE")) << e.what();
}

TEST(hub_errors, local_directory_is_used_as_is) {
  scratch_dir work;
  fake_hub hub(work.path());
  auto opts = test_options(work.path(), hub.endpoint(), fixture_model_dir());
  EXPECT_EQ(hub::resolve_model_dir(opts), fixture_model_dir());
  EXPECT_TRUE(hub.requests().empty());
  EXPECT_FALSE(fs::exists(opts.cache_dir));

  const std::string partial = work.path() + "/partial-model";
  fs::create_directories(partial);
  fs::copy_file(fixture_model_dir() + "/config.json", partial + "/config.json");
  opts.repo_id = partial;
  const auto e = resolve_error(opts);
  EXPECT_EQ(e.kind(), hub::hub_error_kind::invalid_model);
  EXPECT_TRUE(contains(e.what(), "tokenizer.json")) << e.what();
  EXPECT_TRUE(contains(e.what(), "model.safetensors")) << e.what();

  opts.repo_id = work.path() + "/does-not-exist";
  EXPECT_EQ(resolve_error(opts).kind(), hub::hub_error_kind::invalid_model);
  opts.repo_id = "a/b/c";
  EXPECT_EQ(resolve_error(opts).kind(), hub::hub_error_kind::bad_request);
}

}  // namespace
}  // namespace vlserve::testing
