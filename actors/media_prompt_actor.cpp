#include "actors/media_prompt_actor.hpp"

#include <spdlog/spdlog.h>

#include <caf/all.hpp>

#include "actors/atoms.hpp"
#include "actors/generation_job.hpp"
#include "model/serving/prompt_builder.hpp"

namespace vlserve::actors {
namespace {

media_prompt_actor_type::behavior_type media_prompt_behavior(media_prompt_actor_type::pointer) {
  return {
      [](vl_build_atom, build_order& order) {
        try {
          auto built = model::build_prompt(order.request, order.assets->tok, order.assets->defaults);
          generation_job job{order.info.id, std::make_shared<model::sequence_input>(std::move(built.input)),
                             order.id_from_client};
          caf::anon_send(order.registry, vl_create_atom::value, order.info, std::move(job), order.sink);
        } catch (const model::prompt_error& e) {
          order.sink->reject(failure::bad_request, e.what(), e.param);
        } catch (const std::invalid_argument& e) {
          order.sink->reject(failure::bad_request, e.what(), "messages");
        } catch (const std::exception& e) {
          spdlog::error("session {}: building the prompt failed: {}", order.info.id, e.what());
          order.sink->close(failure::internal, std::string("building the prompt failed: ") + e.what());
        }
      },
  };
}

}  // namespace

media_prompt_actor_type spawn_media_prompt_actor(caf::actor_system& sys) { return sys.spawn<caf::detached>(media_prompt_behavior); }

}  // namespace vlserve::actors
