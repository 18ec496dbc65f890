#include "http/health_route.hpp"

#include "config/json.hpp"

namespace vlserve::http {

std::pair<int, std::string> health_reply(const actors::service_snapshot& snap) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("status");
  w.String(actors::phase_name(snap.phase));
  w.Key("detail");
  w.String(snap.detail.c_str(), rapidjson::SizeType(snap.detail.size()));
  w.Key("progress");
  w.Double(snap.progress);
  w.Key("model");
  w.String(snap.model.c_str(), rapidjson::SizeType(snap.model.size()));
  w.EndObject();
  return {snap.phase == actors::model_phase::ready ? 200 : 503, sb.GetString()};
}

}  // namespace vlserve::http
