#!/usr/bin/env python3
"""Three vlserve nodes in their own network namespaces, joined by veth pairs to a bridge, so the
cluster traffic crosses a real network boundary (not loopback). Node A lists B and C in
CLUSTER_PEERS; requests go to A, which places them on the least busy of the three.

Checked:
- a peer with the wrong CLUSTER_SECRET is refused (A never counts it);
- a partition (B's link cut, its TCP connection left open) ends the streams generating on B with a
  `node_lost` error event and [DONE] within 2 s, while the other streams finish;
- kill -9 of C mid-stream ends its streams the same way within 2 s;
- A goes on serving, and after B's link returns B joins again and takes work.

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
    """A long streamed completion on node A; records each event with its arrival time."""

    def __init__(self, node, session_id, max_tokens=3000):
        super().__init__(daemon=True)
        self.node, self.session_id, self.max_tokens = node, session_id, max_tokens
        self.events = []  # (time, data)
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
        conn.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json"})
        r = conn.getresponse()
        buf = b""
        while True:
            chunk = r.read1(65536)
            if not chunk:
                break
            buf += chunk
            while b"\n\n" in buf:
                block, buf = buf.split(b"\n\n", 1)
                for line in block.decode().splitlines():
                    if line.startswith("data: "):
                        self.events.append((time.time(), line[6:]))
                        if line[6:] == "[DONE]":
                            self.done_at = time.time()
                            return

    def error(self):
        for _, data in self.events:
            if data.startswith("{") and "error" in json.loads(data):
                return json.loads(data)["error"]
        return None


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
        return 0
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
