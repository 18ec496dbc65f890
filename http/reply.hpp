// Writing JSON replies and error bodies on a Pistache ResponseWriter.
#pragma once

#include <pistache/http.h>

#include <string>

#include "http/api_error.hpp"

namespace vlserve::http {

void send_json(Pistache::Http::ResponseWriter& w, int status, const std::string& body);
void send_error(Pistache::Http::ResponseWriter& w, const api_error& e);

}  // namespace vlserve::http
