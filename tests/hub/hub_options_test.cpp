// Environment -> options, and reading a cache laid out by the Hugging Face tools (built by hand here).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config/settings.hpp"
#include "hub/cache_layout.hpp"
#include "hub/resolve_model_dir.hpp"
#include "tests/hub/fake_hub_process.hpp"

namespace vlserve::testing {
namespace {
namespace fs = std::filesystem;

// Sets environment variables for one test and restores them after.
class env_guard {
 public:
  ~env_guard() {
    for (const auto& [name, old] : saved_) {
      if (old)
        ::setenv(name.c_str(), old->c_str(), 1);
      else
        ::unsetenv(name.c_str());
    }
  }
  void set(const std::string& name, const char* value) {
    const char* old = std::getenv(name.c_str());
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value)
      ::setenv(name.c_str(), value, 1);
    else
      ::unsetenv(name.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(hub_options, environment_follows_huggingface_hub_precedence) {
  env_guard env;
  scratch_dir work;
  env.set("HF_HUB_CACHE", nullptr);
  env.set("HF_HOME", work.path().c_str());
  env.set("HF_ENDPOINT", "http://mirror.example:8080/");
  env.set("HF_HUB_OFFLINE", "1");
  env.set("HF_TOKEN_PATH", nullptr);
  std::ofstream(work.path() + "/token") << "hf_fromLoginFile\n";
  config::settings s;
  s.model_repo_id = "Org/Name";
  s.model_revision = "v1";
  auto o = hub::hub_options_from_env(s);
  EXPECT_EQ(o.cache_dir, work.path() + "/hub");
  EXPECT_EQ(o.endpoint, "http://mirror.example:8080");
  EXPECT_TRUE(o.offline);
  EXPECT_EQ(o.token, "hf_fromLoginFile");
  EXPECT_EQ(o.repo_id, "Org/Name");
  EXPECT_EQ(o.revision, "v1");

  env.set("HF_HUB_CACHE", "/somewhere/cache");
  env.set("HF_ENDPOINT", nullptr);
  env.set("HF_HUB_OFFLINE", "0");
  s.hf_token = "hf_fromSettings";
  o = hub::hub_options_from_env(s);
  EXPECT_EQ(o.cache_dir, "/somewhere/cache");
  EXPECT_EQ(o.endpoint, "https://huggingface.co");
  EXPECT_FALSE(o.offline);
  EXPECT_EQ(o.token, "hf_fromSettings");

  env.set("HF_HUB_CACHE", nullptr);
  env.set("HF_HOME", nullptr);
  env.set("XDG_CACHE_HOME", nullptr);
  env.set("HOME", "/home/someone");
  EXPECT_EQ(hub::default_cache_dir(), "/home/someone/.cache/huggingface/hub");
}

TEST(hub_options, names_and_ids) {
  EXPECT_EQ(hub::repo_folder_name("Qwen/Qwen3-VL-2B-Thinking"), "models--Qwen--Qwen3-VL-2B-Thinking");
  EXPECT_TRUE(hub::is_commit_hash("0123456789abcdef0123456789abcdef01234567"));
  EXPECT_FALSE(hub::is_commit_hash("main"));
  EXPECT_NO_THROW(hub::check_repo_id("Qwen/Qwen3-VL-2B-Thinking"));
  EXPECT_NO_THROW(hub::check_repo_id("gpt2"));
  for (const char* bad : {"", "a/b/c", "../x", "a/..", "a b/c", "a/b--c", "/abs"})
    EXPECT_THROW(hub::check_repo_id(bad), hub::hub_error) << bad;
  EXPECT_THROW(hub::check_relative_name("shard name", "../escape.safetensors"), hub::hub_error);
  EXPECT_NO_THROW(hub::check_relative_name("MODEL_REVISION", "refs/pr/1"));
}

// A snapshot as huggingface_hub writes it: blobs named by hash, relative links, a ref.
TEST(hub_options, reads_a_cache_written_by_the_hf_tools_without_network) {
  scratch_dir work;
  const std::string cache = work.path() + "/cache";
  const std::string repo = cache + "/models--Org--Tiny";
  const std::string commit = "aaaabbbbccccddddeeeeffff0000111122223333";
  fs::create_directories(repo + "/blobs");
  fs::create_directories(repo + "/snapshots/" + commit);
  fs::create_directories(repo + "/refs");
  std::ofstream(repo + "/refs/main") << commit;
  for (const auto& entry : fs::directory_iterator(fixture_model_dir())) {
    const std::string content = read_file(entry.path().string());
    const std::string etag = sha256_hex(content);
    fs::copy_file(entry.path(), repo + "/blobs/" + etag);
    fs::create_symlink("../../blobs/" + etag, repo + "/snapshots/" + commit + "/" + entry.path().filename().string());
  }
  auto opts = test_options(work.path(), "http://127.0.0.1:9", "Org/Tiny");
  opts.cache_dir = cache;
  EXPECT_EQ(hub::resolve_model_dir(opts), repo + "/snapshots/" + commit);
  opts.revision = commit;  // a commit hash needs no ref
  EXPECT_EQ(hub::resolve_model_dir(opts), repo + "/snapshots/" + commit);

  // A link whose blob is gone makes the snapshot incomplete: offline mode then names the file.
  fs::remove(repo + "/blobs/" + sha256_hex(read_file(fixture_model_dir() + "/tokenizer.json")));
  opts.offline = true;
  try {
    hub::resolve_model_dir(opts);
    ADD_FAILURE() << "an incomplete snapshot was accepted";
  } catch (const hub::hub_error& e) {
    EXPECT_EQ(e.kind(), hub::hub_error_kind::offline);
    EXPECT_NE(std::string(e.what()).find("tokenizer.json"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlserve::testing
