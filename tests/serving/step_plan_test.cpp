#include <gtest/gtest.h>

#include "model/serving/step_plan.hpp"

using namespace vlserve::model;

TEST(StepPlan, DecodersAlwaysRunAndPromptsShareTheBudget) {
  const std::vector<planned_sequence> active = {{1, 0}, {2, 300}, {3, 0}, {4, 500}};
  const auto plan = plan_step(active, 512);
  ASSERT_EQ(plan.size(), 4u);
  EXPECT_EQ(plan[0].id, 1u);
  EXPECT_EQ(plan[0].prompt_tokens, 0);
  EXPECT_EQ(plan[1].prompt_tokens, 300);
  EXPECT_EQ(plan[2].prompt_tokens, 0);
  EXPECT_EQ(plan[3].prompt_tokens, 212);  // what is left of the budget
}

TEST(StepPlan, ALongPromptIsChunked) {
  const auto plan = plan_step({{7, 2000}}, 512);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].prompt_tokens, 512);
}

TEST(StepPlan, APromptPastTheBudgetWaitsButDecodersGo) {
  const auto plan = plan_step({{1, 100}, {2, 600}, {3, 0}}, 512);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].prompt_tokens, 100);
  EXPECT_EQ(plan[1].prompt_tokens, 412);
  const auto full = plan_step({{1, 512}, {2, 600}, {3, 0}}, 512);
  ASSERT_EQ(full.size(), 2u);
  EXPECT_EQ(full[0].id, 1u);
  EXPECT_EQ(full[1].id, 3u);
}

TEST(StepPlan, TheShortestPromptGoesFirst) {
  // A 10-token prompt admitted after a 12k-token one is read in this step, not after it.
  const auto plan = plan_step({{1, 12000}, {2, 10}, {3, 0}}, 64);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].id, 1u);
  EXPECT_EQ(plan[0].prompt_tokens, 54);
  EXPECT_EQ(plan[1].id, 2u);
  EXPECT_EQ(plan[1].prompt_tokens, 10);
  EXPECT_EQ(plan[2].prompt_tokens, 0);
}

TEST(StepPlan, AStarvedPromptGoesBeforeShorterOnes) {
  const auto fresh = plan_step({{1, 5000, kStarvedSteps - 1}, {2, 64, 0}}, 64);
  ASSERT_EQ(fresh.size(), 1u);
  EXPECT_EQ(fresh[0].id, 2u);
  const auto starved = plan_step({{1, 5000, kStarvedSteps}, {2, 64, 0}}, 64);
  ASSERT_EQ(starved.size(), 1u);
  EXPECT_EQ(starved[0].id, 1u);
  EXPECT_EQ(starved[0].prompt_tokens, 64);
}

TEST(StepPlan, Admission) {
  EXPECT_EQ(admissible(0, 10, 8), 8);
  EXPECT_EQ(admissible(6, 10, 8), 2);
  EXPECT_EQ(admissible(8, 10, 8), 0);
  EXPECT_EQ(admissible(3, 1, 8), 1);
}
