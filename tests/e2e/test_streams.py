"""End-to-end DynamoDB Streams tests: boto3's dynamodbstreams client against
a running `dynalake serve`.

Run by tests/e2e/run with DYNALAKE_ENDPOINT=http://127.0.0.1:PORT under both
boto3 generations. The replay tests drive thousands of seeded random puts,
updates and deletes (shards forced to roll over as they go), then read every
shard from TRIM_HORIZON following lineage, parents first, and insist on
exactly the changes made, in order per key, with the images the view type
promises. Tests that move the virtual clock (iterator expiry, 24-hour trim)
or need `--shard-rollover` start their own server from $DYNALAKE, so the
shared one keeps real time; they are skipped without it.
"""

import json
import os
import random
import signal
import subprocess
import time
import unittest
import urllib.request
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("DYNALAKE_ENDPOINT", "http://127.0.0.1:4566")
DYNALAKE = os.environ.get("DYNALAKE")
REGION = "us-east-1"
VIEW_TYPES = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]


def clients(endpoint):
    kw = dict(
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    cfg = Config(connect_timeout=5, read_timeout=30,
                 retries={"total_max_attempts": 1})
    raw = Config(connect_timeout=5, read_timeout=30,
                 retries={"total_max_attempts": 1}, parameter_validation=False)
    return (boto3.client("dynamodb", config=cfg, **kw),
            boto3.client("dynamodbstreams", config=cfg, **kw),
            boto3.client("dynamodbstreams", config=raw, **kw))


def admin(endpoint, path, body):
    req = urllib.request.Request(
        endpoint + "/_dynalake/" + path, data=json.dumps(body).encode(),
        method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())


def create_table(ddb, view):
    name = "streams-" + uuid.uuid4().hex[:12]
    desc = ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "N"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": view},
    )["TableDescription"]
    return name, desc["LatestStreamArn"]


def all_shards(streams, arn):
    """Every shard, paging DescribeStream two at a time."""
    shards, start = [], None
    while True:
        kw = {"StreamArn": arn, "Limit": 2}
        if start:
            kw["ExclusiveStartShardId"] = start
        desc = streams.describe_stream(**kw)["StreamDescription"]
        shards += desc["Shards"]
        start = desc.get("LastEvaluatedShardId")
        if not start:
            return shards


def lineage_order(shards):
    """Shards ordered parents first; fails on a parent that is missing."""
    by_id = {s["ShardId"]: s for s in shards}
    done, out = set(), []

    def visit(shard):
        if shard["ShardId"] in done:
            return
        parent = shard.get("ParentShardId")
        if parent:
            assert parent in by_id, "parent %s is not listed" % parent
            visit(by_id[parent])
        done.add(shard["ShardId"])
        out.append(shard)

    for s in shards:
        visit(s)
    return out


def read_shard(streams, arn, shard):
    it = streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"],
        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    records = []
    is_closed = "EndingSequenceNumber" in shard["SequenceNumberRange"]
    while it:
        page = streams.get_records(ShardIterator=it, Limit=1000)
        records += page["Records"]
        it = page.get("NextShardIterator")
        if not is_closed and not page["Records"]:
            break
    return records


def read_stream(streams, arn):
    out = []
    for shard in lineage_order(all_shards(streams, arn)):
        recs = read_shard(streams, arn, shard)
        seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in recs]
        assert seqs == sorted(set(seqs)), "sequence numbers not increasing"
        out += recs
    return out


class Replay:
    """A seeded random workload and the records it must produce."""

    def __init__(self, ddb, table, seed, keys=40):
        self.ddb, self.table = ddb, table
        self.rng = random.Random(seed)
        self.keys = [("k%d" % (i // 3), str(i % 3)) for i in range(keys)]
        self.items = {}
        self.expected = {}  # key -> [(event, old, new)]

    def _key(self, k):
        return {"pk": {"S": k[0]}, "sk": {"N": k[1]}}

    def _item(self, k):
        item = self._key(k)
        item["v"] = {"S": self.rng.choice(["a", "b", "c"])}
        if self.rng.random() < 0.5:
            item["n"] = {"N": str(self.rng.randint(-5, 5))}
        if self.rng.random() < 0.3:
            item["m"] = {"M": {"x": {"L": [{"BOOL": True}, {"NULL": True}]}}}
        return item

    def _expect(self, k, old, new):
        if old == new:
            return
        event = "INSERT" if old is None else (
            "REMOVE" if new is None else "MODIFY")
        self.expected.setdefault(k, []).append((event, old, new))

    def step(self):
        k = self.rng.choice(self.keys)
        old = self.items.get(k)
        roll = self.rng.random()
        if roll < 0.45:
            new = self._item(k) if old is None or self.rng.random() < 0.8 \
                else dict(old)
            self.ddb.put_item(TableName=self.table, Item=new)
        elif roll < 0.75:
            v = self.rng.choice(["a", "b", "c"])
            self.ddb.update_item(
                TableName=self.table, Key=self._key(k),
                UpdateExpression="SET v = :v",
                ExpressionAttributeValues={":v": {"S": v}})
            new = dict(old) if old else self._key(k)
            new["v"] = {"S": v}
        else:
            self.ddb.delete_item(TableName=self.table, Key=self._key(k))
            new = None
        self._expect(k, old, new)
        if new is None:
            self.items.pop(k, None)
        else:
            self.items[k] = new

    def check(self, test, records, view):
        got = {}
        for r in records:
            d = r["dynamodb"]
            k = (d["Keys"]["pk"]["S"], d["Keys"]["sk"]["N"])
            test.assertEqual(r["eventSource"], "aws:dynamodb")
            test.assertEqual(r["eventVersion"], "1.1")
            test.assertEqual(r["awsRegion"], REGION)
            test.assertEqual(d["StreamViewType"], view)
            test.assertNotIn("userIdentity", r)
            got.setdefault(k, []).append(
                (r["eventName"], d.get("OldImage"), d.get("NewImage")))
        want = {}
        for k, changes in self.expected.items():
            want[k] = [(e, o if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
                        else None,
                        n if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
                        else None) for e, o, n in changes]
        test.assertEqual(sorted(got), sorted(want))
        for k in want:
            test.assertEqual(got[k], want[k], "changes of %s" % (k,))


class StreamsReplayTest(unittest.TestCase):
    def setUp(self):
        self.ddb, self.streams, self.raw = clients(ENDPOINT)

    def replay(self, view, n, seed):
        table, arn = create_table(self.ddb, view)
        rp = Replay(self.ddb, table, seed)
        for i in range(n):
            rp.step()
            if rp.rng.random() < 0.005:
                admin(ENDPOINT, "streams/rollover", {"table": table})
        records = read_stream(self.streams, arn)
        rp.check(self, records, view)
        self.assertGreater(len(records), n // 3)
        self.ddb.delete_table(TableName=table)
        return arn

    def test_replay_new_and_old_images(self):
        self.replay("NEW_AND_OLD_IMAGES", 3000, seed=5)

    def test_replay_each_view_type(self):
        for i, view in enumerate(VIEW_TYPES):
            with self.subTest(view=view):
                self.replay(view, 400, seed=100 + i)

    def test_stream_in_describe_table_and_list_streams(self):
        table, arn = create_table(self.ddb, "KEYS_ONLY")
        desc = self.ddb.describe_table(TableName=table)["Table"]
        self.assertEqual(desc["LatestStreamArn"], arn)
        self.assertTrue(arn.endswith("/stream/" + desc["LatestStreamLabel"]))
        listed = self.streams.list_streams(TableName=table)["Streams"]
        self.assertEqual([s["StreamArn"] for s in listed], [arn])
        sd = self.streams.describe_stream(StreamArn=arn)["StreamDescription"]
        self.assertEqual(sd["StreamStatus"], "ENABLED")
        self.assertEqual(sd["TableName"], table)
        shard = sd["Shards"][0]
        self.assertRegex(shard["ShardId"], r"^shardId-\d{20}-[0-9a-f]{8}$")
        self.assertTrue(
            shard["SequenceNumberRange"]["StartingSequenceNumber"].isdigit())

    def test_enabling_an_enabled_stream_is_refused(self):
        table, _ = create_table(self.ddb, "NEW_IMAGE")
        with self.assertRaises(ClientError) as e:
            self.ddb.update_table(
                TableName=table,
                StreamSpecification={"StreamEnabled": True,
                                     "StreamViewType": "OLD_IMAGE"})
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "ValidationException")
        self.assertIn("already has an enabled stream",
                      e.exception.response["Error"]["Message"])

    def test_errors(self):
        table, arn = create_table(self.ddb, "NEW_IMAGE")
        shard = self.streams.describe_stream(
            StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard,
            ShardIteratorType="LATEST")["ShardIterator"]
        cases = [
            ("limit", lambda: self.raw.get_records(ShardIterator=it,
                                                   Limit=1001),
             "ValidationException"),
            ("malformed", lambda: self.raw.get_records(
                ShardIterator="x" * 40), "ValidationException"),
            ("tampered", lambda: self.raw.get_records(
                ShardIterator=it[:-6] + ("A" if it[-6] != "A" else "B")
                + it[-5:]), "ValidationException"),
            ("unknown stream", lambda: self.streams.describe_stream(
                StreamArn=arn + "0"), "ResourceNotFoundException"),
            ("unknown shard", lambda: self.streams.get_shard_iterator(
                StreamArn=arn, ShardId="shardId-00000000000000000001-"
                "00000000", ShardIteratorType="LATEST"),
             "ResourceNotFoundException"),
            ("bad arn", lambda: self.raw.describe_stream(
                StreamArn="not-a-stream-arn-but-long-enough-to-pass"),
             "ValidationException"),
        ]
        for name, call, code in cases:
            with self.subTest(name):
                with self.assertRaises(ClientError) as e:
                    call()
                self.assertEqual(e.exception.response["Error"]["Code"], code)

    def test_throttled_get_records(self):
        table, arn = create_table(self.ddb, "NEW_IMAGE")
        shard = self.streams.describe_stream(
            StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard,
            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        admin(ENDPOINT, "faults", {"operation": "GetRecords", "table": table,
                                   "error": "LimitExceededException",
                                   "count": 2})
        for _ in range(2):
            with self.assertRaises(ClientError) as e:
                self.streams.get_records(ShardIterator=it)
            self.assertEqual(e.exception.response["Error"]["Code"],
                             "LimitExceededException")
        self.streams.get_records(ShardIterator=it)


@unittest.skipUnless(DYNALAKE, "needs $DYNALAKE to start a private server")
class OwnServerTest(unittest.TestCase):
    """A private server: a short --shard-rollover, and a clock to move."""

    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen(
            [DYNALAKE, "serve", "--port", "0", "--shard-rollover", "25"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = cls.proc.stdout.readline()
        if "listening on " not in line:
            cls.proc.kill()
            raise RuntimeError("server did not start: %r" % line)
        cls.endpoint = line.split("listening on ")[1].strip()

    @classmethod
    def tearDownClass(cls):
        cls.proc.stdout.close()
        cls.proc.send_signal(signal.SIGTERM)
        try:
            cls.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            cls.proc.kill()

    def setUp(self):
        self.ddb, self.streams, self.raw = clients(self.endpoint)

    def test_replay_across_count_rollovers(self):
        table, arn = create_table(self.ddb, "NEW_AND_OLD_IMAGES")
        rp = Replay(self.ddb, table, seed=77)
        for _ in range(1000):
            rp.step()
        shards = all_shards(self.streams, arn)
        self.assertGreater(len(shards), 20)
        self.assertTrue(all(s.get("ParentShardId") for s in shards[1:]))
        rp.check(self, read_stream(self.streams, arn), "NEW_AND_OLD_IMAGES")

    def test_shard_filter_lists_the_children_of_a_shard(self):
        describe = self.streams.meta.service_model.operation_model(
            "DescribeStream")
        if "ShardFilter" not in describe.input_shape.members:
            self.skipTest("this botocore predates DescribeStream's "
                          "ShardFilter")
        table, arn = create_table(self.ddb, "KEYS_ONLY")
        for i in range(80):
            self.ddb.put_item(TableName=table,
                              Item={"pk": {"S": "k"}, "sk": {"N": str(i)}})
        shards = all_shards(self.streams, arn)
        self.assertGreater(len(shards), 3)
        for shard in shards:
            want = [s["ShardId"] for s in shards
                    if s.get("ParentShardId") == shard["ShardId"]]
            got = self.streams.describe_stream(StreamArn=arn, ShardFilter={
                "Type": "CHILD_SHARDS", "ShardId": shard["ShardId"]},
            )["StreamDescription"]["Shards"]
            self.assertEqual([s["ShardId"] for s in got], want)
        self.assertEqual(len(got), 0)  # the open shard has no child yet
        for bad, field in (({"Type": "PARENT_SHARDS",
                             "ShardId": shards[0]["ShardId"]},
                            "shardFilter.type"),
                           ({"Type": "CHILD_SHARDS", "ShardId": "short"},
                            "shardFilter.shardId"),
                           ({"Type": "CHILD_SHARDS"}, "shardFilter.shardId")):
            with self.assertRaises(ClientError) as e:
                self.raw.describe_stream(StreamArn=arn, ShardFilter=bad)
            err = e.exception.response["Error"]
            self.assertEqual(err["Code"], "ValidationException", bad)
            self.assertIn("at '%s' failed to satisfy" % field,
                          err["Message"])

    def test_iterators_expire_and_records_are_trimmed(self):
        table, arn = create_table(self.ddb, "NEW_IMAGE")
        self.ddb.put_item(TableName=table,
                          Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
        shard = self.streams.describe_stream(
            StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        it = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard,
            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        seq = self.streams.get_records(
            ShardIterator=it)["Records"][0]["dynamodb"]["SequenceNumber"]
        admin(self.endpoint, "clock", {"advance_ms": 900001})
        with self.assertRaises(ClientError) as e:
            self.streams.get_records(ShardIterator=it)
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "ExpiredIteratorException")
        admin(self.endpoint, "clock", {"advance_ms": 24 * 3600 * 1000})
        with self.assertRaises(ClientError) as e:
            self.streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard,
                ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=seq)
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "TrimmedDataAccessException")
        it = self.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard,
            ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        self.assertEqual(self.streams.get_records(ShardIterator=it)["Records"],
                         [])


if __name__ == "__main__":
    unittest.main()
