// Downloads from the fake hub through the real libcurl path into a real cache directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>

#include "hub/resolve_model_dir.hpp"
#include "tests/hub/fake_hub_process.hpp"

namespace vlserve::testing {
namespace {
namespace fs = std::filesystem;

const std::vector<std::string> model_files{
    "config.json",           "generation_config.json",   "tokenizer.json",
    "tokenizer_config.json", "preprocessor_config.json", "chat_template.json",
    "video_preprocessor_config.json", "model.safetensors"};

bool is_lfs(const std::string& name, const std::string& content) {
  return name.ends_with(".safetensors") || content.size() > (1u << 20);
}

int count_blob_gets(const fake_hub& hub, bool with_range) {
  int n = 0;
  for (const auto& r : hub.requests())
    if (r.method == "GET" && r.path.starts_with("/_blobs/") && r.range.empty() != with_range) ++n;
  return n;
}

TEST(hub_download, first_download_matches_files_and_hf_cache_layout) {
  scratch_dir work;
  fake_hub hub(work.path());
  const auto opts = test_options(work.path(), hub.endpoint(), "test-org/tiny-vl");
  std::vector<hub::download_progress> reports;
  std::mutex m;
  const std::string dir = hub::resolve_model_dir(opts, [&](const hub::download_progress& p) {
    std::lock_guard lock(m);
    reports.push_back(p);
  });

  const std::string repo = opts.cache_dir + "/models--test-org--tiny-vl";
  const std::string commit = read_file(repo + "/refs/main");
  ASSERT_EQ(commit.size(), 40u);
  EXPECT_EQ(fs::path(dir), fs::path(repo + "/snapshots/" + commit));
  uint64_t total = 0;
  for (const auto& name : model_files) {
    const std::string expected = read_file(fixture_model_dir() + "/" + name);
    total += expected.size();
    const fs::path link = dir + "/" + name;
    ASSERT_TRUE(fs::is_symlink(link)) << name;
    const std::string etag = is_lfs(name, expected) ? sha256_hex(expected) : git_blob_sha1(expected);
    EXPECT_EQ(fs::read_symlink(link).string(), "../../blobs/" + etag) << name;
    EXPECT_TRUE(fs::is_regular_file(repo + "/blobs/" + etag)) << name;
    EXPECT_EQ(read_file(link.string()), expected) << name;
  }
  for (const auto& entry : fs::directory_iterator(repo + "/blobs"))
    EXPECT_EQ(entry.path().extension(), "") << "left over: " << entry.path();
  EXPECT_TRUE(fs::is_directory(opts.cache_dir + "/.locks/models--test-org--tiny-vl"));

  ASSERT_FALSE(reports.empty());
  const auto& last = reports.back();
  EXPECT_TRUE(last.finished);
  EXPECT_EQ(last.bytes_total, total);
  EXPECT_EQ(last.bytes_done, total);
  EXPECT_DOUBLE_EQ(last.percent, 100.0);
  EXPECT_EQ(last.files_done, int(model_files.size()));
  EXPECT_EQ(last.files_total, int(model_files.size()));
  EXPECT_GT(last.bytes_per_second, 0);
  for (size_t i = 1; i < reports.size(); ++i) EXPECT_GE(reports[i].bytes_done, reports[i - 1].bytes_done);
}

TEST(hub_download, cache_is_reused_when_the_hub_is_gone) {
  scratch_dir work;
  auto hub_process = std::make_unique<fake_hub>(work.path());
  auto opts = test_options(work.path(), hub_process->endpoint(), "test-org/tiny-vl");
  const std::string first = hub::resolve_model_dir(opts);
  hub_process->stop();

  EXPECT_EQ(hub::resolve_model_dir(opts), first);  // online mode, but the cache is complete
  opts.offline = true;
  EXPECT_EQ(hub::resolve_model_dir(opts), first);
  EXPECT_EQ(read_file(first + "/config.json"), read_file(fixture_model_dir() + "/config.json"));
}

TEST(hub_download, resumes_with_a_range_request_after_the_connection_is_cut) {
  scratch_dir work;
  fake_hub_options hub_opts;
  hub_opts.cut_once = "model.safetensors";
  fake_hub hub(work.path(), hub_opts);
  const auto opts = test_options(work.path(), hub.endpoint(), "test-org/tiny-vl");
  const std::string dir = hub::resolve_model_dir(opts);

  EXPECT_EQ(read_file(dir + "/model.safetensors"), read_file(fixture_model_dir() + "/model.safetensors"));
  bool resumed = false;
  for (const auto& r : hub.requests())
    if (r.method == "GET" && r.path.starts_with("/_blobs/") && r.range.starts_with("bytes=") &&
        r.range != "bytes=0-")
      resumed = true;
  EXPECT_TRUE(resumed) << "no GET with a Range after the cut";
}

TEST(hub_download, resumes_an_incomplete_file_left_by_an_earlier_run) {
  scratch_dir work;
  fake_hub hub(work.path());
  const auto opts = test_options(work.path(), hub.endpoint(), "test-org/tiny-vl");
  const std::string weights = read_file(fixture_model_dir() + "/model.safetensors");
  const std::string blobs = opts.cache_dir + "/models--test-org--tiny-vl/blobs";
  fs::create_directories(blobs);
  const size_t have = weights.size() / 3;
  std::ofstream(blobs + "/" + sha256_hex(weights) + ".incomplete", std::ios::binary)
      << weights.substr(0, have);

  const std::string dir = hub::resolve_model_dir(opts);
  EXPECT_EQ(read_file(dir + "/model.safetensors"), weights);
  bool ranged = false;
  for (const auto& r : hub.requests()) ranged |= r.range == "bytes=" + std::to_string(have) + "-";
  EXPECT_TRUE(ranged);
}

TEST(hub_download, two_downloaders_at_once_fetch_each_blob_once) {
  scratch_dir work;
  fake_hub hub(work.path());
  const auto opts = test_options(work.path(), hub.endpoint(), "test-org/tiny-vl");
  auto a = std::async(std::launch::async, [&] { return hub::resolve_model_dir(opts); });
  auto b = std::async(std::launch::async, [&] { return hub::resolve_model_dir(opts); });
  const std::string dir_a = a.get(), dir_b = b.get();

  EXPECT_EQ(dir_a, dir_b);
  EXPECT_EQ(read_file(dir_a + "/model.safetensors"), read_file(fixture_model_dir() + "/model.safetensors"));
  EXPECT_EQ(read_file(dir_a + "/tokenizer.json"), read_file(fixture_model_dir() + "/tokenizer.json"));
  EXPECT_EQ(count_blob_gets(hub, false), 2);  // model.safetensors and tokenizer.json, once each
  int config_gets = 0;
  for (const auto& r : hub.requests()) config_gets += r.method == "GET" && r.path.ends_with("/config.json");
  EXPECT_EQ(config_gets, 1);
}

TEST(hub_download, sharded_weights_come_with_their_index) {
  scratch_dir work;
  fake_hub hub(work.path());
  const auto opts = test_options(work.path(), hub.endpoint(), "test-org/sharded-vl");
  const std::string dir = hub::resolve_model_dir(opts);

  EXPECT_FALSE(fs::exists(dir + "/model.safetensors"));
  EXPECT_TRUE(fs::is_symlink(dir + "/model.safetensors.index.json"));
  const std::string joined = read_file(dir + "/model-00001-of-00002.safetensors") +
                             read_file(dir + "/model-00002-of-00002.safetensors");
  EXPECT_EQ(joined, read_file(fixture_model_dir() + "/model.safetensors"));
}

}  // namespace
}  // namespace vlserve::testing
