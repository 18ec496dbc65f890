// The model name clients see: SERVED_MODEL_NAME, else the repo id, never a local path.
#include <gtest/gtest.h>

#include "config/served_model_name.hpp"

using namespace vlserve::config;

namespace {
settings with(const std::string& repo, const std::string& served = {}) {
  settings s;
  s.model_repo_id = repo;
  s.served_model_name = served;
  return s;
}
}  // namespace

TEST(ServedModelName, ExplicitNameWins) { EXPECT_EQ(served_model_name(with("/models/x", "my-vl")), "my-vl"); }

TEST(ServedModelName, HubRepoIdIsKept) {
  EXPECT_EQ(served_model_name(with("Qwen/Qwen3-VL-2B-Thinking")), "Qwen/Qwen3-VL-2B-Thinking");
}

TEST(ServedModelName, LocalPathsNeverLeak) {
  EXPECT_EQ(served_model_name(with("/cache/hub/models--Qwen--Qwen3-VL-2B-Thinking/snapshots/abc123")),
            "Qwen/Qwen3-VL-2B-Thinking");
  EXPECT_EQ(served_model_name(with("/srv/models/qwen-vl/")), "qwen-vl");
  EXPECT_EQ(served_model_name(with("./weights")), "weights");
  EXPECT_EQ(served_model_name(with("/")), "model");
}
