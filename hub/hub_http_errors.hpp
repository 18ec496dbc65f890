// One table from a failed hub answer to a hub_error whose message says what to do. The token is
// never part of a message: only whether one was sent.
#pragma once

#include <string>

#include "hub/curl_transfer.hpp"
#include "hub/hub_options.hpp"

namespace vlserve::hub {

// `what` names the file or URL being fetched. Call only for a reply that failed (status >= 400 or a
// libcurl error).
[[noreturn]] void throw_for_reply(const hub_options& opts, const http_reply& reply, const std::string& what);

// X-Error-Code "EntryNotFound" or a plain 404 on a repo that otherwise answers: the file is absent.
bool is_missing_file(const http_reply& reply);

}  // namespace vlserve::hub
