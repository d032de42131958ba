"""End-to-end tests of the sync components: `dynalake ship` and
`dynalake load` against a `dynalake serve` that enforces IAM.

Each test class starts its own server from $DYNALAKE with the fixture
identities and `--shard-rollover 50` (so streams roll over many times),
creates a table with a NEW_AND_OLD_IMAGES stream and the "lake" bucket as
the admin user, writes a seeded workload of puts, updates and deletes
(38-digit numbers, sets of every type, binary, nested maps), ships the
stream as the Lambda role "shipper" and loads the landing files as the
instance-profile role "loader" (credentials from the admin API's
assume-role), and insists that the lake equals a Scan of the table exactly.
Skipped without $DYNALAKE.
"""

import base64
import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request
import uuid
from datetime import timezone

import boto3
from botocore.config import Config

DYNALAKE = os.environ.get("DYNALAKE")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
IDENTITIES = os.path.join(ROOT, "fixtures", "identities.json")
REGION = "us-east-1"
ADMIN = ("AKIAADMIN0000EXAMPLE", "admin-secret-key-example")
BUCKET = "lake"
PREFIX = "dynamodb-changes/"
TIMEOUT = 120


class Server:
    """`dynalake serve --port 0` with IAM from the fixtures."""

    def __init__(self):
        self.log = tempfile.NamedTemporaryFile(prefix="dynalake-sync-",
                                               suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [DYNALAKE, "serve", "--port", "0", "--identities", IDENTITIES,
             "--shard-rollover", "50"],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        self.endpoint = None
        while time.time() < deadline and self.endpoint is None:
            with open(self.log.name) as f:
                for line in f:
                    if "dynalake listening on " in line:
                        self.endpoint = line.split()[-1].strip()
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        if self.endpoint is None:
            self.stop()
            raise RuntimeError("server did not start: " +
                               open(self.log.name).read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        os.unlink(self.log.name)

    def admin(self, path, body):
        req = urllib.request.Request(
            self.endpoint + "/_dynalake/" + path,
            data=json.dumps(body).encode(), method="POST",
            headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    def clear_faults(self):
        req = urllib.request.Request(self.endpoint + "/_dynalake/faults",
                                     method="DELETE")
        urllib.request.urlopen(req, timeout=10).close()

    def role_env(self, role, service):
        creds = self.admin("assume-role", {"role": role, "service": service})
        return self.env(creds["AccessKeyId"], creds["SecretAccessKey"],
                        creds["SessionToken"])

    def env(self, key, secret, token=None):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret,
                   AWS_REGION=REGION, AWS_ENDPOINT_URL=self.endpoint,
                   AWS_MAX_ATTEMPTS="5")
        if token:
            env["AWS_SESSION_TOKEN"] = token
        return env

    def client(self, service):
        cfg = Config(connect_timeout=5, read_timeout=30,
                     retries={"total_max_attempts": 1})
        return boto3.client(service, endpoint_url=self.endpoint,
                            region_name=REGION, aws_access_key_id=ADMIN[0],
                            aws_secret_access_key=ADMIN[1], config=cfg)


def big_number(rng, negative=False):
    digits = str(rng.randint(1, 9)) + "".join(
        str(rng.randint(0, 9)) for _ in range(37))
    if rng.random() < 0.3:
        digits = digits[:20] + "." + digits[20:]
    return ("-" if negative else "") + digits


class Workload:
    """Seeded puts, updates and deletes over a small key space."""

    def __init__(self, ddb, table, seed):
        self.ddb, self.table = ddb, table
        self.rng = random.Random(seed)
        self.keys = [("user#%d" % (i // 4), str(i % 4)) for i in range(48)]

    def key(self, k):
        return {"pk": {"S": k[0]}, "sk": {"N": k[1]}}

    def item(self, k):
        rng = self.rng
        item = self.key(k)
        item["n38"] = {"N": big_number(rng, rng.random() < 0.3)}
        item["name"] = {"S": rng.choice(["ä", "b\n\"q\"", "日本", "x" * 40])}
        if rng.random() < 0.6:
            item["ss"] = {"SS": sorted({rng.choice("abcdef")
                                        for _ in range(3)})}
        if rng.random() < 0.6:
            item["ns"] = {"NS": sorted({big_number(rng), "1", "-0.5"})}
        if rng.random() < 0.5:
            item["bin"] = {"B": bytes(rng.randrange(256) for _ in range(9))}
        if rng.random() < 0.4:
            item["bs"] = {"BS": sorted({b"\x00\x01", b"\xff",
                                      bytes([rng.randrange(256)])})}
        if rng.random() < 0.5:
            item["m"] = {"M": {"deep": {"M": {"l": {"L": [
                {"N": big_number(rng)}, {"BOOL": True}, {"NULL": True},
                {"M": {"s": {"S": "z"}}}]}}}}}
        return item

    def step(self):
        k = self.rng.choice(self.keys)
        r = self.rng.random()
        if r < 0.5:
            self.ddb.put_item(TableName=self.table, Item=self.item(k))
        elif r < 0.8:
            self.ddb.update_item(
                TableName=self.table, Key=self.key(k),
                UpdateExpression="SET n38 = :n, hits = :c REMOVE ss",
                ExpressionAttributeValues={
                    ":n": {"N": big_number(self.rng)},
                    ":c": {"N": str(self.rng.randint(-99, 99))}})
        else:
            self.ddb.delete_item(TableName=self.table, Key=self.key(k))

    def run(self, n):
        for _ in range(n):
            self.step()


def as_json(av):
    """boto3's AttributeValue (bytes for binary) as DynamoDB JSON, sets
    sorted (sets are unordered)."""
    (t, v), = av.items()
    if t == "B":
        return {"B": base64.b64encode(v).decode()}
    if t == "BS":
        return {"BS": sorted(base64.b64encode(x).decode() for x in v)}
    if t in ("SS", "NS"):
        return {t: sorted(v)}
    if t == "M":
        return {"M": {k: as_json(x) for k, x in v.items()}}
    if t == "L":
        return {"L": [as_json(x) for x in v]}
    return {t: v}


def normalise(item):
    """A snapshot line's item in the form as_json gives."""
    return {k: as_json_plain(v) for k, v in item.items()}


def as_json_plain(av):
    (t, v), = av.items()
    if t in ("SS", "NS", "BS"):
        return {t: sorted(v)}
    if t == "M":
        return {"M": {k: as_json_plain(x) for k, x in v.items()}}
    if t == "L":
        return {"L": [as_json_plain(x) for x in v]}
    return {t: v}


def key_of(item):
    return (item["pk"]["S"], item["sk"]["N"])


class SyncCase(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        if not DYNALAKE:
            raise unittest.SkipTest("DYNALAKE is not set")
        cls.server = Server()
        cls.ddb = cls.server.client("dynamodb")
        cls.s3 = cls.server.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.shipper = cls.server.role_env("shipper", "lambda.amazonaws.com")
        cls.loader = cls.server.role_env("loader", "ec2.amazonaws.com")

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="dynalake-sync-")
        self.table = "sync-" + uuid.uuid4().hex[:10]
        self.ddb.create_table(
            TableName=self.table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                       {"AttributeName": "sk", "KeyType": "RANGE"}],
            StreamSpecification={"StreamEnabled": True,
                                 "StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.prefix = "s3://%s/%s%s/" % (BUCKET, PREFIX, self.table)

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def run_tool(self, args, env, check=True, stdin=None):
        proc = subprocess.run([DYNALAKE] + args, env=env, input=stdin,
                              capture_output=True, text=True,
                              timeout=TIMEOUT)
        if check and proc.returncode != 0:
            self.fail("%s exited %d:\n%s" % (" ".join(args), proc.returncode,
                                             proc.stderr))
        return proc

    def ship(self, *extra, check=True):
        return self.run_tool(
            ["ship", "--table", self.table, "--to", self.prefix, "--once",
             "--checkpoint", self.path("ship.json"), "--json", "--quiet"]
            + list(extra), self.shipper, check)

    def load(self, check=True):
        return self.run_tool(
            ["load", "--from", self.prefix, "--checkpoint",
             self.path("load.json"), "--lake", self.path("lake.db"),
             "--snapshot", self.path("lake.jsonl"), "--once", "--json",
             "--quiet"], self.loader, check)

    def scan(self):
        items, start = [], None
        while True:
            kw = {"TableName": self.table}
            if start:
                kw["ExclusiveStartKey"] = start
            page = self.ddb.scan(**kw)
            items += page["Items"]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
        return {key_of(i): {k: as_json(v) for k, v in i.items()}
                for i in items}

    def snapshot(self):
        with open(self.path("lake.jsonl")) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        keys = [key_of(i) for i in lines]
        self.assertEqual(len(keys), len(set(keys)), "a key twice in the lake")
        return {key_of(i): normalise(i) for i in lines}

    def assert_lake_equals_table(self):
        table, lake = self.scan(), self.snapshot()
        self.assertEqual(sorted(lake), sorted(table))
        for k in table:
            self.assertEqual(lake[k], table[k], "item %r differs" % (k,))
        self.assertGreater(len(table), 0)

    def landing(self):
        """Every record in the landing files: (key, sequence number)."""
        bucket_prefix = self.prefix[len("s3://" + BUCKET + "/"):]
        out = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=BUCKET, Prefix=bucket_prefix):
            for obj in page.get("Contents", []):
                body = self.s3.get_object(Bucket=BUCKET, Key=obj["Key"])
                for line in body["Body"].read().decode().splitlines():
                    rec = json.loads(line)
                    out.append((obj["Key"], rec["sequence_number"]))
        return out


class ShipLoadTest(SyncCase):

    def test_lake_equals_table_after_ship_and_load(self):
        Workload(self.ddb, self.table, seed=7).run(400)
        shipped = json.loads(self.ship().stdout)
        streams = self.server.client("dynamodbstreams")
        arn = self.ddb.describe_table(
            TableName=self.table)["Table"]["LatestStreamArn"]
        self.assertEqual(shipped["read"], len(stream_seqs(streams, arn)))
        self.assertEqual(shipped["read"], shipped["written"])
        self.assertEqual(shipped["lost"], 0)
        loaded = json.loads(self.load().stdout)
        self.assertEqual(loaded["objects"], shipped["objects"])
        self.assertEqual(loaded["rejected"], 0)
        self.assert_lake_equals_table()
        # Keys are deterministic: shard, first and last sequence number.
        for key, _ in self.landing():
            self.assertRegex(key, r"/table=%s/dt=\d{4}-\d\d-\d\d/shardId-"
                             r"[^/]+-\d+-\d+\.jsonl$" % self.table)

    def test_second_runs_ship_and_load_nothing_new(self):
        Workload(self.ddb, self.table, seed=8).run(120)
        self.ship()
        self.load()
        again = json.loads(self.ship().stdout)
        self.assertEqual(again["read"], 0)
        loaded = json.loads(self.load().stdout)
        self.assertEqual(loaded["objects"], 0)
        # More writes later are picked up from the checkpoints.
        Workload(self.ddb, self.table, seed=9).run(80)
        self.assertGreater(json.loads(self.ship().stdout)["read"], 0)
        self.load()
        self.assert_lake_equals_table()

    def test_replayed_objects_change_nothing(self):
        Workload(self.ddb, self.table, seed=10).run(150)
        self.ship()
        # Ship everything again from the start into the same prefix: the
        # same batches rewrite the same objects; the loader then sees no new
        # files, and a fresh loader applying all of them twice is unharmed.
        os.unlink(self.path("ship.json"))
        before = sorted(k for k, _ in self.landing())
        self.ship()
        self.assertEqual(sorted(k for k, _ in self.landing()), before)
        self.load()
        os.unlink(self.path("load.json"))
        again = json.loads(self.load().stdout)
        self.assertEqual(again["written"], 0)
        self.assertEqual(again["skipped"], again["read"])
        self.assert_lake_equals_table()

    def test_killed_shipper_resumes_without_loss(self):
        log = open(self.path("follower.log"), "w")
        self.addCleanup(log.close)
        follower = subprocess.Popen(
            [DYNALAKE, "ship", "--table", self.table, "--to", self.prefix,
             "--checkpoint", self.path("ship.json"), "--batch-size", "7",
             "--poll-interval-ms", "20", "--quiet"],
            env=self.shipper, stdout=subprocess.DEVNULL, stderr=log)
        workload = Workload(self.ddb, self.table, seed=11)
        writer = threading.Thread(target=workload.run, args=(500,))
        writer.start()
        deadline = time.time() + 30
        while time.time() < deadline:
            if len(self.landing()) >= 60:
                break
            time.sleep(0.05)
        follower.send_signal(signal.SIGKILL)
        follower.wait()
        writer.join()
        shipped = self.landing()
        self.assertGreater(len(shipped), 0, "nothing shipped before kill")
        self.ship()
        self.load()
        self.assert_lake_equals_table()
        # Every change in the stream landed; at-least-once allows only the
        # batches in flight at the kill (two objects at most) to land twice.
        streams = self.server.client("dynamodbstreams")
        arn = self.ddb.describe_table(
            TableName=self.table)["Table"]["LatestStreamArn"]
        expected = set(stream_seqs(streams, arn))
        landed = [seq for _, seq in self.landing()]
        self.assertEqual(set(landed), expected)
        self.assertLessEqual(len(landed) - len(set(landed)), 2 * 7)

    def shipped_objects(self, size):
        """The objects that `ship --batch-size size` writes from a stream
        nobody writes to, in the order it starts them: each shard's records
        (parents first) in runs of size. Each is (key, shard, sequence
        numbers), the key relative to the bucket."""
        streams = self.server.client("dynamodbstreams")
        arn = self.ddb.describe_table(
            TableName=self.table)["Table"]["LatestStreamArn"]
        bucket_prefix = self.prefix[len("s3://" + BUCKET + "/"):]
        out = []
        for shard, records in shard_records(streams, arn):
            for i in range(0, len(records), size):
                run = records[i:i + size]
                when = run[0]["dynamodb"]["ApproximateCreationDateTime"]
                seqs = [r["dynamodb"]["SequenceNumber"] for r in run]
                key = "%stable=%s/dt=%s/%s-%s-%s.jsonl" % (
                    bucket_prefix, self.table,
                    when.astimezone(timezone.utc).strftime("%Y-%m-%d"),
                    shard, seqs[0], seqs[-1])
                out.append((key, shard, seqs))
        return out

    def checkpoint_last(self, shard):
        with open(self.path("ship.json")) as f:
            return json.load(f)["shards"][shard].get("last")

    def object_exists(self, key):
        return self.s3.list_objects_v2(Bucket=BUCKET, Prefix=key)[
            "KeyCount"] == 1

    def ship_failing(self, objects, slow, failing):
        """Ships with objects[slow] held up and objects[failing] refused
        once (a single attempt per call), so that both are in flight
        together and the later one may finish first; insists the run stops
        on the failure."""
        self.server.admin("faults", {"operation": "PutObject",
                                     "bucket": BUCKET,
                                     "prefix": objects[slow][0],
                                     "latency_ms": 1500})
        self.server.admin("faults", {"operation": "PutObject",
                                     "bucket": BUCKET,
                                     "prefix": objects[failing][0],
                                     "error": "ServiceUnavailable"})
        self.addCleanup(self.server.clear_faults)
        proc = self.ship("--batch-size", "7", "--max-attempts", "1",
                         check=False)
        self.server.clear_faults()
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("PutObject failed: ServiceUnavailable", proc.stderr)

    def assert_reshipped_exactly(self):
        """A run without faults ships the rest: every change in the
        stream lands exactly once (the same batches rewrite the same
        keys)."""
        shipped = json.loads(self.ship("--batch-size", "7").stdout)
        self.assertGreater(shipped["read"], 0)
        streams = self.server.client("dynamodbstreams")
        arn = self.ddb.describe_table(
            TableName=self.table)["Table"]["LatestStreamArn"]
        landed = [seq for _, seq in self.landing()]
        self.assertEqual(sorted(landed), sorted(stream_seqs(streams, arn)))
        self.load()
        self.assert_lake_equals_table()

    def test_failed_object_behind_a_slow_one_keeps_the_slow_one(self):
        # The first shard closes at 50 records: its objects are 7 records
        # each, the same in every run.
        Workload(self.ddb, self.table, seed=16).run(120)
        objects = self.shipped_objects(7)
        key, shard, seqs = objects[2]
        self.assertEqual(objects[3][1], shard)
        self.ship_failing(objects, slow=2, failing=3)
        # Object 3 failed first; object 2, started before it, was waited
        # for and is the last one the checkpoint names.
        self.assertTrue(self.object_exists(key))
        self.assertEqual(self.checkpoint_last(shard), seqs[-1])
        self.assert_reshipped_exactly()

    def test_object_behind_a_failed_one_does_not_move_the_checkpoint(self):
        Workload(self.ddb, self.table, seed=17).run(120)
        objects = self.shipped_objects(7)
        self.assertEqual(objects[3][1], objects[1][1])
        self.ship_failing(objects, slow=2, failing=2)
        # Object 3 was in flight behind object 2 and is in S3, but object 2
        # failed: the checkpoint stays after object 1, so that object 2's
        # records are shipped again.
        self.assertTrue(self.object_exists(objects[3][0]))
        self.assertFalse(self.object_exists(objects[2][0]))
        self.assertEqual(self.checkpoint_last(objects[1][1]),
                         objects[1][2][-1])
        self.assert_reshipped_exactly()

    def landing_files(self):
        """Each landing file's key and the sequence numbers it holds."""
        files = {}
        for key, seq in self.landing():
            files.setdefault(key, []).append(int(seq))
        return files

    def lake_rows(self):
        """The lake's loaded files and its rows' sequence numbers."""
        db = sqlite3.connect(self.path("lake.db"))
        try:
            loaded = {f for (f,) in db.execute("SELECT file FROM loaded")}
            seqs = {int(s) for (s,) in db.execute("SELECT seq FROM items")}
        finally:
            db.close()
        return loaded, seqs

    def has_loaded_files(self):
        """Whether the lake, which the loader may still be creating, has
        committed a loaded file yet."""
        if not os.path.exists(self.path("lake.db")):
            return False
        try:
            return bool(self.lake_rows()[0])
        except sqlite3.OperationalError:
            return False

    def newest_per_key(self, files):
        """Sequence numbers of the changes that win per key when exactly
        these files are applied: the lake's rows must hold just these."""
        bucket_prefix = self.prefix[len("s3://" + BUCKET + "/"):]
        newest = {}
        for key in files:
            body = self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
            for line in body.decode().splitlines():
                rec = json.loads(line)
                k = json.dumps(rec["keys"], sort_keys=True)
                newest[k] = max(newest.get(k, 0), int(rec["sequence_number"]))
        self.assertTrue(all(k.startswith(bucket_prefix) for k in files))
        return set(newest.values())

    def test_killed_loader_resumes_without_reapplying_a_file(self):
        Workload(self.ddb, self.table, seed=15).run(300)
        self.ship("--batch-size", "5")
        files = self.landing_files()
        bucket_prefix = self.prefix[len("s3://" + BUCKET + "/"):]
        # Slow every GetObject down so that the kill lands amid the files,
        # most likely inside a transaction.
        self.server.admin("faults", {"operation": "GetObject",
                                     "bucket": BUCKET,
                                     "prefix": bucket_prefix,
                                     "latency_ms": 60, "fraction": 1})
        self.addCleanup(self.server.clear_faults)
        loader = subprocess.Popen(
            [DYNALAKE, "load", "--from", self.prefix, "--checkpoint",
             self.path("load.json"), "--lake", self.path("lake.db"),
             "--once", "--quiet"], env=self.loader,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while time.time() < deadline and loader.poll() is None:
            if self.has_loaded_files():
                break
            time.sleep(0.05)
        time.sleep(random.uniform(0.1, 0.4))
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        self.server.clear_faults()
        loaded, seqs = self.lake_rows()
        self.assertGreater(len(loaded), 0, "nothing loaded before the kill")
        self.assertLess(len(loaded), len(files), "loaded all before the kill")
        # The rows are exactly those of the files recorded as loaded: no
        # file half applied, none applied without its record.
        self.assertEqual(seqs, self.newest_per_key(loaded))
        again = json.loads(self.load().stdout)
        self.assertEqual(again["objects"], len(files) - len(loaded))
        self.assertEqual(again["read"], sum(len(files[k]) for k in files
                                            if k not in loaded))
        self.assert_lake_equals_table()

    def test_version_1_checkpoint_is_taken_over(self):
        Workload(self.ddb, self.table, seed=16).run(120)
        self.ship()
        self.load()
        # What an earlier loader left: the loaded files listed in the
        # checkpoint itself. They are taken as loaded, not applied again.
        bucket_prefix = self.prefix[len("s3://" + BUCKET + "/"):]
        listing = self.s3.list_objects_v2(Bucket=BUCKET,
                                          Prefix=bucket_prefix)["Contents"]
        with open(self.path("load.json"), "w") as f:
            json.dump({"version": 1, "source": self.prefix,
                       "files": {o["Key"]: o["ETag"] for o in listing},
                       "rejected": {}}, f)
        again = json.loads(self.load().stdout)
        self.assertEqual(again["objects"], 0)
        with open(self.path("load.json")) as f:
            cp = json.load(f)
        self.assertEqual(cp["version"], 2)
        self.assertNotIn("files", cp)
        db = sqlite3.connect(self.path("lake.db"))
        adopted = {f for (f,) in db.execute(
            "SELECT file FROM loaded WHERE loader = ?", (cp["loader"],))}
        db.close()
        self.assertEqual(adopted, {o["Key"] for o in listing})
        # New files after the takeover load as usual.
        Workload(self.ddb, self.table, seed=17).run(60)
        self.ship()
        newer = json.loads(self.load().stdout)
        self.assertGreater(newer["objects"], 0)
        self.assertEqual(newer["objects"],
                         len(self.landing_files()) - len(listing))
        self.assert_lake_equals_table()

    def test_handler_writes_event_and_reports_failures(self):
        Workload(self.ddb, self.table, seed=12).run(30)
        streams = self.server.client("dynamodbstreams")
        arn = self.ddb.describe_table(
            TableName=self.table)["Table"]["LatestStreamArn"]
        records = stream_records(streams, arn)[:10]
        for r in records:
            r["eventSourceARN"] = arn
            r["dynamodb"]["ApproximateCreationDateTime"] = (
                r["dynamodb"]["ApproximateCreationDateTime"].timestamp())
        event = json.loads(json.dumps({"Records": records}, default=b64))
        handler_env = dict(self.shipper)
        proc = self.run_tool(["ship", "--handler", "--to", self.prefix],
                             handler_env, stdin=json.dumps(event))
        self.assertEqual(json.loads(proc.stdout), {"batchItemFailures": []})
        seqs = sorted(seq for _, seq in self.landing())
        self.assertEqual(seqs, sorted(r["dynamodb"]["SequenceNumber"]
                                      for r in records))
        # A record the handler cannot convert is reported, and Lambda would
        # retry from it.
        event["Records"][4]["eventName"] = "UPSERT"
        proc = self.run_tool(["ship", "--handler", "--to", self.prefix],
                             handler_env, stdin=json.dumps(event))
        bad = event["Records"][4]["dynamodb"]["SequenceNumber"]
        self.assertEqual(json.loads(proc.stdout),
                         {"batchItemFailures": [{"itemIdentifier": bad}]})
        # Outside the role's prefix the write is denied: all fail.
        proc = self.run_tool(["ship", "--handler", "--to",
                              "s3://%s/elsewhere/" % BUCKET], handler_env,
                             stdin=json.dumps(event))
        first = event["Records"][0]["dynamodb"]["SequenceNumber"]
        self.assertEqual(json.loads(proc.stdout),
                         {"batchItemFailures": [{"itemIdentifier": first}]})
        self.assertIn("AccessDenied", proc.stderr)

    def test_unparsable_file_is_rejected_with_reason(self):
        Workload(self.ddb, self.table, seed=13).run(40)
        self.ship()
        bucket_prefix = self.prefix[len("s3://" + BUCKET + "/"):]
        self.s3.put_object(Bucket=BUCKET, Key=bucket_prefix + "zz-bad.jsonl",
                           Body=b'{"event_id": "x"\n')
        proc = self.load(check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(json.loads(proc.stdout)["rejected"], 1)
        self.assertIn("zz-bad.jsonl", proc.stderr)
        with open(self.path("load.json")) as f:
            rejected = json.load(f)["rejected"]
        self.assertIn("line 1", rejected[bucket_prefix + "zz-bad.jsonl"])
        self.assert_lake_equals_table()

    def test_plain_json_format_keeps_every_digit(self):
        self.ddb.put_item(TableName=self.table, Item={
            "pk": {"S": "p"}, "sk": {"N": "1"},
            "n": {"N": "-12345678901234567890.123456789012345678"},
            "ns": {"NS": ["10", "9", "-1"]}, "b": {"B": b"\x00\xff"}})
        self.ship("--format", "json")
        bucket_prefix = self.prefix[len("s3://" + BUCKET + "/"):]
        key = self.s3.list_objects_v2(
            Bucket=BUCKET, Prefix=bucket_prefix)["Contents"][0]["Key"]
        line = self.s3.get_object(Bucket=BUCKET,
                                  Key=key)["Body"].read().decode()
        self.assertIn('"n":-12345678901234567890.123456789012345678', line)
        self.assertIn('"ns":{"$set":"NS","values":[-1,9,10]}', line)
        self.assertIn('"b":"AP8="', line)

    def test_faults_are_retried_and_lose_nothing(self):
        Workload(self.ddb, self.table, seed=14).run(200)
        rules = [
            {"operation": "GetRecords", "table": self.table,
             "error": "ExpiredIteratorException", "count": 2},
            {"operation": "GetRecords", "table": self.table,
             "error": "LimitExceededException", "count": 3},
            {"operation": "DescribeStream", "error": "InternalServerError",
             "count": 2},
            {"operation": "PutObject", "error": "ServiceUnavailable",
             "count": 3},
        ]
        for rule in rules:
            self.server.admin("faults", rule)
        shipped = json.loads(self.ship().stdout)
        self.assertGreaterEqual(shipped["retried"], 3 + 2 + 3)
        for rule in [{"operation": "ListObjectsV2", "error": "ServiceUnavailable",
                      "count": 2},
                     {"operation": "GetObject", "error": "InternalServerError",
                      "count": 2}]:
            self.server.admin("faults", rule)
        loaded = json.loads(self.load().stdout)
        self.assertGreaterEqual(loaded["retried"], 4)
        self.assert_lake_equals_table()

    def test_loader_role_cannot_ship(self):
        proc = self.run_tool(["ship", "--table", self.table, "--to",
                              "s3://%s/%s" % (BUCKET, PREFIX), "--once"],
                             self.loader, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("AccessDenied", proc.stderr)


def b64(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    raise TypeError(type(value))


def lineage(shards):
    by_id = {s["ShardId"]: s for s in shards}
    done, out = set(), []

    def visit(s):
        if s["ShardId"] in done:
            return
        parent = s.get("ParentShardId")
        if parent in by_id:
            visit(by_id[parent])
        done.add(s["ShardId"])
        out.append(s)

    for s in shards:
        visit(s)
    return out


def shard_records(streams, arn):
    """Each shard's records, parents before children: (shard id,
    records)."""
    shards, start = [], None
    while True:
        kw = {"StreamArn": arn}
        if start:
            kw["ExclusiveStartShardId"] = start
        desc = streams.describe_stream(**kw)["StreamDescription"]
        shards += desc["Shards"]
        start = desc.get("LastEvaluatedShardId")
        if not start:
            break
    out = []
    for shard in lineage(shards):
        it = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"],
            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        closed = "EndingSequenceNumber" in shard["SequenceNumberRange"]
        records = []
        while it:
            page = streams.get_records(ShardIterator=it)
            records += page["Records"]
            it = page.get("NextShardIterator")
            if not closed and not page["Records"]:
                break
        out.append((shard["ShardId"], records))
    return out


def stream_records(streams, arn):
    return [r for _, records in shard_records(streams, arn)
            for r in records]


def stream_seqs(streams, arn):
    return [r["dynamodb"]["SequenceNumber"]
            for r in stream_records(streams, arn)]


if __name__ == "__main__":
    unittest.main()
