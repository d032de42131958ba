#!/usr/bin/env python3
"""Soak and hostile-input test for `dynalake serve`: a bounded run of mixed
valid traffic (DynamoDB and S3 over keep-alive connections, on a bounded
key space so that memory should plateau) alongside malformed requests:
bad JSON, wrong JSON types, deep nesting, invalid UTF-8, huge and repeated
headers, truncated bodies, oversized declared lengths, random bytes, S3 key
path tricks, and slowloris-style connections that trickle their headers.

Fault rules (the admin API's) fail a small fraction of GetItem with
ProvisionedThroughputExceededException and of PutObject with SlowDown.

Checks: the server stays up and answers health within a second throughout;
valid requests all succeed but for the injected errors, each of which must
arrive in its service's shape; complete malformed requests get a 4xx in the
service's error shape (never a 5xx); RSS and open file descriptors after
the run are flat against the post-warm-up sample; SIGTERM exits 0; the
server log shows no sanitizer report.

  tests/reliability/soak.py [--binary build/release/dynalake]
      [--seconds 60] [--connections 16] [--slow 50] [--data-dir]
Prints RSS and fd numbers and request counts; exits 0 when all holds."""

import argparse
import json
import os
import random
import shutil
import socket
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Client, Server, amz_date, auth_header, fd_count, rss_kb  # noqa: E402,E501

TABLE = "soak-items"
BUCKET = "soak-bucket"
KEYS = 2000          # DynamoDB items overwritten in place
OBJECTS = 64         # S3 keys overwritten in place
# (rule, status, what the error body must carry): the only errors a valid
# request may get. The rules name the valid traffic's table and keys, so
# that no hostile request meets them.
FAULTS = [
    ({"operation": "GetItem", "table": TABLE, "fraction": 0.02,
      "error": "ProvisionedThroughputExceededException"},
     400, b"#ProvisionedThroughputExceededException"),
    ({"operation": "PutObject", "bucket": BUCKET, "prefix": "o",
      "fraction": 0.02, "error": "SlowDown"},
     503, b"<Code>SlowDown</Code>"),
]


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.n = {}
        self.problems = []
        self.notes = {}

    def add(self, name, k=1):
        with self.lock:
            self.n[name] = self.n.get(name, 0) + k

    def note(self, text):
        with self.lock:
            self.notes[text] = self.notes.get(text, 0) + 1

    def problem(self, text):
        with self.lock:
            if len(self.problems) < 200:
                self.problems.append(text)


def is_injected(op, status, doc):
    body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return any(rule["operation"] == op and status == want and mark in body
               for rule, want, mark in FAULTS)


def valid_worker(port, rng, stop, c):
    client = Client(port, timeout=20.0)
    while not stop.is_set():
        r = rng.random()
        k = "k%d" % rng.randrange(KEYS)
        key = {"pk": {"S": k}}
        try:
            if r < 0.35:
                st, doc = client.ddb("PutItem", {"TableName": TABLE, "Item": {
                    "pk": {"S": k}, "v": {"N": str(rng.randrange(10**9))},
                    "pad": {"S": "p" * rng.randint(1, 400)}}})
                op = "PutItem"
            elif r < 0.65:
                st, doc = client.ddb("GetItem", {"TableName": TABLE,
                                                 "Key": key})
                op = "GetItem"
            elif r < 0.8:
                st, doc = client.ddb("UpdateItem", {
                    "TableName": TABLE, "Key": key,
                    "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}})
                op = "UpdateItem"
            elif r < 0.85:
                st, doc = client.ddb("Query", {
                    "TableName": TABLE, "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": k}}})
                op = "Query"
            elif r < 0.87:
                st, doc = client.ddb("Scan", {"TableName": TABLE,
                                              "Limit": 50})
                op = "Scan"
            elif r < 0.94:
                body = os.urandom(rng.choice([100, 4096, 65536]))
                st, doc = client.s3("PUT", "/%s/o%d" % (
                    BUCKET, rng.randrange(OBJECTS)), body)
                op = "PutObject"
                if st == 404:
                    st = 200  # not yet written is fine for the GET below
            else:
                st, doc = client.s3("GET", "/%s/o%d" % (
                    BUCKET, rng.randrange(OBJECTS)))
                op = "GetObject"
                if st == 404:
                    st = 200
        except Exception as e:  # connection trouble: counted, then judged
            c.add("valid_conn_error")
            c.note("%r" % e)
            time.sleep(0.1)
            continue
        c.add("valid")
        if st == 200:
            continue
        if is_injected(op, st, doc):
            c.add("injected")
            continue
        c.add("valid_error")
        c.problem("%s: status %s %s" % (op, st, str(doc)[:200]))
    client.close()


def raw(port, data, read=True, timeout=5.0, shut=True):
    """Sends bytes on a fresh connection; returns what came back (maybe
    b"" when the server closed it)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        if shut:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass  # the server answered early and closed: read it
        if not read:
            return b""
        out = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (socket.timeout, OSError):
                break
            if not chunk:
                break
            out += chunk
        return out
    finally:
        s.close()


def ddb_request(target, body, extra=b""):
    date = amz_date()
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogateescape")
    head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "Content-Type: application/x-amz-json-1.0\r\n"
            "X-Amz-Target: DynamoDB_20120810.%s\r\nX-Amz-Date: %s\r\n"
            "Authorization: %s\r\nContent-Length: %d\r\n"
            % (target, date, auth_header("dynamodb", date), len(body)))
    return head.encode() + extra + b"\r\n" + body


def s3_request(method, path, body=b""):
    date = amz_date()
    head = ("%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            "X-Amz-Date: %s\r\nx-amz-content-sha256: UNSIGNED-PAYLOAD\r\n"
            "Authorization: %s\r\nContent-Length: %d\r\n\r\n"
            % (method, path, date, auth_header("s3", date), len(body)))
    return head.encode() + body


def status_of(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None


def hostile_cases(rng):
    """(name, bytes, check) where check is "aws-json", "s3-xml" (a complete
    request: must get a 4xx in that shape) or "any" (any answer or a
    close)."""
    deep = "[" * 100000 + "]" * 100000
    deep_av = '{"TableName":"%s","Item":{"pk":{"S":"d"},"x":%s}}' % (
        TABLE, '{"L":[' * 40 + '{"S":"x"}' + ']}' * 40)
    cases = [
        ("bad json", ddb_request("PutItem", '{"TableName": "%s", "Item": {'
                                 % TABLE), "aws-json"),
        ("json not an object", ddb_request("GetItem", "[1,2,3]"), "aws-json"),
        ("wrong types", ddb_request("GetItem", '{"TableName": 7, "Key": "x"}'),
         "aws-json"),
        ("deep nesting", ddb_request("GetItem", deep), "aws-json"),
        ("deep attribute value", ddb_request("PutItem", deep_av), "aws-json"),
        # Refused before parsing (json_text_problem): a NUL would cut the
        # table name short and write to another table.
        ("invalid utf-8", ddb_request("PutItem", b'{"TableName":"' +
                                      TABLE.encode() + b'","Item":{"pk":'
                                      b'{"S":"\xff\xfe\xc0\xaf"}}}'),
         "aws-json"),
        ("nul in json", ddb_request("PutItem", '{"TableName":"%s\\u0000x",'
                                    '"Item":{"pk":{"S":"a"}}}' % TABLE),
         "aws-json"),
        ("bad number", ddb_request("PutItem", '{"TableName":"%s","Item":'
                                   '{"pk":{"S":"n"},"v":{"N":"1e99999"}}}'
                                   % TABLE), "aws-json"),
        ("bad expression", ddb_request("UpdateItem", json.dumps({
            "TableName": TABLE, "Key": {"pk": {"S": "a"}},
            "UpdateExpression": "SET ((((((a = :v"})), "aws-json"),
        ("unknown target", ddb_request("NoSuchOperation", "{}"), "aws-json"),
        ("repeated headers", ddb_request("GetItem", "{}", b"".join(
            b"X-Amz-Target: DynamoDB_20120810.PutItem\r\n"
            for _ in range(500))), "any"),
        ("huge header", ddb_request("GetItem", "{}", b"X-Big: " +
                                    b"a" * 200000 + b"\r\n"), "any"),
        ("many headers", ddb_request("GetItem", "{}", b"".join(
            b"X-H%d: v\r\n" % i for i in range(5000))), "any"),
        ("truncated body", ddb_request("PutItem", '{"TableName":"%s"' % TABLE)
         .replace(b"Content-Length: ", b"Content-Length: 9")[:-3], "any"),
        ("declared 1 GB", ddb_request("PutItem", "{}").replace(
            b"Content-Length: 2", b"Content-Length: 1073741824"), "any"),
        ("random bytes", bytes(rng.randrange(256) for _ in range(
            rng.randint(1, 4000))), "any"),
        ("random request line", b"GET /" + bytes(
            rng.randrange(32, 127) for _ in range(200)) + b" HTTP/1.1\r\n\r\n",
         "any"),
        ("bad chunked", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
         b"chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n", "any"),
        ("http/0.9", b"GET /\r\n", "any"),
        ("s3 dot-dot key", s3_request("PUT", "/%s/../../etc/passwd" % BUCKET,
                                      b"x"), "any"),
        ("s3 encoded slash", s3_request("GET", "/%s/a%%2F..%%2F..%%2Fb"
                                        % BUCKET), "s3-xml"),
        ("s3 nul key", s3_request("GET", "/%s/a%%00b" % BUCKET), "s3-xml"),
        ("s3 bad xml", s3_request("POST", "/%s?delete" % BUCKET,
                                  b"<Delete><Object><Key>a</Key>"), "s3-xml"),
        ("s3 bad bucket", s3_request("PUT", "/A_B..c"), "s3-xml"),
        ("s3 bad chunked", s3_request("PUT", "/%s/c" % BUCKET,
                                      b"zz;chunk-signature=1\r\n").replace(
            b"UNSIGNED-PAYLOAD", b"STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
         "s3-xml"),
    ]
    return cases


def hostile_worker(port, rng, stop, c):
    while not stop.is_set():
        name, data, check = rng.choice(hostile_cases(rng))
        try:
            resp = raw(port, data)
        except (ConnectionResetError, BrokenPipeError):
            resp = b""  # the server refused early and closed: fine
        except OSError as e:
            c.add("hostile_conn_error")
            c.problem("hostile %s: %r" % (name, e))
            continue
        c.add("hostile")
        st = status_of(resp)
        if st is not None and st >= 500:
            c.problem("hostile %s: %s %s" % (name, st, resp[:300]))
        if check == "any":
            continue
        body = resp.split(b"\r\n\r\n", 1)[-1]
        if st is None or not 400 <= st < 500:
            c.problem("hostile %s: want a 4xx, got %r" % (name, resp[:200]))
        elif check == "aws-json" and b'"__type"' not in body:
            c.problem("hostile %s: %s without __type: %r" % (name, st,
                                                            body[:200]))
        elif check == "s3-xml" and b"<Error>" not in body:
            c.problem("hostile %s: %s without <Error>: %r" % (name, st,
                                                             body[:200]))


def slowloris(port, n, stop, c):
    """Holds n connections that send a header byte now and then."""
    socks = []
    for _ in range(n):
        try:
            s = socket.create_connection(("127.0.0.1", port), timeout=5)
            s.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            socks.append(s)
        except OSError as e:
            c.problem("slowloris connect: %r" % e)
    c.add("slow_connections", len(socks))
    while not stop.wait(1.0):
        for s in list(socks):
            try:
                s.sendall(b"a")
            except OSError:
                socks.remove(s)  # the server may drop a slow client: fine
                c.add("slow_dropped")
    for s in socks:
        s.close()


def monitor(server, stop, c, samples):
    client = Client(server.port, timeout=5.0)
    while not stop.wait(1.0):
        t = time.monotonic()
        try:
            st, _ = client.health()
        except Exception as e:
            st = repr(e)
        dt = time.monotonic() - t
        if st != 200:
            c.problem("health: %s" % st)
        elif dt > 1.0:
            c.problem("health took %.2f s" % dt)
        c.add("health")
        samples.append((time.monotonic(), rss_kb(server.pid()),
                        fd_count(server.pid()), dt))
    client.close()


def fd_kinds(pid):
    """Open fds by kind ("socket", "pipe", or the file's path)."""
    kinds = {}
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        t = t.split(":")[0] if ":[" in t else t
        kinds[t] = kinds.get(t, 0) + 1
    return kinds


def tcp_states(port):
    """TCP states of the server's side of its connections (from
    /proc/net/tcp), e.g. {"ESTABLISHED": 3, "CLOSE_WAIT": 1}."""
    names = {"01": "ESTABLISHED", "06": "TIME_WAIT", "08": "CLOSE_WAIT",
             "0A": "LISTEN", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
             "09": "LAST_ACK", "07": "CLOSE", "0B": "CLOSING"}
    out = {}
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            parts = line.split()
            if int(parts[1].split(":")[1], 16) != port:
                continue
            st = names.get(parts[3], parts[3])
            out[st] = out.get(st, 0) + 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="build/release/dynalake")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--hostile", type=int, default=4)
    ap.add_argument("--slow", type=int, default=50)
    ap.add_argument("--data-dir", action="store_true",
                    help="run on a data directory instead of in memory")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="dynalake-soak.")
    log = os.path.join(work, "server.log")
    data_dir = None
    if args.data_dir:
        data_dir = os.path.join(work, "data")
        os.mkdir(data_dir)
    print("soak: seed %d, %.0f s, %d connections, %d hostile, %d slow; work %s"
          % (seed, args.seconds, args.connections, args.hostile, args.slow,
             work))
    server = Server(os.path.abspath(args.binary), log, data_dir)
    c = Counters()
    samples = []
    ok = False
    try:
        server.start()
        idle_rss, idle_fds = rss_kb(server.pid()), fd_count(server.pid())
        idle_kinds = fd_kinds(server.pid())
        client = Client(server.port)
        st, doc = client.ddb("CreateTable", {
            "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk",
                                      "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
        st2, _ = client.s3("PUT", "/" + BUCKET)
        if st != 200 or st2 != 200:
            raise RuntimeError("setup: CreateTable %s, CreateBucket %s"
                               % (st, st2))
        for rule, _, _ in FAULTS:
            st, body = client.request("POST", "/_dynalake/faults",
                                      json.dumps(rule).encode())
            if st != 200:
                raise RuntimeError("setup: fault rule %s: %s %s"
                                   % (rule, st, body[:200]))
        client.close()

        stop = threading.Event()
        threads = [threading.Thread(target=valid_worker, daemon=True, args=(
            server.port, random.Random(rng.random()), stop, c))
            for _ in range(args.connections)]
        threads += [threading.Thread(target=hostile_worker, daemon=True,
                                     args=(server.port,
                                           random.Random(rng.random()),
                                           stop, c))
                    for _ in range(args.hostile)]
        threads.append(threading.Thread(target=slowloris, daemon=True,
                                        args=(server.port, args.slow, stop,
                                              c)))
        mon = threading.Thread(target=monitor, daemon=True,
                               args=(server, stop, c, samples))
        t0 = time.monotonic()
        for t in threads + [mon]:
            t.start()
        time.sleep(args.seconds)
        stop.set()
        for t in threads + [mon]:
            t.join(30)
        elapsed = time.monotonic() - t0
        # Let the server notice the connections the clients closed.
        deadline = time.monotonic() + 5
        while (fd_count(server.pid()) > idle_fds + 4 and
               time.monotonic() < deadline):
            time.sleep(0.1)
        end_rss, end_fds = rss_kb(server.pid()), fd_count(server.pid())

        # Flatness: compare the end against the sample taken once a fifth
        # of the run had passed (after warm-up: caches, thread arenas,
        # SQLite pages for the bounded key space).
        warm = [s for s in samples if s[0] - t0 >= elapsed / 5] or samples
        warm_rss = warm[0][1] if warm else end_rss
        peak_rss = max([s[1] for s in samples] + [end_rss])
        max_health = max([s[3] for s in samples] or [0])
        growth = end_rss - warm_rss
        print("soak: %d valid requests (%.0f/s), %d injected errors, %d "
              "others; %d hostile; %d slow connections (%d dropped by the "
              "server); health max %.0f ms"
              % (c.n.get("valid", 0), c.n.get("valid", 0) / elapsed,
                 c.n.get("injected", 0), c.n.get("valid_error", 0),
                 c.n.get("hostile", 0),
                 c.n.get("slow_connections", 0), c.n.get("slow_dropped", 0),
                 max_health * 1000))
        print("soak: RSS idle %d KiB, after warm-up %d KiB, peak %d KiB, "
              "end %d KiB (%+d KiB since warm-up); fds idle %d, end %d"
              % (idle_rss, warm_rss, peak_rss, end_rss, growth, idle_fds,
                 end_fds))
        # Each rule fires on ~2% of its operation's ~20% of the traffic.
        if c.n.get("valid", 0) > 5000 and c.n.get("injected", 0) == 0:
            c.problem("no injected fault reached a client")
        # Bounded key space: memory should plateau. Allow a quarter of the
        # warm figure plus 8 MiB for allocator noise.
        if growth > warm_rss // 4 + 8192:
            c.problem("RSS grew %d KiB after warm-up (%d -> %d)"
                      % (growth, warm_rss, end_rss))
        # Connections whose client half-closed while the server waited for
        # more of the request linger in CLOSE_WAIT until libmicrohttpd's
        # connection timeout (120 s): reported, not counted as a leak.
        # SQLite opens one connection per worker thread on first use.
        tcp = tcp_states(server.port)
        lingering = tcp.get("CLOSE_WAIT", 0)
        kinds = fd_kinds(server.pid())
        sockets = kinds.get("socket", 0) - lingering
        others = end_fds - kinds.get("socket", 0)
        idle_others = idle_fds - idle_kinds.get("socket", 0)
        print("soak: sockets at the end %d (+%d in CLOSE_WAIT), idle %d; "
              "other fds %d, idle %d"
              % (sockets, lingering, idle_kinds.get("socket", 0), others,
                 idle_others))
        conn_errors = c.n.get("valid_conn_error", 0)
        if conn_errors:
            print("soak: %d valid requests failed on the connection: %s"
                  % (conn_errors, c.notes))
        if conn_errors > c.n.get("valid", 0) // 1000:
            c.problem("%d valid requests failed on the connection"
                      % conn_errors)
        if (sockets > idle_kinds.get("socket", 0) + 2 or
                others > idle_others + 8):
            c.problem("open fds %d at the end, %d idle: %s, idle %s; "
                      "server-side TCP states %s"
                      % (end_fds, idle_fds, fd_kinds(server.pid()),
                         idle_kinds, tcp_states(server.port)))
        if not server.alive():
            c.problem("server died (exit %s)" % server.proc.returncode)
        rc = server.terminate()
        if rc != 0:
            c.problem("exit status %s on SIGTERM (want 0)" % rc)
        ok = True
    finally:
        server.kill()
    with open(log, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    for ln in text.splitlines():
        if "Sanitizer" in ln or "runtime error" in ln:
            c.problem("server log: " + ln)
    if c.problems or not ok:
        for p in c.problems[:40]:
            print("  FAIL: " + p)
        print("soak: FAILED (seed %d; log %s)" % (seed, log))
        return 1
    shutil.rmtree(work, ignore_errors=True)
    print("soak: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
