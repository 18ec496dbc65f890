#include "hub/hub_http_errors.hpp"

#include "hub/hub_error.hpp"

namespace vlserve::hub {
namespace {

std::string token_state(const hub_options& opts) {
  return opts.token.empty() ? "no HF_TOKEN was set"
                            : "the HF_TOKEN that was sent was not accepted for this repo";
}

std::string repo_page(const hub_options& opts) { return opts.endpoint + "/" + opts.repo_id; }

}  // namespace

bool is_missing_file(const http_reply& reply) {
  const std::string code = reply.header("x-error-code");
  return code == "EntryNotFound" || (reply.status == 404 && code.empty());
}

void throw_for_reply(const hub_options& opts, const http_reply& reply, const std::string& what) {
  const std::string code = reply.header("x-error-code");
  const std::string where = opts.repo_id + "@" + opts.revision;
  if (reply.disk_full)
    throw hub_error(hub_error_kind::disk_full,
                    "disk full while writing " + what + " into " + opts.cache_dir +
                        ": free some space or point HF_HUB_CACHE at a larger disk");
  if (reply.write_errno != 0)
    throw hub_error(hub_error_kind::cache_not_writable,
                    "cannot write " + what + " into " + opts.cache_dir + " (errno " +
                        std::to_string(reply.write_errno) + "): check that HF_HUB_CACHE is writable");
  if (reply.status == 0 || reply.curl_code != 0)
    throw hub_error(hub_error_kind::network,
                    "cannot download " + what + " from " + opts.endpoint + ": " + reply.curl_error +
                        ". Check the network and HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use only "
                        "the local cache");
  if (code == "GatedRepo")
    throw hub_error(hub_error_kind::unauthorized,
                    opts.repo_id + " is a gated model (" + token_state(opts) + "): accept its terms on " +
                        repo_page(opts) + " and set HF_TOKEN to a token of an account that has access");
  if (code == "RepoNotFound")
    throw hub_error(hub_error_kind::not_found,
                    "repository " + opts.repo_id + " was not found on " + opts.endpoint +
                        ": check MODEL_REPO_ID (a private repo also needs HF_TOKEN; " + token_state(opts) + ")");
  if (code == "RevisionNotFound")
    throw hub_error(hub_error_kind::not_found,
                    "revision '" + opts.revision + "' was not found in " + opts.repo_id +
                        ": check MODEL_REVISION (a branch, tag or commit hash)");
  if (reply.status == 401 || reply.status == 403)
    throw hub_error(hub_error_kind::unauthorized,
                    "the hub refused access to " + what + " in " + where + " (HTTP " +
                        std::to_string(reply.status) + ", " + token_state(opts) +
                        "): set HF_TOKEN to a valid read token; for a gated model accept its terms on " +
                        repo_page(opts) + " first");
  if (reply.status == 404)
    throw hub_error(hub_error_kind::not_found,
                    what + " was not found in " + where + " on " + opts.endpoint +
                        ": check MODEL_REPO_ID and MODEL_REVISION");
  throw hub_error(hub_error_kind::network,
                  "the hub answered HTTP " + std::to_string(reply.status) + " for " + what + " in " + where +
                      (reply.transient()
                           ? " after " + std::to_string(opts.max_attempts) + " attempts; try again later"
                           : std::string()));
}

}  // namespace vlserve::hub
