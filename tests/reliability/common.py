"""Shared helpers for the reliability tests: start and stop `dynalake
serve`, and talk to it over raw HTTP with a well-formed SigV4 header by an
unknown access key (with IAM off the server parses it and checks nothing
else). Standard library only, so either Python on the machine runs it.
All traffic goes to 127.0.0.1."""

import http.client
import json
import os
import re
import signal
import subprocess
import time

START_TIMEOUT = 10.0


def amz_date():
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())


def auth_header(service, date):
    return ("AWS4-HMAC-SHA256 Credential=AKIDRELIABILITY/%s/us-east-1/%s/"
            "aws4_request, SignedHeaders=host;x-amz-date, Signature=%s"
            % (date[:8], service, "0" * 64))


class Server:
    """One `dynalake serve --port 0` process; its log goes to log_path."""

    def __init__(self, binary, log_path, data_dir=None, extra=()):
        self.binary = binary
        self.log_path = log_path
        self.data_dir = data_dir
        self.extra = list(extra)
        self.proc = None
        self.port = None

    def start(self):
        args = [self.binary, "serve", "--port", "0", "--host", "127.0.0.1"]
        if self.data_dir:
            args += ["--data-dir", self.data_dir]
        args += self.extra
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        line = b""
        # The first stdout line announces the port once the server answers.
        os.set_blocking(self.proc.stdout.fileno(), False)
        while time.monotonic() < deadline:
            chunk = self.proc.stdout.read() or b""
            line += chunk
            m = re.search(rb"listening on https?://[^:]+:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                return self.port
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %s before listening; "
                                   "see %s" % (self.proc.returncode,
                                               self.log_path))
            time.sleep(0.005)
        self.kill()
        raise RuntimeError("server did not announce its port within %.0fs"
                           % START_TIMEOUT)

    def pid(self):
        return self.proc.pid

    def kill(self):
        """kill -9, and reap."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def terminate(self, timeout=10.0):
        """SIGTERM; returns the exit status (None if it had to be killed)."""
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


class Client:
    """A keep-alive HTTP connection to the server, DynamoDB and S3 calls."""

    def __init__(self, port, timeout=10.0):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=b"", headers=None):
        """Returns (status, body bytes); raises OSError/HTTPException when
        the connection fails (the server died, for instance)."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                   timeout=self.timeout)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            resp = self.conn.getresponse()
            data = resp.read()
        except Exception:
            self.close()
            raise
        if resp.getheader("Connection", "").lower() == "close":
            self.close()
        return resp.status, data

    def ddb(self, op, payload, streams=False):
        date = amz_date()
        target = ("DynamoDBStreams_20120810." if streams
                  else "DynamoDB_20120810.") + op
        headers = {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": target,
            "X-Amz-Date": date,
            "Authorization": auth_header("dynamodb", date),
        }
        status, data = self.request("POST", "/", json.dumps(payload).encode(),
                                    headers)
        try:
            doc = json.loads(data) if data else {}
        except ValueError:
            doc = {"__raw": data[:200].decode("latin-1")}
        return status, doc

    def s3(self, method, path, body=b"", sha256="UNSIGNED-PAYLOAD"):
        date = amz_date()
        headers = {
            "X-Amz-Date": date,
            "x-amz-content-sha256": sha256,
            "Authorization": auth_header("s3", date),
        }
        return self.request(method, path, body, headers)

    def health(self):
        return self.request("GET", "/_dynalake/health")


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def read_stream(client, table):
    """Every record of the table's stream(s), shards in lineage order
    (parents first), records in shard order."""
    status, doc = client.ddb("ListStreams", {"TableName": table},
                             streams=True)
    if status != 200:
        raise RuntimeError("ListStreams: %s %s" % (status, doc))
    records = []
    for s in doc.get("Streams", []):
        arn = s["StreamArn"]
        shards = []
        start = None
        while True:
            req = {"StreamArn": arn}
            if start:
                req["ExclusiveStartShardId"] = start
            status, d = client.ddb("DescribeStream", req, streams=True)
            if status != 200:
                raise RuntimeError("DescribeStream: %s %s" % (status, d))
            desc = d["StreamDescription"]
            shards += desc.get("Shards", [])
            start = desc.get("LastEvaluatedShardId")
            if not start:
                break
        for shard in lineage_order(shards):
            records += read_shard(client, arn, shard["ShardId"])
    return records


def lineage_order(shards):
    ids = {s["ShardId"] for s in shards}
    done, out = set(), []
    pending = list(shards)
    while pending:
        progressed = False
        for s in list(pending):
            parent = s.get("ParentShardId")
            if parent is None or parent not in ids or parent in done:
                out.append(s)
                done.add(s["ShardId"])
                pending.remove(s)
                progressed = True
        if not progressed:
            raise RuntimeError("shard lineage has a cycle")
    return out


def read_shard(client, arn, shard_id):
    status, d = client.ddb("GetShardIterator", {
        "StreamArn": arn, "ShardId": shard_id,
        "ShardIteratorType": "TRIM_HORIZON"}, streams=True)
    if status != 200:
        raise RuntimeError("GetShardIterator: %s %s" % (status, d))
    it = d.get("ShardIterator")
    out = []
    while it:
        status, d = client.ddb("GetRecords", {"ShardIterator": it,
                                              "Limit": 1000}, streams=True)
        if status != 200:
            raise RuntimeError("GetRecords: %s %s" % (status, d))
        recs = d.get("Records", [])
        out += recs
        it = d.get("NextShardIterator")
        if not recs:
            break  # open shard, read to its end
    return out
