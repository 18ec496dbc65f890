#include "actors/cluster_gate.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <caf/all.hpp>
#include <chrono>
#include <map>
#include <stdexcept>

#include "actors/atoms.hpp"

namespace vlserve::actors {
namespace {

using clock_type = std::chrono::steady_clock;
constexpr size_t kMaxPending = 256;  // outstanding challenges; the oldest goes first beyond this
constexpr auto kChallengeLifetime = std::chrono::seconds(30);

std::string hex(const unsigned char* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

struct pending_challenge {
  std::string nonce;
  clock_type::time_point issued;
};

struct gate_state {
  static inline const char* name = "cluster_gate";
  cluster_gate_config cfg;
  std::map<caf::node_id, pending_challenge> pending;
};

using gate_ptr = cluster_gate_actor::stateful_pointer<gate_state>;

caf::node_id sender_node(gate_ptr self) {
  const auto& sender = self->current_sender();
  return sender ? sender->node() : caf::node_id{};
}

}  // namespace

void cluster_members::admit(const caf::node_id& node) {
  std::lock_guard<std::mutex> lock(mutex_);
  nodes_.insert(node);
}

bool cluster_members::contains(const caf::node_id& node) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return nodes_.count(node) > 0;
}

std::string cluster_proof(const std::string& secret, const std::string& nonce, const caf::node_id& node) {
  const std::string message = "vlserve-cluster-v1|" + nonce + "|" + caf::to_string(node);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), int(secret.size()), reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), mac, &length) == nullptr)
    throw std::runtime_error("HMAC-SHA256 failed");
  return hex(mac, length);
}

cluster_gate_actor spawn_cluster_gate(caf::actor_system& sys, cluster_gate_config cfg) {
  if (cfg.secret.empty() || !cfg.worker || !cfg.members) throw std::invalid_argument("cluster gate needs a secret and a worker");
  return sys.spawn([cfg](gate_ptr self) -> cluster_gate_actor::behavior_type {
    self->state.cfg = cfg;
    return {
        [=](vl_challenge_atom) -> caf::result<std::string> {
          const auto node = sender_node(self);
          if (!node) return caf::make_error(caf::sec::runtime_error, "anonymous peers are not served");
          auto& pending = self->state.pending;
          const auto now = clock_type::now();
          for (auto it = pending.begin(); it != pending.end();)
            it = now - it->second.issued > kChallengeLifetime ? pending.erase(it) : std::next(it);
          if (pending.size() >= kMaxPending) {
            auto oldest = pending.begin();
            for (auto it = pending.begin(); it != pending.end(); ++it)
              if (it->second.issued < oldest->second.issued) oldest = it;
            pending.erase(oldest);
          }
          unsigned char bytes[32];
          if (RAND_bytes(bytes, sizeof bytes) != 1) return caf::make_error(caf::sec::runtime_error, "no randomness");
          const std::string nonce = hex(bytes, sizeof bytes);
          pending[node] = {nonce, now};
          return nonce;
        },
        [=](vl_hello_atom, const gate_hello& hello) -> caf::result<gate_welcome> {
          const auto node = sender_node(self);
          const std::string& proof = hello.proof;
          auto& pending = self->state.pending;
          const auto it = node ? pending.find(node) : pending.end();
          if (it == pending.end() || clock_type::now() - it->second.issued > kChallengeLifetime) {
            spdlog::warn("cluster: refused a peer that sent no fresh challenge");
            return caf::make_error(caf::sec::runtime_error, "ask for a challenge first");
          }
          const std::string expected = cluster_proof(self->state.cfg.secret, it->second.nonce, node);
          pending.erase(it);
          if (proof.size() != expected.size() || CRYPTO_memcmp(proof.data(), expected.data(), expected.size()) != 0) {
            spdlog::warn("cluster: refused peer node {}: wrong CLUSTER_SECRET", caf::to_string(node));
            return caf::make_error(caf::sec::runtime_error, "wrong cluster secret");
          }
          if (hello.nonce_for_gate.size() != 64 || !hello.worker || !hello.registry)
            return caf::make_error(caf::sec::runtime_error, "a hello needs a 32-byte nonce, a worker and a registry");
          // Symmetric nodes: the joiner's worker takes this node's jobs too, once it serves the
          // same model. The answer waits for this node's fingerprint.
          auto rp = self->make_response_promise<gate_welcome>();
          const auto& cfg = self->state.cfg;
          self->request(cfg.worker, std::chrono::seconds(5), vl_fingerprint_atom::value)
              .then(
                  [=](const std::string& mine) mutable {
                    if (mine.empty() || mine != hello.fingerprint) {
                      spdlog::warn("cluster: refused peer node {}: {}", caf::to_string(node),
                                   mine.empty() ? "this node's model is still loading" : "it serves a different model");
                      rp.deliver(caf::make_error(caf::sec::runtime_error,
                                                 mine.empty() ? "still loading" : "different model"));
                      return;
                    }
                    const auto& c = self->state.cfg;
                    c.members->admit(node);
                    spdlog::info("cluster: peer node {} passed the gate", caf::to_string(node));
                    if (c.registry) self->send(c.registry, vl_peer_atom::value, hello.worker, hello.registry);
                    gate_welcome welcome{cluster_proof(c.secret, hello.nonce_for_gate, self->node()), c.worker,
                                         c.registry, {}};
                    if (!c.membership) {
                      rp.deliver(std::move(welcome));
                      return;
                    }
                    if (!hello.advertised.empty()) self->send(c.membership, vl_peer_atom::value, hello.advertised);
                    self->request(c.membership, std::chrono::seconds(5), vl_lookup_atom::value)
                        .then(
                            [=](const std::vector<std::string>& members) mutable {
                              auto w = welcome;
                              w.members = members;
                              rp.deliver(std::move(w));
                            },
                            [=](const caf::error&) mutable { rp.deliver(welcome); });
                  },
                  [=](const caf::error& e) mutable { rp.deliver(e); });
          return rp;
        },
    };
  });
}

std::optional<gate_welcome> pass_cluster_gate(caf::actor_system& sys, const cluster_gate_actor& gate,
                                              const std::string& secret, gate_hello hello, std::string& why) {
  caf::scoped_actor self{sys};
  std::string nonce;
  self->request(gate, std::chrono::seconds(5), vl_challenge_atom::value)
      .receive([&](const std::string& n) { nonce = n; }, [&](const caf::error& e) { why = sys.render(e); });
  if (nonce.empty()) return std::nullopt;
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    why = "no randomness";
    return std::nullopt;
  }
  hello.proof = cluster_proof(secret, nonce, sys.node());
  hello.nonce_for_gate = hex(bytes, sizeof bytes);
  const std::string expected = cluster_proof(secret, hello.nonce_for_gate, gate.node());
  std::optional<gate_welcome> out;
  self->request(gate, std::chrono::seconds(10), vl_hello_atom::value, hello)
      .receive(
          [&](const gate_welcome& w) {
            // The gate's node must know the secret too, or this node would send it jobs and sessions.
            if (w.proof.size() == expected.size() && CRYPTO_memcmp(w.proof.data(), expected.data(), expected.size()) == 0 &&
                w.worker && w.registry)
              out = w;
            else
              why = "the peer could not prove the cluster secret";
          },
          [&](const caf::error& e) { why = sys.render(e); });
  return out;
}

}  // namespace vlserve::actors
