// POST /tokenize and POST /detokenize in the shape vLLM and llama.cpp share: text in, token ids
// out and back. The tokenizer is the served model's; these routes need the API key like /v1.
#include <algorithm>
#include <functional>
#include <memory>

#include "config/json.hpp"
#include "http/chat_reader.hpp"
#include "http/cors.hpp"
#include "http/deferred_reply.hpp"
#include "http/reply.hpp"
#include "http/stream_sinks.hpp"
#include "http/route_auth.hpp"
#include "http/routes.hpp"

namespace vlserve::http {

using namespace Pistache;

namespace {

constexpr size_t kMaxDetokenizeIds = 1u << 20;

// The text of {"prompt": "..."} (vLLM) or {"content": "..."} (llama.cpp); throws api_error.
std::string text_of(const rapidjson::Document& d) {
  if (d.HasMember("prompt") && d.HasMember("content"))
    throw bad_request("send the text once, as \"prompt\" or as \"content\"", "content");
  for (const char* field : {"prompt", "content"})
    if (d.HasMember(field)) {
      if (!d[field].IsString()) throw bad_request(std::string(field) + " must be a string", field);
      return {d[field].GetString(), d[field].GetStringLength()};
    }
  throw bad_request("send the text to tokenize as \"prompt\" (or \"content\")", "prompt");
}

// The ids of {"tokens": [1, 2, ...]}; throws api_error.
std::vector<int32_t> ids_of(const rapidjson::Document& d) {
  if (!d.HasMember("tokens") || !d["tokens"].IsArray())
    throw bad_request("send the ids to detokenize as \"tokens\": [int, ...]", "tokens");
  const auto& arr = d["tokens"].GetArray();
  if (arr.Size() > kMaxDetokenizeIds)
    throw bad_request("at most " + std::to_string(kMaxDetokenizeIds) + " tokens per request", "tokens");
  std::vector<int32_t> ids;
  ids.reserve(arr.Size());
  for (const auto& v : arr) {
    if (!v.IsInt() || v.GetInt() < 0) throw bad_request("tokens must be non-negative integers", "tokens");
    ids.push_back(v.GetInt());
  }
  return ids;
}

// The body as an object whose every field is one of `known` (anything else is a 400, never
// silently ignored).
rapidjson::Document parse_object(const std::string& body, const std::vector<const char*>& known) {
  rapidjson::Document d;
  if (config::parse_untrusted(d, body).IsError() || !d.IsObject()) throw bad_request("the body must be a JSON object");
  for (const auto& m : d.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return name == k; }) == known.end())
      throw bad_request("'" + name + "' is not a field of this route; see the README", name);
  }
  return d;
}

std::string tokens_json(const std::vector<int32_t>& ids, int64_t max_model_len) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("tokens");
  w.StartArray();
  for (auto id : ids) w.Int(id);
  w.EndArray();
  w.Key("count");
  w.Uint64(ids.size());
  w.Key("max_model_len");
  w.Int64(max_model_len);
  w.EndObject();
  return sb.GetString();
}

std::string text_json(const std::string& text) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  for (const char* key : {"prompt", "content"}) {  // vLLM's name, llama.cpp's name
    w.Key(key);
    w.String(text.c_str(), rapidjson::SizeType(text.size()));
  }
  w.EndObject();
  return sb.GetString();
}

using tokenize_work = std::function<std::string(const actors::model_assets&, const rapidjson::Document&)>;

// Shared frame: key gate and model readiness here; parsing and (de)tokenising — seconds for a
// 15 MB prompt — on the request reader's thread, which answers through the raw connection.
Rest::Route::Result serve(route_context& ctx, const Rest::Request& req, Http::ResponseWriter& w,
                          std::vector<const char*> fields, tokenize_work work) {
  if (!authorize(ctx, req, w)) return Rest::Route::Result::Ok;
  auto& metrics = ctx.rt.metrics();
  const auto assets = ctx.rt.assets().get();
  if (!assets) {
    send_error(w, model_not_ready("the tokenizer is not loaded yet; retry later or check GET /health"), metrics);
    return Rest::Route::Result::Ok;
  }
  auto reply = deferred_reply(ctx, w, origin_of(req));
  run_off_reactor(ctx.chat_reader, [reply, assets, body = req.body(), fields = std::move(fields),
                                    work = std::move(work)] {
    try {
      reply->send(200, "application/json", work(*assets, parse_object(body, fields)));
    } catch (const api_error& e) {
      send_api_error(*reply, e);
    } catch (const std::invalid_argument& e) {
      send_api_error(*reply, bad_request(e.what(), "prompt"));
    } catch (const std::exception& e) {
      send_api_error(*reply, bad_request(std::string("malformed request: ") + e.what()));
    }
  });
  return Rest::Route::Result::Ok;
}

}  // namespace

void add_tokenize_routes(Rest::Router& router, route_context& ctx) {
  Rest::Routes::Post(router, "/tokenize", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    return serve(ctx, req, w, {"prompt", "content"}, [&ctx](const actors::model_assets& a,
                                                            const rapidjson::Document& d) {
      return tokens_json(a.tok.encode(text_of(d)), ctx.settings.max_context);
    });
  });
  Rest::Routes::Post(router, "/detokenize", [&ctx](const Rest::Request& req, Http::ResponseWriter w) {
    return serve(ctx, req, w, {"tokens"}, [](const actors::model_assets& a, const rapidjson::Document& d) {
      return text_json(a.tok.decode(ids_of(d)));
    });
  });
}

}  // namespace vlserve::http
