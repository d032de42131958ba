"""End-to-end batch, transaction and TTL tests with boto3 against a running
`dynalake serve`: Table.batch_writer(), batch_get_item with an
UnprocessedKeys loop under an injected throttling fault,
transact_write_items with cancellation reasons and client request tokens,
transact_get_items, and TTL expiry after moving the emulator's clock and
asking for a sweep.

Run by tests/e2e/run with DYNALAKE_ENDPOINT=http://127.0.0.1:PORT under both
boto3 generations (1.26 and 1.43). Standard library unittest only; each test
makes its own uniquely named table, and fault rules name that table.
"""

import json
import os
import time
import unittest
import urllib.request
import uuid
from decimal import Decimal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("DYNALAKE_ENDPOINT", "http://127.0.0.1:4566")
REGION = "us-east-1"


def _session_kwargs():
    return dict(
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            region_name=REGION,
            connect_timeout=5,
            read_timeout=30,
            retries={"total_max_attempts": 1},
        ),
    )


def admin(path, body=None, method="POST"):
    data = json.dumps(body if body is not None else {}).encode()
    req = urllib.request.Request(ENDPOINT + "/_dynalake/" + path, data=data,
                                 method=method)
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"{}")


class BatchTest(unittest.TestCase):
    def setUp(self):
        self.client = boto3.client("dynamodb", **_session_kwargs())
        self.resource = boto3.resource("dynamodb", **_session_kwargs())
        self.name = "batch-" + uuid.uuid4().hex[:12]
        self.client.create_table(
            TableName=self.name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk",
                                   "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            StreamSpecification={"StreamEnabled": True,
                                 "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        self.table = self.resource.Table(self.name)

    def tearDown(self):
        self.client.delete_table(TableName=self.name)

    def keys(self, n):
        return [{"pk": {"S": "k%03d" % i}} for i in range(n)]

    def test_batch_writer_puts_and_deletes_many(self):
        with self.table.batch_writer() as batch:
            for i in range(60):
                batch.put_item(Item={"pk": "k%03d" % i, "n": Decimal(i),
                                     "tags": {"a", "b"}})
        with self.table.batch_writer() as batch:
            for i in range(0, 60, 2):
                batch.delete_item(Key={"pk": "k%03d" % i})
        items = self.table.scan(ConsistentRead=True)["Items"]
        self.assertEqual(sorted(int(i["n"]) for i in items),
                         list(range(1, 60, 2)))

    def test_batch_get_loops_over_unprocessed_keys(self):
        with self.table.batch_writer() as batch:
            for i in range(100):
                batch.put_item(Item={"pk": "k%03d" % i, "v": "x" * 100})
        admin("faults", {"operation": "BatchGetItem", "table": self.name,
                         "error": "ProvisionedThroughputExceededException",
                         "count": 30})
        request = {self.name: {"Keys": self.keys(100),
                               "ConsistentRead": True}}
        found, rounds = [], 0
        while request:
            rounds += 1
            out = self.client.batch_get_item(RequestItems=request,
                                             ReturnConsumedCapacity="TOTAL")
            found += out["Responses"].get(self.name, [])
            request = out["UnprocessedKeys"]
        self.assertEqual(rounds, 2)
        self.assertEqual(len(found), 100)
        self.assertEqual(len({i["pk"]["S"] for i in found}), 100)

    def test_batch_write_returns_unprocessed_items(self):
        admin("faults", {"operation": "BatchWriteItem", "table": self.name,
                         "error": "ThrottlingException", "count": 5})
        requests = [{"PutRequest": {"Item": k}} for k in self.keys(25)]
        out = self.client.batch_write_item(RequestItems={self.name: requests})
        left = out["UnprocessedItems"][self.name]
        self.assertEqual(len(left), 5)
        out = self.client.batch_write_item(RequestItems=out["UnprocessedItems"])
        self.assertEqual(out["UnprocessedItems"], {})
        count = self.client.scan(TableName=self.name, Select="COUNT")["Count"]
        self.assertEqual(count, 25)

    def test_batch_duplicates_are_refused(self):
        with self.assertRaises(ClientError) as cm:
            self.client.batch_write_item(RequestItems={self.name: [
                {"PutRequest": {"Item": {"pk": {"S": "a"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]})
        err = cm.exception.response["Error"]
        self.assertEqual(err["Code"], "ValidationException")
        self.assertEqual(err["Message"],
                         "Provided list of item keys contains duplicates")

    def test_transaction_cancelled_with_reasons(self):
        self.table.put_item(Item={"pk": "acct", "balance": 10})
        with self.assertRaises(ClientError) as cm:
            self.client.transact_write_items(TransactItems=[
                {"Put": {"TableName": self.name,
                         "Item": {"pk": {"S": "receipt"}}}},
                {"Update": {"TableName": self.name,
                            "Key": {"pk": {"S": "acct"}},
                            "UpdateExpression": "SET balance = balance - :a",
                            "ConditionExpression": "balance >= :a",
                            "ExpressionAttributeValues": {
                                ":a": {"N": "20"}},
                            "ReturnValuesOnConditionCheckFailure":
                                "ALL_OLD"}}])
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], "TransactionCanceledException")
        self.assertEqual(err["Error"]["Message"],
                         "Transaction cancelled, please refer cancellation "
                         "reasons for specific reasons [None, "
                         "ConditionalCheckFailed]")
        # Newer botocore parses the reasons; older ones leave them out.
        reasons = err.get("CancellationReasons")
        if reasons is not None:
            self.assertEqual(reasons[0], {"Code": "None"})
            self.assertEqual(reasons[1]["Code"], "ConditionalCheckFailed")
            self.assertEqual(reasons[1]["Item"]["balance"], {"N": "10"})
        self.assertNotIn("Item", self.table.get_item(
            Key={"pk": "receipt"}, ConsistentRead=True))

    def test_transaction_commits_and_is_idempotent(self):
        self.table.put_item(Item={"pk": "acct", "balance": 10})
        items = [{"Update": {"TableName": self.name,
                             "Key": {"pk": {"S": "acct"}},
                             "UpdateExpression": "ADD balance :one",
                             "ExpressionAttributeValues": {
                                 ":one": {"N": "1"}}}},
                 {"Put": {"TableName": self.name,
                          "Item": {"pk": {"S": "log"}}}}]
        token = uuid.uuid4().hex
        for _ in range(2):
            out = self.client.transact_write_items(
                TransactItems=items, ClientRequestToken=token,
                ReturnConsumedCapacity="TOTAL")
            self.assertEqual(out["ConsumedCapacity"][0]["TableName"],
                             self.name)
        got = self.client.transact_get_items(TransactItems=[
            {"Get": {"TableName": self.name, "Key": {"pk": {"S": "acct"}}}},
            {"Get": {"TableName": self.name, "Key": {"pk": {"S": "nope"}}}}])
        self.assertEqual(got["Responses"][0]["Item"]["balance"], {"N": "11"})
        self.assertEqual(got["Responses"][1], {})
        with self.assertRaises(ClientError) as cm:
            self.client.transact_write_items(TransactItems=items[:1],
                                             ClientRequestToken=token)
        self.assertEqual(cm.exception.response["Error"]["Code"],
                         "IdempotentParameterMismatchException")

    def test_ttl_expires_items_on_the_emulator_clock(self):
        self.client.update_time_to_live(
            TableName=self.name,
            TimeToLiveSpecification={"Enabled": True,
                                     "AttributeName": "exp"})
        desc = self.client.describe_time_to_live(TableName=self.name)
        self.assertEqual(desc["TimeToLiveDescription"],
                         {"TimeToLiveStatus": "ENABLED",
                          "AttributeName": "exp"})
        now = int(admin_clock_now() // 1000)
        self.table.put_item(Item={"pk": "soon", "exp": now + 60})
        self.table.put_item(Item={"pk": "keep", "exp": now + 86400})
        admin("clock", {"advance_ms": 120000})
        admin("ttl/sweep")
        left = {i["pk"] for i in self.table.scan(ConsistentRead=True)["Items"]}
        self.assertEqual(left, {"keep"})
        with self.assertRaises(ClientError) as cm:
            self.client.update_time_to_live(
                TableName=self.name,
                TimeToLiveSpecification={"Enabled": True,
                                         "AttributeName": "exp"})
        self.assertEqual(cm.exception.response["Error"]["Message"],
                         "TimeToLive is already enabled")
        # The deletion reached the stream as the service's.
        streams = boto3.client("dynamodbstreams", **_session_kwargs())
        arn = self.client.describe_table(
            TableName=self.name)["Table"]["LatestStreamArn"]
        shards = streams.describe_stream(
            StreamArn=arn)["StreamDescription"]["Shards"]
        records = []
        for shard in shards:
            it = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"],
                ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
            records += streams.get_records(ShardIterator=it)["Records"]
        removes = [r for r in records if r["eventName"] == "REMOVE"]
        self.assertEqual(len(removes), 1)
        self.assertIn("userIdentity", removes[0])
        # The Streams API's Identity: Type and PrincipalId.
        self.assertEqual(removes[0]["userIdentity"],
                         {"Type": "Service",
                          "PrincipalId": "dynamodb.amazonaws.com"})
        puts = [r for r in records if r["eventName"] == "INSERT"]
        self.assertNotIn("userIdentity", puts[0])


def admin_clock_now():
    req = urllib.request.Request(ENDPOINT + "/_dynalake/clock", method="GET")
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read())["now_ms"]


if __name__ == "__main__":
    unittest.main()
