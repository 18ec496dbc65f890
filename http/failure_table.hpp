// The one place where a failure the actors report becomes an HTTP status and an OpenAI error
// type and code: error replies before a stream starts, the error event inside a stream, and the
// error of a non-streaming completion all ask here.
#pragma once

#include <string>

#include "actors/failure.hpp"
#include "http/api_error.hpp"

namespace vlserve::http {

// `param` names the offending request field, where the failure has one.
api_error api_error_for(actors::failure why, std::string message, std::string param = {});

}  // namespace vlserve::http
