// The one table from failures to HTTP: every failure the actors can report gets an error status,
// an OpenAI type and a code, and the statuses clients rely on stay what they were.
#include <gtest/gtest.h>

#include "http/failure_table.hpp"

using vlserve::actors::failure;
using vlserve::http::api_error_for;

TEST(FailureTable, EveryFailureHasAnErrorStatusTypeAndCode) {
  for (int f = int(failure::bad_request); f <= int(failure::timed_out); ++f) {
    const auto e = api_error_for(failure(f), "why");
    EXPECT_GE(e.status, 400) << vlserve::actors::failure_name(failure(f));
    EXPECT_FALSE(e.type.empty()) << vlserve::actors::failure_name(failure(f));
    // A plain 400 carries code null, as OpenAI's do; every other failure names itself.
    if (failure(f) != failure::bad_request) EXPECT_FALSE(e.code.empty()) << vlserve::actors::failure_name(failure(f));
    EXPECT_EQ(e.message, "why");
  }
}

TEST(FailureTable, StatusesClientsSee) {
  EXPECT_EQ(api_error_for(failure::bad_request, "m", "messages").status, 400);
  EXPECT_EQ(api_error_for(failure::bad_request, "m", "messages").param, "messages");
  EXPECT_EQ(api_error_for(failure::unknown_session, "m").status, 404);
  EXPECT_EQ(api_error_for(failure::session_exists, "m").status, 409);
  EXPECT_EQ(api_error_for(failure::events_expired, "m").status, 410);
  EXPECT_EQ(api_error_for(failure::queue_full, "m").status, 429);
  EXPECT_EQ(api_error_for(failure::model_not_loaded, "m").code, "model_not_ready");
  EXPECT_EQ(api_error_for(failure::over_capacity, "m").status, 503);
  // A request that timed out is not reported as an unknown session.
  EXPECT_EQ(api_error_for(failure::timed_out, "m").status, 503);
  EXPECT_EQ(api_error_for(failure::node_lost, "m").status, 502);
  EXPECT_EQ(api_error_for(failure::worker_failed, "m").status, 500);
}
