"""End-to-end tests of `dynalake poll`, `dynalake export` and `dynalake esm`
against a `dynalake serve` that enforces IAM (fixtures/identities.json,
`--shard-rollover 50`), each component running as its role with the
minimal policies of fixtures/policies/ (poller: poll-to-s3.json, exporter:
export-to-s3.json, stream-function: stream-function.json).

- poll catches every write that lands while it scans, and a rescan of the
  overlap writes nothing twice;
- export's layout is the native export's: manifests that list every data
  file with its checksums, gzipped {"Item"} lines equal to the table;
- esm runs Python Lambda handlers unmodified through scripts/lambda-run
  with Debian's boto3 1.26: the correct one lands a complete prefix, the one
  that drops REMOVE records loses the deletes, the one whose json.dumps
  meets a Decimal fails every batch into the on-failure destination; a role
  whose trust policy names another service is refused; retries, bisection
  and partial batch responses behave as Lambda's.
Skipped without $DYNALAKE.
"""

import base64
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

import test_sync

DYNALAKE = os.environ.get("DYNALAKE")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HANDLERS = os.path.join(ROOT, "fixtures", "handlers")
LAMBDA_RUN = os.path.join(ROOT, "scripts", "lambda-run")
DEBIAN_PY = "/usr/bin/python3"
BUCKET = "lake"
TIMEOUT = 180

sys.path.insert(0, HANDLERS)


def handler_python():
    """Debian's python3 (boto3 1.26) when present, else this one."""
    return DEBIAN_PY if os.path.exists(DEBIAN_PY) else sys.executable


class ComponentsCase(unittest.TestCase):
    server = None

    @classmethod
    def setUpClass(cls):
        if not DYNALAKE:
            raise unittest.SkipTest("DYNALAKE is not set")
        cls.server = test_sync.Server()
        cls.ddb = cls.server.client("dynamodb")
        cls.s3 = cls.server.client("s3")
        try:
            cls.s3.create_bucket(Bucket=BUCKET)
        except cls.s3.exceptions.BucketAlreadyOwnedByYou:
            pass
        cls.admin_env = cls.server.env(*test_sync.ADMIN)

    @classmethod
    def tearDownClass(cls):
        if cls.server:
            cls.server.stop()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="dynalake-comp-")
        self.table = "comp-" + uuid.uuid4().hex[:10]

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def create_table(self, stream=False, range_key=False):
        attrs = [{"AttributeName": "pk", "AttributeType": "S"}]
        schema = [{"AttributeName": "pk", "KeyType": "HASH"}]
        if range_key:
            attrs.append({"AttributeName": "sk", "AttributeType": "N"})
            schema.append({"AttributeName": "sk", "KeyType": "RANGE"})
        args = dict(TableName=self.table, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=attrs, KeySchema=schema)
        if stream:
            args["StreamSpecification"] = {
                "StreamEnabled": True,
                "StreamViewType": "NEW_AND_OLD_IMAGES"}
        self.ddb.create_table(**args)

    def run_tool(self, args, env, check=True):
        proc = subprocess.run([DYNALAKE] + args, env=env,
                              capture_output=True, text=True,
                              timeout=TIMEOUT)
        if check and proc.returncode != 0:
            self.fail("%s exited %d:\n%s" % (" ".join(args), proc.returncode,
                                             proc.stderr))
        return proc

    def summary(self, proc):
        lines = [l for l in proc.stdout.splitlines() if l.startswith("{")]
        self.assertTrue(lines, proc.stdout + proc.stderr)
        return json.loads(lines[-1])

    def objects(self, prefix):
        keys, token = [], None
        while True:
            args = dict(Bucket=BUCKET, Prefix=prefix)
            if token:
                args["ContinuationToken"] = token
            page = self.s3.list_objects_v2(**args)
            keys += [o["Key"] for o in page.get("Contents", [])]
            token = page.get("NextContinuationToken")
            if not token:
                return keys

    def body(self, key):
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def scan(self):
        items, start = [], None
        while True:
            args = dict(TableName=self.table, ConsistentRead=True)
            if start:
                args["ExclusiveStartKey"] = start
            page = self.ddb.scan(**args)
            items += page["Items"]
            start = page.get("LastEvaluatedKey")
            if not start:
                return items

    # ---- poll -------------------------------------------------------------

    def test_poll_catches_writes_landing_during_a_scan(self):
        self.create_table()
        now = int(time.time() * 1000)
        for i in range(150):
            self.ddb.put_item(TableName=self.table, Item={
                "pk": {"S": "item-%03d" % i}, "ts": {"N": str(now)},
                "v": {"N": "0"}})
        env = self.server.role_env("poller", "ec2.amazonaws.com")
        prefix = "polled/%s/" % self.table
        args = ["poll", "--table", self.table, "--watermark", "ts",
                "--to", "s3://%s/%s" % (BUCKET, prefix), "--checkpoint",
                self.path("poll.json"), "--once", "--json",
                "--overlap", "30", "--page-limit", "2"]
        # Writers update and insert while the paginated scan runs, each
        # write stamped with the wall clock, as an application would.
        stop = threading.Event()
        written = []

        def writer():
            ddb = self.server.client("dynamodb")
            n = 0
            while not stop.is_set() and n < 400:
                key = "item-%03d" % (n * 37 % 150) if n % 2 else \
                    "late-%03d" % n
                ddb.put_item(TableName=self.table, Item={
                    "pk": {"S": key},
                    "ts": {"N": str(int(time.time() * 1000))},
                    "v": {"N": str(n + 1)}})
                written.append(key)
                n += 1

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            first = self.summary(self.run_tool(args, env))
        finally:
            stop.set()
            thread.join()
        self.assertGreater(len(written), 0)
        self.assertFalse(first["sees_deletes"])
        self.assertIn("deletes", first["limit"])
        second = self.summary(self.run_tool(args, env))
        # Every item's final version is in the landing prefix.
        landed = {}
        for key in self.objects(prefix):
            for line in self.body(key).decode().splitlines():
                rec = json.loads(line)
                k = rec["keys"]["pk"]["S"]
                ts = rec["new_image"]["ts"]["N"]
                landed.setdefault(k, set()).add(ts)
                self.assertIn(rec["event_name"], ("INSERT", "MODIFY"))
        for item in self.scan():
            self.assertIn(item["ts"]["N"], landed.get(item["pk"]["S"], ()),
                          "poll skipped the write to %s" % item["pk"]["S"])
        # The overlap was rescanned, not rewritten.
        self.assertGreater(second["duplicates_skipped"], 0)
        third = self.summary(self.run_tool(args, env))
        self.assertEqual(third["written"], 0)
        self.assertEqual(third["read"], third["duplicates_skipped"])

    def test_poll_reports_an_iam_denial(self):
        self.create_table()
        self.ddb.put_item(TableName=self.table, Item={
            "pk": {"S": "a"}, "ts": {"N": "1"}})
        env = self.server.role_env("exporter", "ec2.amazonaws.com")
        proc = self.run_tool(
            ["poll", "--table", self.table, "--watermark", "ts", "--to",
             "s3://%s/polled/x/" % BUCKET, "--checkpoint",
             self.path("p.json"), "--once"], env, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("AccessDenied", proc.stderr)

    # ---- export -----------------------------------------------------------

    def test_export_layout_is_the_native_one(self):
        self.create_table(range_key=True)
        work = test_sync.Workload(self.ddb, self.table, seed=7)
        work.run(120)
        env = self.server.role_env("exporter", "ec2.amazonaws.com")
        proc = self.run_tool(["export", "--table", self.table, "--to",
                              "s3://%s/exports/%s" % (BUCKET, self.table),
                              "--segments", "3", "--json"], env)
        out = self.summary(proc)
        base = "exports/%s/AWSDynamoDB/%s/" % (self.table, out["export_id"])
        self.assertEqual(out["manifest_summary"],
                         base + "manifest-summary.json")
        keys = set(self.objects(base))
        for name in ("_started", "manifest-summary.json",
                     "manifest-summary.checksum", "manifest-files.json",
                     "manifest-files.checksum"):
            self.assertIn(base + name, keys)
        summary_body = self.body(base + "manifest-summary.json")
        summary = json.loads(summary_body)
        self.assertEqual(self.body(base + "manifest-summary.checksum")
                         .decode(), hashlib.md5(summary_body).hexdigest())
        self.assertEqual(summary["version"], "2020-06-30")
        self.assertEqual(summary["outputFormat"], "DYNAMODB_JSON")
        self.assertEqual(summary["s3Bucket"], BUCKET)
        self.assertTrue(summary["exportArn"].startswith(
            summary["tableArn"] + "/export/"))
        self.assertEqual(summary["manifestFilesS3Key"],
                         base + "manifest-files.json")
        items = []
        files = self.body(summary["manifestFilesS3Key"]).decode()
        self.assertGreaterEqual(len(files.splitlines()), 3)
        for line in files.splitlines():
            entry = json.loads(line)
            data = self.body(entry["dataFileS3Key"])
            self.assertTrue(entry["dataFileS3Key"].endswith(".json.gz"))
            digest = hashlib.md5(data).digest()
            self.assertEqual(entry["md5"], base64.b64encode(digest).decode())
            self.assertEqual(entry["etag"], digest.hex())
            lines = gzip.decompress(data).decode().splitlines()
            self.assertEqual(len(lines), entry["itemCount"])
            items += [json.loads(l)["Item"] for l in lines]
        self.assertEqual(summary["itemCount"], len(items))
        want = {test_sync.key_of(i): {k: test_sync.as_json(v)
                                      for k, v in i.items()}
                for i in self.scan()}
        got = {test_sync.key_of(i): test_sync.normalise(i) for i in items}
        self.assertEqual(got, want)

    # ---- esm ----------------------------------------------------------------

    def esm_env(self, prefix):
        env = dict(self.admin_env)
        env.update(LANDING_BUCKET=BUCKET, LANDING_PREFIX=prefix)
        return env

    def run_handler(self, handler, extra=(), check=True):
        prefix = "dynamodb-changes/%s/" % self.table
        args = ["esm", "--table", self.table, "--role", "stream-function",
                "--once", "--json", "--batch-size", "100",
                "--retry-delay-ms", "10", "--max-retries", "2"] + list(
                    extra) + [
            "--", handler_python(), LAMBDA_RUN, "--path", HANDLERS, handler]
        return self.run_tool(args, self.esm_env(prefix), check=check), prefix

    def table_as_lake(self, to_s3):
        lake = {}
        for item in self.scan():
            item = json.loads(json.dumps(item, default=lambda b: base64.
                                         b64encode(b).decode()))
            keys = {"pk": item["pk"], "sk": item["sk"]}
            k = json.dumps(json.loads(to_s3.encode(to_s3.image(keys)),
                                      parse_float=str, parse_int=str),
                           sort_keys=True)
            lake[k] = json.loads(to_s3.encode(to_s3.image(item)),
                                 parse_float=str, parse_int=str)
        return lake

    def landed_normalised(self, prefix):
        """Like landed_lake, numbers kept as their exact text."""
        changes = []
        for key in self.objects(prefix):
            for line in self.body(key).decode().splitlines():
                changes.append(json.loads(line, parse_float=str,
                                          parse_int=str))
        changes.sort(key=lambda c: int(c["sequence_number"]))
        lake = {}
        for c in changes:
            k = json.dumps(c["keys"], sort_keys=True)
            if c["event_name"] == "REMOVE":
                lake.pop(k, None)
            else:
                lake[k] = c["new_image"]
        return lake

    def workload(self, n=60):
        self.create_table(stream=True, range_key=True)
        work = test_sync.Workload(self.ddb, self.table, seed=11)
        work.run(n)

    def test_esm_correct_python_handler_lands_a_complete_prefix(self):
        self.workload()
        proc, prefix = self.run_handler("to_s3.lambda_handler")
        out = self.summary(proc)
        self.assertEqual(out["function_errors"], 0, proc.stderr)
        self.assertEqual(out["written"], out["read"])
        import to_s3
        self.assertEqual(self.landed_normalised(prefix),
                         self.table_as_lake(to_s3))

    def test_esm_handler_dropping_deletes_loses_them(self):
        self.workload()
        proc, prefix = self.run_handler("drops_deletes.lambda_handler")
        self.assertEqual(self.summary(proc)["function_errors"], 0)
        import to_s3
        landed = self.landed_normalised(prefix)
        table = self.table_as_lake(to_s3)
        ghosts = set(landed) - set(table)
        self.assertTrue(ghosts, "the workload's deletes should survive "
                        "in the lake of a handler that drops REMOVE")
        for k in set(table):
            self.assertEqual(landed.get(k), table[k])

    def test_esm_decimal_handler_fails_every_batch(self):
        self.create_table(stream=True, range_key=True)
        for i in range(20):
            self.ddb.put_item(TableName=self.table, Item={
                "pk": {"S": "k%d" % (i % 6)}, "sk": {"N": "1"},
                "price": {"N": "12345678901234567890.123456789"}})
        failures = "esm-failures/%s/" % self.table
        proc, prefix = self.run_handler(
            "decimal_fails.lambda_handler",
            ["--max-retries", "1", "--on-failure",
             "s3://%s/%s" % (BUCKET, failures)], check=False)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        out = self.summary(proc)
        self.assertGreater(out["function_errors"], 0)
        self.assertEqual(out["discarded"], out["read"])
        self.assertEqual(out["written"], 0)
        self.assertEqual(self.objects(prefix), [])
        docs = [json.loads(self.body(k)) for k in self.objects(failures)]
        self.assertEqual(len(docs), out["failure_objects"])
        self.assertEqual(sum(d["DDBStreamBatchInfo"]["batchSize"]
                             for d in docs), out["read"])
        for d in docs:
            self.assertEqual(d["requestContext"]["condition"],
                             "RetryAttemptsExhausted")
            self.assertIn("Decimal",
                          d["responseContext"]["errorMessage"])

    def test_esm_role_trusting_another_service_is_refused(self):
        self.workload(5)
        args = ["esm", "--table", self.table, "--role", "loader", "--once",
                "--", "true"]
        proc = self.run_tool(args, self.admin_env, check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("trust policy", proc.stderr)
        self.assertIn("lambda.amazonaws.com", proc.stderr)

    def inline_handler(self, body):
        """A plain Python command handler (no boto3: quick to start) that
        logs each invocation's sequence numbers to calls.jsonl."""
        path = self.path("handler.py")
        log = self.path("calls.jsonl")
        with open(path, "w") as f:
            f.write("import json, sys\n"
                    "event = json.load(sys.stdin)\n"
                    "recs = event['Records']\n"
                    "seqs = [r['dynamodb']['SequenceNumber'] for r in recs]\n"
                    "with open(%r, 'a') as log:\n"
                    "    log.write(json.dumps(seqs) + '\\n')\n"
                    "def poisoned(r):\n"
                    "    img = r['dynamodb'].get('NewImage', {})\n"
                    "    return 'poison' in img\n" % log + body)
        return [sys.executable, path], log

    def poison_workload(self, poison_at, n=12):
        self.create_table(stream=True)
        for i in range(n):
            item = {"pk": {"S": "k%02d" % i}}
            if i == poison_at:
                item["poison"] = {"BOOL": True}
            self.ddb.put_item(TableName=self.table, Item=item)

    def calls(self, log):
        with open(log) as f:
            return [json.loads(l) for l in f]

    def test_esm_bisect_isolates_a_poison_record(self):
        self.poison_workload(poison_at=5)
        cmd, log = self.inline_handler(
            "if any(poisoned(r) for r in recs):\n"
            "    sys.exit(3)\n"
            "print('{}')\n")
        failures = "esm-failures/%s/" % self.table
        proc = self.run_tool(
            ["esm", "--table", self.table, "--once", "--json",
             "--batch-size", "12", "--bisect", "--max-retries", "6",
             "--retry-delay-ms", "1", "--role", "stream-function",
             "--on-failure", "s3://%s/%s" % (BUCKET, failures), "--"] + cmd,
            self.admin_env, check=False)
        self.assertEqual(proc.returncode, 1, proc.stderr)
        out = self.summary(proc)
        self.assertEqual(out["discarded"], 1)
        self.assertEqual(out["written"], 11)
        self.assertGreater(out["bisections"], 0)
        docs = [json.loads(self.body(k)) for k in self.objects(failures)]
        self.assertEqual(len(docs), 1)
        self.assertEqual(docs[0]["DDBStreamBatchInfo"]["batchSize"], 1)
        self.assertEqual(docs[0]["records"][0]["keys"]["pk"]["S"], "k05")

    def test_esm_partial_batch_response_retries_from_the_failure(self):
        self.poison_workload(poison_at=4)
        cmd, log = self.inline_handler(
            "bad = [r for r in recs if poisoned(r)]\n"
            "calls = sum(1 for _ in open(%r))\n"
            "fail = bad and calls < 3\n"
            "print(json.dumps({'batchItemFailures': [\n"
            "    {'itemIdentifier': bad[0]['dynamodb']['SequenceNumber']}]\n"
            "    if fail else []}))\n" % self.path("calls.jsonl"))
        proc = self.run_tool(
            ["esm", "--table", self.table, "--once", "--json",
             "--batch-size", "12", "--report-batch-item-failures",
             "--max-retries", "5", "--retry-delay-ms", "1", "--"] + cmd,
            self.admin_env)
        out = self.summary(proc)
        self.assertEqual(out["written"], 12)
        self.assertEqual(out["partial_failures"], 2)
        calls = self.calls(log)
        self.assertEqual(len(calls), 3)
        self.assertEqual(len(calls[0]), 12)
        # The retries start at the failed record: the four before it were
        # acknowledged and are not delivered again.
        self.assertEqual(calls[1], calls[0][4:])
        self.assertEqual(calls[2], calls[0][4:])

    def test_esm_filter_and_parallel_lanes_deliver_matching_records(self):
        self.poison_workload(poison_at=3, n=20)
        cmd, log = self.inline_handler("print('{}')\n")
        proc = self.run_tool(
            ["esm", "--table", self.table, "--once", "--json",
             "--batch-size", "5", "--parallelization", "3",
             "--filter", '{"dynamodb":{"Keys":{"pk":{"S":[{"prefix":"k0"}]}}'
             '}}', "--"] + cmd, self.admin_env)
        out = self.summary(proc)
        self.assertEqual(out["filtered"], 10)
        self.assertEqual(out["written"], 10)
        delivered = sorted(s for c in self.calls(log) for s in c)
        self.assertEqual(len(delivered), 10)

    def test_esm_builtin_shipper_lands_every_change(self):
        self.workload(40)
        prefix = "dynamodb-changes/%s/" % self.table
        proc = self.run_tool(
            ["esm", "--table", self.table, "--role", "stream-function",
             "--once", "--json", "--to", "s3://%s/%s" % (BUCKET, prefix)],
            self.admin_env)
        out = self.summary(proc)
        self.assertEqual(out["written"], out["read"])
        lines = sum(len(self.body(k).decode().splitlines())
                    for k in self.objects(prefix))
        self.assertEqual(lines, out["read"])


if __name__ == "__main__":
    unittest.main()
