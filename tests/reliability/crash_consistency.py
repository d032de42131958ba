#!/usr/bin/env python3
"""Crash consistency of `dynalake serve --data-dir`: DESIGN.md promises that
nothing acknowledged is lost on kill -9, and that streams are exact.

Each round starts the server on the same data directory, runs concurrent
writers (PutItem, UpdateItem, DeleteItem on a streamed table, and S3
PutObject), kills the server with SIGKILL at a random moment, restarts it
and checks:
  - the server starts and answers health;
  - every acknowledged write is there: each key belongs to one writer, so
    its state must be the last acknowledged one, or the result of the one
    request in flight when the server died (which may or may not have
    committed, but must be all or nothing);
  - the stream holds exactly the committed changes, in order per item,
    once each, with the right event names and old and new images;
  - every acknowledged S3 object is there, and every object present is
    whole (its key names the SHA-256 of its content).
After the last round the server must exit 0 on SIGTERM.

  tests/reliability/crash_consistency.py [--binary build/release/dynalake]
      [--rounds 10] [--writers 8] [--seed N] [--keep]
Exits 0 when every check holds; prints each violation otherwise."""

import argparse
import hashlib
import os
import random
import shutil
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Client, Server, read_stream  # noqa: E402

TABLE = "crash-items"
BUCKET = "crash-bucket"


class KeyModel:
    """What one key holds and how it got there: `state` is the item's v
    (None when absent); `history` the committed changes as
    (eventName, new v, old v)."""

    def __init__(self, name):
        self.name = name
        self.state = None
        self.history = []
        self.inflight = None  # ("put"|"update"|"delete", seq) when unknown

    def apply(self, kind, seq):
        old = self.state
        if kind == "delete":
            self.history.append(("REMOVE", None, old))
            self.state = None
        else:
            self.history.append(("INSERT" if old is None else "MODIFY",
                                 seq, old))
            self.state = seq


class Writer(threading.Thread):
    def __init__(self, wid, port, keys, rng, seq, stop, stats):
        super().__init__(daemon=True)
        self.wid = wid
        self.client = Client(port, timeout=15.0)
        self.keys = keys
        self.rng = rng
        self.seq = seq  # shared itertools-like counter (list of one int)
        self.stop = stop
        self.stats = stats
        self.errors = []

    def next_seq(self):
        with self.stats["lock"]:
            self.seq[0] += 1
            return self.seq[0]

    def run(self):
        while not self.stop.is_set():
            k = self.rng.choice(self.keys)
            r = self.rng.random()
            if k.state is not None and r < 0.25:
                kind = "delete"
            elif r < 0.6:
                kind = "put"
            else:
                kind = "update"
            seq = self.next_seq()
            k.inflight = (kind, seq)
            try:
                status, doc = self.send(k, kind, seq)
            except Exception:
                return  # the server died; k.inflight stays unknown
            if status != 200:
                self.errors.append("%s %s on %s: %s %s"
                                   % (kind, seq, k.name, status, doc))
                return  # keep k.inflight: treat as unknown
            k.inflight = None
            k.apply(kind, seq)
            self.stats["acked"][self.wid] += 1

    def send(self, k, kind, seq):
        key = {"pk": {"S": k.name}, "sk": {"N": "0"}}
        if kind == "delete":
            return self.client.ddb("DeleteItem", {"TableName": TABLE,
                                                  "Key": key})
        if kind == "put":
            item = dict(key)
            item["v"] = {"N": str(seq)}
            item["pad"] = {"S": "x" * self.rng.randint(1, 2000)}
            return self.client.ddb("PutItem", {"TableName": TABLE,
                                               "Item": item})
        return self.client.ddb("UpdateItem", {
            "TableName": TABLE, "Key": key,
            "UpdateExpression": "SET v = :v ADD n :one",
            "ExpressionAttributeValues": {":v": {"N": str(seq)},
                                          ":one": {"N": "1"}}})


class ObjectWriter(threading.Thread):
    """PutObject of random sizes; the key is the content's SHA-256."""

    def __init__(self, port, rng, stop, acked):
        super().__init__(daemon=True)
        self.client = Client(port, timeout=15.0)
        self.rng = rng
        self.stop = stop
        self.acked = acked
        self.inflight = None
        self.errors = []

    def run(self):
        while not self.stop.is_set():
            size = self.rng.choice([0, 1, 1000, 65536, 300000])
            body = os.urandom(size)
            digest = hashlib.sha256(body).hexdigest()
            key = "obj/%s" % digest
            self.inflight = key
            try:
                status, data = self.client.s3("PUT", "/%s/%s" % (BUCKET, key),
                                              body, digest)
            except Exception:
                return
            if status != 200:
                self.errors.append("PutObject %s: %s %s"
                                   % (key, status, data[:200]))
                return
            self.inflight = None
            self.acked.add(key)


def setup(client):
    status, doc = client.ddb("CreateTable", {
        "TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                      {"AttributeName": "sk", "KeyType": "RANGE"}],
        "StreamSpecification": {"StreamEnabled": True,
                                "StreamViewType": "NEW_AND_OLD_IMAGES"}})
    if status != 200:
        raise RuntimeError("CreateTable: %s %s" % (status, doc))
    status, data = client.s3("PUT", "/" + BUCKET)
    if status != 200:
        raise RuntimeError("CreateBucket: %s %s" % (status, data[:200]))


def item_v(client, k):
    status, doc = client.ddb("GetItem", {
        "TableName": TABLE, "ConsistentRead": True,
        "Key": {"pk": {"S": k.name}, "sk": {"N": "0"}}})
    if status != 200:
        raise RuntimeError("GetItem %s: %s %s" % (k.name, status, doc))
    item = doc.get("Item")
    return None if item is None else int(item["v"]["N"])


def resolve(client, keys, problems):
    """Settles each key's in-flight request from what the server holds;
    returns (applied, not applied) counts."""
    applied = dropped = 0
    for k in keys:
        v = item_v(client, k)
        if k.inflight is None:
            if v != k.state:
                problems.append("%s: acknowledged state v=%s, found v=%s"
                                % (k.name, k.state, v))
                k.state = v  # avoid cascading reports
            continue
        kind, seq = k.inflight
        k.inflight = None
        done = (v is None) if kind == "delete" else (v == seq)
        if done:
            k.apply(kind, seq)
            applied += 1
        elif v == k.state:
            dropped += 1
        else:
            problems.append("%s: in-flight %s %s, acknowledged v=%s, found "
                            "v=%s" % (k.name, kind, seq, k.state, v))
            k.state = v
    return applied, dropped


def image_v(image):
    if not image or "v" not in image:
        return None
    return int(image["v"]["N"])


def check_stream(client, keys, problems):
    by_key = {}
    last_seq = {}
    records = read_stream(client, TABLE)
    for r in records:
        d = r["dynamodb"]
        name = d["Keys"]["pk"]["S"]
        seqno = int(d["SequenceNumber"])
        if name in last_seq and seqno <= last_seq[name]:
            problems.append("%s: stream sequence numbers out of order "
                            "(%s after %s)" % (name, seqno, last_seq[name]))
        last_seq[name] = seqno
        by_key.setdefault(name, []).append(
            (r["eventName"], image_v(d.get("NewImage")),
             image_v(d.get("OldImage"))))
    for k in keys:
        got = by_key.pop(k.name, [])
        if got == k.history:
            continue
        n = 0
        while n < min(len(got), len(k.history)) and got[n] == k.history[n]:
            n += 1
        problems.append("%s: stream differs from committed changes at "
                        "change %d of %d: expected %s, stream has %s"
                        % (k.name, n, len(k.history), k.history[n:n + 2],
                           got[n:n + 2]))
    for name in by_key:
        problems.append("%s: stream records for a key never written" % name)
    return len(records)


def list_objects(client):
    keys, token = [], None
    while True:
        path = "/%s?list-type=2&max-keys=1000" % BUCKET
        if token:
            from urllib.parse import quote
            path += "&continuation-token=" + quote(token, safe="")
        status, data = client.s3("GET", path)
        if status != 200:
            raise RuntimeError("ListObjectsV2: %s %s" % (status, data[:200]))
        text = data.decode()
        import re
        keys += re.findall(r"<Key>([^<]*)</Key>", text)
        m = re.search(r"<NextContinuationToken>([^<]*)<", text)
        if not m:
            return keys
        token = m.group(1)


def check_objects(client, acked, inflight, problems):
    present = set(list_objects(client))
    for key in sorted(acked - present):
        problems.append("S3 %s: acknowledged, missing" % key)
    for key in sorted(present):
        status, body = client.s3("GET", "/%s/%s" % (BUCKET, key))
        if status != 200:
            problems.append("S3 %s: listed, GET %s" % (key, status))
        elif hashlib.sha256(body).hexdigest() != key.split("/")[-1]:
            problems.append("S3 %s: content is not whole (%d bytes)"
                            % (key, len(body)))
        elif key not in acked and key != inflight:
            problems.append("S3 %s: present but never written" % key)
    # The in-flight object, if it made it, is now acknowledged state.
    if inflight and inflight in present:
        acked.add(inflight)
    return len(present)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="build/release/dynalake")
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--keys-per-writer", type=int, default=32)
    ap.add_argument("--min-run", type=float, default=0.2,
                    help="shortest time before the kill, seconds")
    ap.add_argument("--max-run", type=float, default=1.5)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true",
                    help="keep the data directory and logs")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="dynalake-crash.")
    data_dir = os.path.join(work, "data")
    os.mkdir(data_dir)
    log = os.path.join(work, "server.log")
    print("crash_consistency: seed %d, %d rounds, %d writers, work %s"
          % (seed, args.rounds, args.writers, work))
    t0 = time.monotonic()

    server = Server(os.path.abspath(args.binary), log, data_dir)
    keys = [[KeyModel("w%d-k%d" % (w, i)) for i in range(args.keys_per_writer)]
            for w in range(args.writers)]
    all_keys = [k for ks in keys for k in ks]
    acked_objects = set()
    seq = [0]
    problems = []
    total_acked = total_applied = total_dropped = 0
    try:
        server.start()
        setup(Client(server.port))
        for rnd in range(1, args.rounds + 1):
            stop = threading.Event()
            stats = {"lock": threading.Lock(), "acked": [0] * args.writers}
            writers = [Writer(w, server.port, keys[w],
                              random.Random(rng.random()), seq, stop, stats)
                       for w in range(args.writers)]
            objw = ObjectWriter(server.port, random.Random(rng.random()), stop,
                                acked_objects)
            for w in writers + [objw]:
                w.start()
            time.sleep(rng.uniform(args.min_run, args.max_run))
            server.kill()
            stop.set()
            for w in writers + [objw]:
                w.join(30)
            for w in writers + [objw]:
                problems += w.errors
            acked = sum(stats["acked"])
            total_acked += acked

            restart = time.monotonic()
            try:
                server.start()
            except RuntimeError as e:
                problems.append("round %d: restart failed: %s" % (rnd, e))
                break
            client = Client(server.port)
            status, _ = client.health()
            if status != 200:
                problems.append("round %d: health %s after restart"
                                % (rnd, status))
            started_ms = (time.monotonic() - restart) * 1000
            before = len(problems)
            applied, dropped = resolve(client, all_keys, problems)
            total_applied += applied
            total_dropped += dropped
            nrec = check_stream(client, all_keys, problems)
            nobj = check_objects(client, acked_objects, objw.inflight,
                                 problems)
            client.close()
            print("  round %2d: %5d acked writes, in flight at kill: %d "
                  "committed, %d not; restart %.0f ms; %d stream records, "
                  "%d objects; %s" % (rnd, acked, applied, dropped, started_ms,
                                      nrec, nobj,
                                      "ok" if len(problems) == before
                                      else "%d PROBLEMS"
                                      % (len(problems) - before)))
            if len(problems) > 50:
                break
        rc = server.terminate()
        if rc != 0:
            problems.append("server exit status %s on SIGTERM (want 0)" % rc)
    finally:
        server.kill()
    with open(log, "rb") as f:
        bad = [ln for ln in f.read().decode("utf-8", "replace").splitlines()
               if "rror" in ln or "corrupt" in ln or "AddressSanitizer" in ln]
    for ln in bad[:10]:
        problems.append("server log: " + ln)

    elapsed = time.monotonic() - t0
    print("crash_consistency: %d acknowledged writes over %d kills, %d "
          "in-flight committed, %d not, %.1f s"
          % (total_acked, args.rounds, total_applied, total_dropped, elapsed))
    if problems:
        for p in problems[:60]:
            print("  FAIL: " + p)
        print("crash_consistency: FAILED (%d problems; seed %d; data in %s)"
              % (len(problems), seed, work))
        return 1
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("crash_consistency: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
