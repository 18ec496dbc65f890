// The metadata and transfer layer on its own: what a HEAD of the fake hub yields, and a write
// failure (ENOSPC from /dev/full) turned into the disk-full error.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "hub/curl_transfer.hpp"
#include "hub/file_metadata.hpp"
#include "hub/hub_error.hpp"
#include "hub/hub_http_errors.hpp"
#include "tests/hub/fake_hub_process.hpp"

namespace vlserve::testing {
namespace {

TEST(hub_transfer, metadata_of_small_and_lfs_files) {
  scratch_dir work;
  fake_hub server(work.path());
  const auto opts = test_options(work.path(), server.endpoint(), "test-org/tiny-vl");

  const auto config = hub::fetch_file_metadata(opts, "main", "config.json", false);
  ASSERT_TRUE(config);
  const std::string config_bytes = read_file(fixture_model_dir() + "/config.json");
  EXPECT_FALSE(config->is_lfs);
  EXPECT_EQ(config->etag, git_blob_sha1(config_bytes));
  EXPECT_EQ(config->size, config_bytes.size());
  EXPECT_EQ(config->download_url, server.endpoint() + "/test-org/tiny-vl/resolve/main/config.json");

  const auto weights = hub::fetch_file_metadata(opts, config->commit, "model.safetensors", false);
  ASSERT_TRUE(weights);
  const std::string weight_bytes = read_file(fixture_model_dir() + "/model.safetensors");
  EXPECT_TRUE(weights->is_lfs);
  EXPECT_EQ(weights->commit, config->commit);
  EXPECT_EQ(weights->etag, sha256_hex(weight_bytes));
  EXPECT_EQ(weights->size, weight_bytes.size());  // X-Linked-Size, not the redirect's length
  EXPECT_EQ(weights->download_url, server.endpoint() + "/_blobs/" + weights->etag);

  EXPECT_FALSE(hub::fetch_file_metadata(opts, "main", "absent.json", true));
  EXPECT_THROW(hub::fetch_file_metadata(opts, "main", "absent.json", false), hub::hub_error);
}

TEST(hub_transfer, a_full_disk_is_reported_as_such) {
  scratch_dir work;
  fake_hub server(work.path());
  const auto opts = test_options(work.path(), server.endpoint(), "test-org/tiny-vl");
  const auto meta = hub::fetch_file_metadata(opts, "main", "model.safetensors", false);
  ASSERT_TRUE(meta);
  const int fd = ::open("/dev/full", O_WRONLY);
  ASSERT_GE(fd, 0);
  const auto reply = hub::http_get_to_fd({meta->download_url, {}, 5, 10}, fd, 0, [](int64_t) {}, nullptr);
  ::close(fd);
  EXPECT_TRUE(reply.disk_full);
  EXPECT_FALSE(reply.transient());  // retrying cannot help
  try {
    hub::throw_for_reply(opts, reply, "model.safetensors");
  } catch (const hub::hub_error& e) {
    EXPECT_EQ(e.kind(), hub::hub_error_kind::disk_full);
    EXPECT_NE(std::string(e.what()).find("HF_HUB_CACHE"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vlserve::testing
