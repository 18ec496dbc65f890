// file:// media URLs: only below MEDIA_ROOT, judged after resolving ".." and symlinks.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "media/media_source.hpp"
#include "tests/media/media_test_support.hpp"

namespace vlserve::media {
namespace {
namespace fs = std::filesystem;

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << (text)

class file_url : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() + "/root";
    outside_ = dir_.path() + "/outside";
    fs::create_directories(root_ + "/sub");
    fs::create_directories(outside_);
    image_ = testing::file_bytes(testing::fixture_image_path());
    testing::write_bytes(root_ + "/sub/a.png", image_);
    testing::write_bytes(outside_ + "/secret.png", {1, 2, 3});
    policy_.root = root_;
  }

  std::string error_of(const std::string& url) const {
    try {
      load_media(url, policy_);
    } catch (const media_error& e) {
      return e.what();
    }
    return "(no error)";
  }

  testing::media_scratch_dir dir_;
  std::string root_, outside_;
  std::vector<uint8_t> image_;
  media_policy policy_;
};

TEST_F(file_url, reads_files_below_the_root) {
  EXPECT_EQ(load_media("file://" + root_ + "/sub/a.png", policy_), image_);
  EXPECT_EQ(load_media("file://localhost" + root_ + "/sub/a.png", policy_), image_);
  EXPECT_EQ(load_media("FILE://" + root_ + "/sub/../sub/a.png", policy_), image_);
  testing::write_bytes(root_ + "/sub/a b.png", image_);
  EXPECT_EQ(load_media("file://" + root_ + "/sub/a%20b.png", policy_), image_);
  fs::create_symlink(root_ + "/sub/a.png", root_ + "/inner-link.png");
  EXPECT_EQ(load_media("file://" + root_ + "/inner-link.png", policy_), image_);
}

TEST_F(file_url, root_given_through_a_symlink_or_with_a_trailing_slash_works) {
  fs::create_directory_symlink(root_, dir_.path() + "/root-link");
  policy_.root = dir_.path() + "/root-link/";
  EXPECT_EQ(load_media("file://" + root_ + "/sub/a.png", policy_), image_);
  EXPECT_EQ(load_media("file://" + dir_.path() + "/root-link/sub/a.png", policy_), image_);
}

TEST_F(file_url, files_outside_the_root_are_refused) {
  EXPECT_HAS(error_of("file://" + outside_ + "/secret.png"), "outside MEDIA_ROOT");
  EXPECT_HAS(error_of("file:///etc/passwd"), "outside MEDIA_ROOT");
  // A sibling whose name starts with the root's name is not below it.
  fs::create_directories(root_ + "-2");
  testing::write_bytes(root_ + "-2/x.png", image_);
  EXPECT_HAS(error_of("file://" + root_ + "-2/x.png"), "outside MEDIA_ROOT");
}

TEST_F(file_url, dot_dot_escapes_are_refused) {
  EXPECT_HAS(error_of("file://" + root_ + "/../outside/secret.png"), "outside MEDIA_ROOT");
  EXPECT_HAS(error_of("file://" + root_ + "/sub/../../outside/secret.png"), "outside MEDIA_ROOT");
  EXPECT_HAS(error_of("file://" + root_ + "/%2e%2e/outside/secret.png"), "outside MEDIA_ROOT");
}

TEST_F(file_url, symlink_escapes_are_refused) {
  fs::create_symlink(outside_ + "/secret.png", root_ + "/link.png");
  fs::create_directory_symlink(outside_, root_ + "/dir-link");
  EXPECT_HAS(error_of("file://" + root_ + "/link.png"), "outside MEDIA_ROOT");
  EXPECT_HAS(error_of("file://" + root_ + "/dir-link/secret.png"), "outside MEDIA_ROOT");
  // Missing files behind an escaping link get the same answer: no probing outside the root.
  EXPECT_HAS(error_of("file://" + root_ + "/dir-link/missing.png"), "outside MEDIA_ROOT");
}

TEST_F(file_url, an_empty_root_switches_file_urls_off) {
  policy_.root.clear();
  EXPECT_HAS(error_of("file://" + root_ + "/sub/a.png"), "set MEDIA_ROOT");
  policy_.root = dir_.path() + "/no-such-dir";
  EXPECT_HAS(error_of("file://" + root_ + "/sub/a.png"), "not an existing directory");
}

TEST_F(file_url, bad_targets_give_clear_messages) {
  EXPECT_HAS(error_of("file://" + root_ + "/sub/missing.png"), "no such file");
  EXPECT_HAS(error_of("file://" + root_ + "/sub"), "not name a regular file");
  testing::write_bytes(root_ + "/empty.png", {});
  EXPECT_HAS(error_of("file://" + root_ + "/empty.png"), "empty file");
  policy_.max_bytes = 100;
  EXPECT_HAS(error_of("file://" + root_ + "/sub/a.png"), "more than MEDIA_MAX_BYTES=100");
  EXPECT_HAS(error_of("file://other-host" + root_ + "/sub/a.png"), "local absolute path");
  EXPECT_HAS(error_of("file://" + root_ + "/sub/a.png?x=1"), "no query or fragment");
  EXPECT_HAS(error_of("file://" + root_ + "/sub/a%2.png"), "bad %-escape");
  EXPECT_HAS(error_of("file://" + root_ + "/sub/a%00.png"), "NUL");
}

}  // namespace
}  // namespace vlserve::media
