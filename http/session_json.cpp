#include "http/session_json.hpp"

#include "config/json.hpp"
#include "http/api_keys.hpp"

namespace vlserve::http {

std::string session_json(const actors::session_info& info) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("id");
  const auto id = client_session_id(info.id);  // without the owner tag
  w.String(id.c_str(), rapidjson::SizeType(id.size()));
  w.Key("object");
  w.String("session");
  w.Key("state");
  w.String(actors::state_name(info.state));
  w.Key("model");
  w.String(info.model.c_str(), rapidjson::SizeType(info.model.size()));
  w.Key("created");
  w.Int64(info.created);
  w.Key("event_count");
  w.Uint64(info.event_count);
  w.Key("attached_clients");
  w.Int(info.attached_clients);
  w.EndObject();
  return sb.GetString();
}

}  // namespace vlserve::http
