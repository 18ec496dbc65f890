#!/usr/bin/env python3
"""vlserve nodes in their own network namespaces, joined by veth pairs to a bridge, so the cluster
traffic crosses a real network boundary (not loopback).

Part 1 (failures): node A lists B and C in CLUSTER_PEERS; requests go to A, which places them on
the least busy of the three.
- a peer with the wrong CLUSTER_SECRET is refused (A never counts it);
- a partition (B's link cut, its TCP connection left open) ends the streams generating on B with a
  `node_lost` error event and [DONE] within 2 s, while the other streams finish;
- kill -9 of C mid-stream ends its streams the same way within 2 s;
- A goes on serving, and after B's link returns B joins again and takes work.

Part 2 (any door): three symmetric nodes P, Q, R (Q and R list only P; membership spreads), the
client round-robins over them like a load balancer.
- every node joins the other two; requests round-robined over the three are all answered;
- a session lives on the node that took it: resume, info and cancel sent to another node reach it;
- image requests sent to P are placed on its peers too;
- kill -9 of Q: the stream generating on Q and a client of Q's session attached through R both end
  with an error event and [DONE] within 2 s; P and R serve on;
- Q restarts with its LMDB: its sessions replay again, through any node.

Needs root (ip netns, veth); exits 77 (skipped) with a message where it lacks the privilege.
Usage: cluster_netns_test.py [path/to/vlserve]  (default: $VLSERVE_BIN)
"""
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
SECRET = "netns-cluster-secret-0123456789"
TAG = "vl%d" % (os.getpid() % 100000)  # namespace and link names stay unique per run
NODES = {"a": "10.77.%d.1", "b": "10.77.%d.2", "c": "10.77.%d.3", "x": "10.77.%d.4"}
SUBNET = 100 + os.getpid() % 100
HTTP_PORT = 8000
CLUSTER_PORT = 7401


def ip(*args, ns=None, check=True):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + ["ip"] + list(args)
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def addr(node):
    return NODES[node] % SUBNET


class Network:
    """A bridge namespace and one namespace per node, each joined to the bridge by a veth pair;
    the test's own namespace gets a leg on the bridge too, to reach the nodes' HTTP ports."""

    def __init__(self):
        self.namespaces = []
        self.bridge_ns = TAG + "br"
        self._ns(self.bridge_ns)
        ip("link", "add", "br0", "type", "bridge", ns=self.bridge_ns)
        ip("link", "set", "br0", "up", ns=self.bridge_ns)
        for node in NODES:
            ns = TAG + node
            self._ns(ns)
            self._leg(ns, node, addr(node))
        # The test's leg: the host side stays in this namespace.
        ip("link", "add", TAG + "h", "type", "veth", "peer", "name", TAG + "hb")
        ip("link", "set", TAG + "hb", "netns", self.bridge_ns)
        ip("link", "set", TAG + "hb", "master", "br0", ns=self.bridge_ns)
        ip("link", "set", TAG + "hb", "up", ns=self.bridge_ns)
        ip("addr", "add", "10.77.%d.100/24" % SUBNET, "dev", TAG + "h")
        ip("link", "set", TAG + "h", "up")

    def _ns(self, name):
        subprocess.run(["ip", "netns", "add", name], check=True, capture_output=True)
        self.namespaces.append(name)
        ip("link", "set", "lo", "up", ns=name)

    def _leg(self, ns, node, address):
        inner, outer = TAG + node + "i", TAG + node + "o"
        ip("link", "add", inner, "type", "veth", "peer", "name", outer, ns=self.bridge_ns)
        ip("link", "set", inner, "netns", ns, ns=self.bridge_ns)
        ip("link", "set", outer, "master", "br0", ns=self.bridge_ns)
        ip("link", "set", outer, "up", ns=self.bridge_ns)
        ip("addr", "add", address + "/24", "dev", inner, ns=ns)
        ip("link", "set", inner, "up", ns=ns)

    def cut(self, node, up=False):
        """Drops every packet to and from `node` without closing its connections."""
        ip("link", "set", TAG + node + "o", "up" if up else "down", ns=self.bridge_ns)

    def remove(self):
        ip("link", "del", TAG + "h", check=False)
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


class Node:
    def __init__(self, binary, node, workdir, env):
        self.name = node
        self.host = addr(node)
        base = {
            "HOST": self.host,
            "PORT": str(HTTP_PORT),
            "MODEL_REPO_ID": os.path.join(os.environ["VLSERVE_FIXTURES"], "qwen3vl-tiny", "model"),
            "TORCH_DTYPE": "float32",
            "SESSIONS_DB_PATH": os.path.join(workdir, "db-" + node),
            "PERSIST_SESSIONS": "1",
            "LOG_LEVEL": "info",
            "SERVED_MODEL_NAME": "qwen3-vl",
            "CLUSTER_SECRET": SECRET,
        }
        base.update(env)
        os.makedirs(workdir, exist_ok=True)
        self.log_path = os.path.join(workdir, node + ".log")
        self.proc = subprocess.Popen(["ip", "netns", "exec", TAG + node, binary, "serve"],
                                     env=dict(os.environ, **base), stdout=open(self.log_path, "w"),
                                     stderr=subprocess.STDOUT)

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def get(self, path, timeout=5):
        conn = http.client.HTTPConnection(self.host, HTTP_PORT, timeout=timeout)
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode()

    def wait_ready(self, seconds=60):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("node %s exited:\n%s" % (self.name, self.log()))
            try:
                if self.get("/health", 2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("node %s not ready:\n%s" % (self.name, self.log()))

    def metric(self, name):
        for line in self.get("/metrics")[1].splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        raise AssertionError("no metric " + name)

    def stop(self, sig=15):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Stream(threading.Thread):
    """A long streamed completion on `node` (or, with `resume_from`, a resume of an existing
    session through it); records each event with its arrival time."""

    def __init__(self, node, session_id, max_tokens=3000, resume_from=None, stop_after=None):
        super().__init__(daemon=True)
        self.node, self.session_id, self.max_tokens = node, session_id, max_tokens
        self.resume_from, self.stop_after = resume_from, stop_after
        self.events = []  # (time, data)
        self.ids = []
        self.status = None
        self.done_at = None

    def run(self):
        body = {"messages": [{"role": "user", "content": "Write a very long story."}], "max_tokens": self.max_tokens,
                "temperature": 0, "stream": True, "session_id": self.session_id,
                "logit_bias": {"151643": -100, "151645": -100}}
        try:
            self._read(body)
        except (OSError, http.client.HTTPException):
            pass  # the node went away under the test's own clean-up

    def _read(self, body):
        conn = http.client.HTTPConnection(self.node.host, HTTP_PORT, timeout=60)
        if self.resume_from is None:
            conn.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
        else:
            conn.request("GET", "/v1/sessions/%s/events" % self.session_id, headers={"Last-Event-ID": self.resume_from})
        r = conn.getresponse()
        self.status = r.status
        buf = b""
        while True:
            chunk = r.read1(65536)
            if not chunk:
                break
            buf += chunk
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                for line in block.decode().splitlines():
                    if line.startswith("id: "):
                        self.ids.append(line[4:])
                    if line.startswith("data: "):
                        self.events.append((time.time(), line[6:]))
                        if line[6:] == "[DONE]":
                            self.done_at = time.time()
                            return
                        if self.stop_after is not None and len(self.events) >= self.stop_after:
                            return

    def error(self):
        for _, data in self.events:
            if data.startswith("{") and "error" in json.loads(data):
                return json.loads(data)["error"]
        return None


def request(node, method, path, body=None, timeout=60):
    conn = http.client.HTTPConnection(node.host, HTTP_PORT, timeout=timeout)
    conn.request(method, path, json.dumps(body) if body is not None else None,
                 {"Content-Type": "application/json"} if body is not None else {})
    r = conn.getresponse()
    return r.status, r.read().decode()


def wait_peers(nodes, want, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline and any(n.metric("vlserve_cluster_peers") != want for n in nodes):
        time.sleep(0.2)
    for n in nodes:
        check(n.metric("vlserve_cluster_peers") == want, "node %s should have %d peers:\n%s" % (n.name, want, n.log()))


def any_door(binary, workdir, net):
    """Part 2: symmetric nodes P, Q, R (they reuse the namespaces of A, B, C)."""
    port = {"CLUSTER_PORT": str(CLUSTER_PORT)}
    p_addr = "%s:%d" % (addr("a"), CLUSTER_PORT)
    p = Node(binary, "a", workdir + "/p", dict(port, CLUSTER_HOST=addr("a")))
    q_env = dict(port, CLUSTER_HOST=addr("b"), CLUSTER_PEERS=p_addr)
    q = Node(binary, "b", workdir + "/q", q_env)
    r = Node(binary, "c", workdir + "/r", dict(port, CLUSTER_HOST=addr("c"), CLUSTER_PEERS=p_addr))
    nodes = [p, q, r]
    try:
        for n in nodes:
            n.wait_ready()
        wait_peers(nodes, 2)
        print("ok: P, Q, R each joined the other two (Q and R listed only P)")

        # A load balancer's round robin: every node answers.
        for i in range(6):
            status, body = request(nodes[i % 3], "POST", "/v1/chat/completions",
                                   {"messages": [{"role": "user", "content": "hi %d" % i}], "max_tokens": 4})
            check(status == 200, "round robin request %d: %d %s" % (i, status, body))
        print("ok: 6 requests round-robined over P, Q, R all answered")

        # Resume, info and cancel through nodes that do not own the session.
        first = Stream(q, "door-resume", max_tokens=120, stop_after=5)
        first.run()
        check(first.status == 200 and len(first.ids) >= 5, "a stream on Q: %s" % first.status)
        status, body = request(p, "GET", "/v1/sessions/door-resume")
        check(status == 200 and "door-resume" in body, "info through P: %d %s" % (status, body))
        rest = Stream(r, "door-resume", resume_from=first.ids[-1])
        rest.run()
        check(rest.status == 200 and rest.done_at is not None, "resume through R: %s" % rest.status)
        ids = first.ids + rest.ids
        want = ["door-resume:%d" % i for i in range(len(ids))]
        check(ids == want, "ids across Q then R should run without gap or duplicate: %s" % ids[:8])
        print("ok: a session owned by Q resumed through R (%d events, no gap), info through P" % len(ids))
        running = Stream(r, "door-cancel", max_tokens=8000)
        running.start()
        deadline = time.time() + 20
        while time.time() < deadline and not running.events:
            time.sleep(0.05)
        status, body = request(p, "POST", "/v1/cancel/door-cancel")
        check(status == 200, "cancel through P: %d %s" % (status, body))
        running.join(20)
        finals = [json.loads(d) for _, d in running.events if d.startswith("{")]
        check(running.done_at is not None and finals[-1]["choices"][0]["finish_reason"] == "cancelled",
              "R's stream should end cancelled")
        print("ok: a stream on R cancelled through P")

        # Image requests sent to P are placed on its peers too (the vision features travel).
        case = json.load(open(os.path.join(os.environ["VLSERVE_FIXTURES"], "qwen3vl-tiny", "cases", "image_single.json")))
        image = dict(case["request"], logprobs=False)
        before = [n.metric("vlserve_completion_tokens_total") for n in nodes]
        for _ in range(3):
            status, body = request(p, "POST", "/v1/chat/completions", image, timeout=120)
            check(status == 200, "image request: %d %s" % (status, body))
        grew = [n.metric("vlserve_completion_tokens_total") - b for n, b in zip(nodes, before)]
        check(grew[1] + grew[2] > 0, "no image request was placed on Q or R: %s" % grew)
        print("ok: 3 image requests sent to P generated on P/Q/R as %s tokens" % grew)

        # kill -9 of Q: a stream generating on Q (owned by P) and a client of Q's session attached
        # through R both end with an error event and [DONE] within 2 s.
        owned_by_q = Stream(q, "door-q-owned", max_tokens=8000, stop_after=3)
        owned_by_q.run()
        via_r = Stream(r, "door-q-owned", resume_from=owned_by_q.ids[-1])
        via_r.start()
        on_q = None
        for i in range(6):  # the least busy node takes it, ties rotate: one of a few runs on Q
            base = q.metric("vlserve_running_sequences")
            s = Stream(p, "door-gen-%d" % i, max_tokens=8000)
            s.start()
            deadline = time.time() + 10
            while time.time() < deadline and not s.events:
                time.sleep(0.05)
            settle = time.time() + 2  # the gauge moves a step after the first event
            while time.time() < settle and q.metric("vlserve_running_sequences") <= base:
                time.sleep(0.05)
            if q.metric("vlserve_running_sequences") > base:
                on_q = s
                break
        check(on_q is not None, "no stream from P was placed on Q")
        time.sleep(0.5)
        kill_at = time.time()
        q.proc.kill()
        q.proc.wait()
        for s in (on_q, via_r):
            s.join(10)
            check(s.error() is not None and s.done_at is not None, "a stream through Q should end with an error and [DONE]")
            err_at = next(at for at, data in s.events if data.startswith('{"error"'))
            print("ok: %s ended %s %.2f s after kill -9 of Q" % (s.session_id, s.error().get("code"), err_at - kill_at))
            check(err_at - kill_at <= 2.0, "took %.2f s" % (err_at - kill_at))
        status, _ = request(r, "POST", "/v1/chat/completions", {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 3})
        check(status == 200, "R should serve on")

        # Q comes back with its LMDB: its interrupted session replays through P.
        q = Node(binary, "b", workdir + "/q", q_env)
        nodes[1] = q
        q.wait_ready()
        wait_peers(nodes, 2)
        replay = Stream(p, "door-q-owned", resume_from="door-q-owned:0")
        replay.run()
        finals = [json.loads(d) for _, d in replay.events if d.startswith("{")]
        check(replay.status == 200 and replay.done_at is not None, "Q's session should replay through P: %s" % replay.status)
        check(finals[-1]["choices"][0]["finish_reason"] == "interrupted", "it ends interrupted: %s" % finals[-1])
        print("ok: Q restarted; its session replays through P (%d events, ends interrupted)" % len(replay.events))
        return 0
    finally:
        for n in nodes:
            n.stop(9)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def privileged():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        return False
    probe = TAG + "probe"
    ok = subprocess.run(["ip", "netns", "add", probe], capture_output=True).returncode == 0
    subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return ok


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VLSERVE_BIN", "build/vlserve")
    if not privileged():
        print("SKIP: cluster_netns needs root and `ip netns` (network namespaces and veth pairs)")
        return SKIP
    workdir = tempfile.mkdtemp(prefix="vlserve-netns-")
    net = Network()
    nodes = []
    try:
        cluster = {"CLUSTER_PORT": str(CLUSTER_PORT)}
        b = Node(binary, "b", workdir, dict(cluster, CLUSTER_HOST=addr("b")))
        c = Node(binary, "c", workdir, dict(cluster, CLUSTER_HOST=addr("c")))
        x = Node(binary, "x", workdir, dict(cluster, CLUSTER_HOST=addr("x"), CLUSTER_SECRET="a-different-secret-0123456789"))
        peers = ",".join("%s:%d" % (addr(n), CLUSTER_PORT) for n in ("b", "c", "x"))
        a = Node(binary, "a", workdir, {"CLUSTER_PEERS": peers})
        nodes = [a, b, c, x]
        for n in nodes:
            n.wait_ready()
        deadline = time.time() + 30
        while time.time() < deadline and a.metric("vlserve_cluster_peers") < 2:
            time.sleep(0.2)
        check(a.metric("vlserve_cluster_peers") == 2, "A should join B and C:\n" + a.log())
        time.sleep(3)  # several retries against X
        check(a.metric("vlserve_cluster_peers") == 2, "a peer with the wrong secret was counted")
        check("wrong CLUSTER_SECRET" in x.log(), "X should log the refused secret:\n" + x.log())
        print("ok: A joined B and C over veth; X (wrong secret) refused")

        # Three long streams: one each on A, B and C (least busy placement).
        streams = [Stream(a, "netns-%d" % i) for i in range(3)]
        for s in streams:
            s.start()
            time.sleep(0.5)
        deadline = time.time() + 20
        while time.time() < deadline and (b.metric("vlserve_running_sequences") < 1 or c.metric("vlserve_running_sequences") < 1):
            time.sleep(0.1)
        check(b.metric("vlserve_running_sequences") >= 1 and c.metric("vlserve_running_sequences") >= 1,
              "the streams should spread over B and C")
        time.sleep(1)

        # Partition B: its connection to A stays open, packets vanish.
        cut_at = time.time()
        net.cut("b")
        deadline = cut_at + 10
        while time.time() < deadline and not any(s.error() for s in streams):
            time.sleep(0.05)
        failed = [s for s in streams if s.error()]
        check(len(failed) == 1, "exactly one stream (B's) should fail after the partition, got %d" % len(failed))
        err_at = next(at for at, data in failed[0].events if data.startswith('{"error"'))
        check(failed[0].error().get("code") == "node_lost", "the error should be node_lost: %s" % failed[0].error())
        failed[0].join(5)
        check(failed[0].done_at is not None, "B's stream should end with [DONE]")
        print("ok: partition of B noticed after %.2f s (goal <= 2 s); its stream ended node_lost + [DONE]" % (err_at - cut_at))
        check(err_at - cut_at <= 2.0, "the partition took %.2f s to notice" % (err_at - cut_at))

        # kill -9 C mid-stream.
        survivors = [s for s in streams if s is not failed[0]]
        kill_at = time.time()
        c.proc.kill()
        deadline = kill_at + 10
        while time.time() < deadline and sum(1 for s in survivors if s.error()) < 1:
            time.sleep(0.05)
        dead = [s for s in survivors if s.error()]
        check(len(dead) == 1, "exactly one more stream (C's) should fail after kill -9, got %d" % len(dead))
        err_at = next(at for at, data in dead[0].events if data.startswith('{"error"'))
        print("ok: kill -9 of C noticed after %.2f s; its stream ended %s" % (err_at - kill_at, dead[0].error().get("code")))
        check(err_at - kill_at <= 2.0, "the killed node took %.2f s to notice" % (err_at - kill_at))

        # A's own stream is untouched; A still serves new requests.
        local = [s for s in survivors if s is not dead[0]][0]
        check(local.error() is None and local.is_alive(), "A's own stream should go on")
        conn = http.client.HTTPConnection(a.host, HTTP_PORT, timeout=30)
        conn.request("POST", "/v1/chat/completions",
                     json.dumps({"messages": [{"role": "user", "content": "hi"}], "max_tokens": 3}),
                     {"Content-Type": "application/json"})
        r = conn.getresponse()
        check(r.status == 200, "A should still serve: %d %s" % (r.status, r.read()))
        print("ok: A serves on with two nodes gone")

        # B's link returns: its connector joins it again.
        net.cut("b", up=True)
        deadline = time.time() + 20
        while time.time() < deadline and a.metric("vlserve_cluster_peers") < 1:
            time.sleep(0.2)
        check(a.metric("vlserve_cluster_peers") >= 1, "B should join again after its link returns:\n" + a.log())
        print("ok: B joined again after the partition healed")
        for n in nodes:
            n.stop(9)
        nodes = []
        return any_door(binary, workdir, net)
    finally:
        for n in nodes:
            n.stop(9)
        net.remove()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print("FAIL:", e)
        sys.exit(1)
