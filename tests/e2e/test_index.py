"""End-to-end secondary index tests: a table created with a GSI and an LSI,
queried by index with boto3's Key conditions and paginators, a sparse index,
a GSI added by UpdateTable (backfilled) then queried and deleted, AWS's
refusals, and the index ARN that IAM decides on (a server with identities
started here, its audit read back).

Run by tests/e2e/run with DYNALAKE_ENDPOINT=http://127.0.0.1:PORT (and
DYNALAKE, the binary) under both boto3 generations (1.26 and 1.43).
Standard library unittest only; each test makes its own uniquely named table.
"""

import json
import os
import subprocess
import tempfile
import unittest
import urllib.parse
import urllib.request
import uuid
import warnings
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("DYNALAKE_ENDPOINT", "http://127.0.0.1:4566")
REGION = "us-east-1"
HERE = os.path.dirname(os.path.abspath(__file__))
IDENTITIES = os.path.join(HERE, "..", "..", "fixtures", "identities.json")
# boto3 keeps pooled connections open until exit; that is not a leak here.
warnings.simplefilter("ignore", ResourceWarning)


def _kwargs(endpoint=ENDPOINT, key_id="test", secret="test"):
    return dict(
        endpoint_url=endpoint, region_name=REGION,
        aws_access_key_id=key_id, aws_secret_access_key=secret,
        config=Config(region_name=REGION, connect_timeout=5, read_timeout=30,
                      retries={"total_max_attempts": 1}))


def make_client(**kw):
    return boto3.client("dynamodb", **_kwargs(**kw))


def make_resource():
    return boto3.resource("dynamodb", **_kwargs())


def error_of(ctx):
    err = ctx.exception.response["Error"]
    return err["Code"], err["Message"]


def create_orders(client, name):
    """orders: customer (S) + order (N); GSI by-status (status, total),
    KEYS_ONLY-free ALL; GSI by-region (region) INCLUDE note; LSI by-date
    (customer, placed)."""
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "customer", "AttributeType": "S"},
            {"AttributeName": "order", "AttributeType": "N"},
            {"AttributeName": "status", "AttributeType": "S"},
            {"AttributeName": "total", "AttributeType": "N"},
            {"AttributeName": "region", "AttributeType": "S"},
            {"AttributeName": "placed", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "customer", "KeyType": "HASH"},
                   {"AttributeName": "order", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {"IndexName": "by-status",
             "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"},
                           {"AttributeName": "total", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "ALL"}},
            {"IndexName": "by-region",
             "KeySchema": [{"AttributeName": "region", "KeyType": "HASH"}],
             "Projection": {"ProjectionType": "INCLUDE",
                            "NonKeyAttributes": ["note"]}},
        ],
        LocalSecondaryIndexes=[
            {"IndexName": "by-date",
             "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"},
                           {"AttributeName": "placed", "KeyType": "RANGE"}],
             "Projection": {"ProjectionType": "KEYS_ONLY"}},
        ])


class IndexTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = make_client()
        cls.resource = make_resource()
        cls.name = "orders-" + uuid.uuid4().hex[:12]
        create_orders(cls.client, cls.name)
        cls.table = cls.resource.Table(cls.name)
        # 60 orders: 3 customers, 3 statuses, totals repeating so that the
        # GSI keys are not unique; every fifth order has no region (sparse).
        for i in range(60):
            item = {"customer": "c%d" % (i % 3), "order": Decimal(i),
                    "status": ("open", "paid", "sent")[i % 3 - (i // 7) % 2],
                    "total": Decimal(i % 10), "placed": "2024-01-%02d" % (
                        60 - i if 60 - i < 29 else (60 - i) % 28 + 1),
                    "note": "n%d" % i, "secret": "s%d" % i}
            if i % 5:
                item["region"] = ("eu", "us")[i % 2]
            cls.table.put_item(Item=item)
        cls.items = [cls.table.get_item(Key={"customer": "c%d" % (i % 3),
                                             "order": Decimal(i)})["Item"]
                     for i in range(60)]

    def expected(self, pred, key):
        return [(it["customer"], int(it["order"]))
                for it in sorted((it for it in self.items if pred(it)),
                                 key=key)]

    def test_describe_shows_both_indexes(self):
        desc = self.client.describe_table(TableName=self.name)["Table"]
        gsis = {g["IndexName"]: g for g in desc["GlobalSecondaryIndexes"]}
        self.assertEqual(set(gsis), {"by-status", "by-region"})
        self.assertEqual(gsis["by-status"]["IndexStatus"], "ACTIVE")
        self.assertEqual(gsis["by-status"]["ItemCount"], 60)
        self.assertEqual(gsis["by-region"]["ItemCount"], 48)
        self.assertTrue(gsis["by-status"]["IndexArn"].endswith(
            "table/%s/index/by-status" % self.name))
        lsi = desc["LocalSecondaryIndexes"][0]
        self.assertEqual(lsi["IndexName"], "by-date")
        self.assertEqual(lsi["ItemCount"], 60)
        self.assertGreater(lsi["IndexSizeBytes"], 0)

    def test_query_gsi_with_key_conditions(self):
        got = self.table.query(
            IndexName="by-status",
            KeyConditionExpression=Key("status").eq("paid") &
            Key("total").between(Decimal(2), Decimal(6)))["Items"]
        want = self.expected(
            lambda it: it["status"] == "paid" and 2 <= it["total"] <= 6,
            key=lambda it: (it["total"], it["customer"], it["order"]))
        self.assertEqual([(it["customer"], int(it["order"])) for it in got],
                         want)
        self.assertIn("secret", got[0])  # projection ALL

    def test_paginate_an_index_query_both_ways(self):
        paginator = self.client.get_paginator("query")
        for forward in (True, False):
            pages = paginator.paginate(
                TableName=self.name, IndexName="by-status",
                KeyConditionExpression="#s = :s",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":s": {"S": "open"}},
                ScanIndexForward=forward,
                PaginationConfig={"PageSize": 3})
            got = [(it["customer"]["S"], int(it["order"]["N"]))
                   for page in pages for it in page["Items"]]
            want = self.expected(
                lambda it: it["status"] == "open",
                key=lambda it: (it["total"], it["customer"], it["order"]))
            if not forward:
                want.reverse()
            self.assertEqual(got, want)
            self.assertEqual(len(set(got)), len(got))

    def test_lsi_query_keys_only_and_fetching_everything(self):
        got = self.table.query(
            IndexName="by-date",
            KeyConditionExpression=Key("customer").eq("c1") &
            Key("placed").begins_with("2024-01-0"))["Items"]
        want = self.expected(
            lambda it: it["customer"] == "c1" and
            it["placed"].startswith("2024-01-0"),
            key=lambda it: (it["placed"], it["order"]))
        self.assertEqual([(it["customer"], int(it["order"])) for it in got],
                         want)
        self.assertEqual(set(got[0]), {"customer", "order", "placed"})
        full = self.table.query(
            IndexName="by-date", Select="ALL_ATTRIBUTES", Limit=1,
            KeyConditionExpression=Key("customer").eq("c1"))
        self.assertIn("secret", full["Items"][0])
        self.assertEqual(set(full["LastEvaluatedKey"]),
                         {"customer", "order", "placed"})

    def test_sparse_index_scan(self):
        items = []
        kwargs = {"IndexName": "by-region", "Limit": 7}
        while True:
            page = self.table.scan(**kwargs)
            items += page["Items"]
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        self.assertEqual(len(items), 48)
        self.assertTrue(all("region" in it for it in items))
        self.assertEqual(set(items[0]),
                         {"customer", "order", "region", "note"})
        eu = self.table.query(IndexName="by-region",
                              KeyConditionExpression=Key("region").eq("eu"),
                              FilterExpression=Attr("note").ne("n2"))
        self.assertEqual(eu["Count"], len(
            [it for it in self.items
             if it.get("region") == "eu" and it["note"] != "n2"]))

    def test_refusals(self):
        with self.assertRaises(ClientError) as ctx:
            self.client.query(
                TableName=self.name, IndexName="by-status",
                ConsistentRead=True, KeyConditionExpression="#s = :s",
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":s": {"S": "open"}})
        self.assertEqual(error_of(ctx), (
            "ValidationException",
            "Consistent reads are not supported on global secondary "
            "indexes"))
        with self.assertRaises(ClientError) as ctx:
            self.client.scan(TableName=self.name, IndexName="by-region",
                             Select="ALL_ATTRIBUTES")
        self.assertEqual(error_of(ctx), (
            "ValidationException",
            "One or more parameter values were invalid: Select type "
            "ALL_ATTRIBUTES is not supported for global secondary index "
            "by-region because its projection type is not ALL"))
        with self.assertRaises(ClientError) as ctx:
            self.client.put_item(TableName=self.name, Item={
                "customer": {"S": "c9"}, "order": {"N": "1"},
                "total": {"S": "ten"}})
        self.assertEqual(error_of(ctx), (
            "ValidationException",
            "One or more parameter values were invalid: Type mismatch for "
            "Index Key total Expected: N Actual: S IndexName: by-status"))
        with self.assertRaises(ClientError) as ctx:
            self.client.query(TableName=self.name, IndexName="missing",
                              KeyConditionExpression="customer = :c",
                              ExpressionAttributeValues={":c": {"S": "c1"}})
        self.assertEqual(error_of(ctx), (
            "ValidationException",
            "The table does not have the specified index: missing"))


class UpdateTableIndexTest(unittest.TestCase):
    def test_add_a_gsi_then_query_it_then_delete_it(self):
        client = make_client()
        table = make_resource().Table("events-" + uuid.uuid4().hex[:12])
        client.create_table(
            TableName=table.name, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id",
                                   "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
        for i in range(25):
            item = {"id": "e%02d" % i, "n": Decimal(i)}
            if i % 2:
                item["kind"] = "odd"
            table.put_item(Item=item)
        resp = client.update_table(
            TableName=table.name,
            AttributeDefinitions=[
                {"AttributeName": "kind", "AttributeType": "S"},
                {"AttributeName": "n", "AttributeType": "N"}],
            GlobalSecondaryIndexUpdates=[{"Create": {
                "IndexName": "by-kind",
                "KeySchema": [{"AttributeName": "kind", "KeyType": "HASH"},
                              {"AttributeName": "n", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}}}])
        names = [g["IndexName"] for g in
                 resp["TableDescription"]["GlobalSecondaryIndexes"]]
        self.assertEqual(names, ["by-kind"])
        waiter_desc = client.describe_table(TableName=table.name)["Table"]
        self.assertEqual(
            waiter_desc["GlobalSecondaryIndexes"][0]["IndexStatus"],
            "ACTIVE")
        table.put_item(Item={"id": "late", "kind": "odd", "n": Decimal(100)})
        got = table.query(IndexName="by-kind",
                          KeyConditionExpression=Key("kind").eq("odd") &
                          Key("n").gt(Decimal(20)),
                          ScanIndexForward=False)["Items"]
        self.assertEqual([it["id"] for it in got],
                         ["late", "e23", "e21"])
        with self.assertRaises(ClientError) as ctx:
            client.update_table(
                TableName=table.name,
                GlobalSecondaryIndexUpdates=[
                    {"Delete": {"IndexName": "by-kind"}},
                    {"Delete": {"IndexName": "other-index"}}])
        self.assertEqual(ctx.exception.response["Error"]["Code"],
                         "LimitExceededException")
        client.update_table(TableName=table.name, GlobalSecondaryIndexUpdates=[
            {"Delete": {"IndexName": "by-kind"}}])
        desc = client.describe_table(TableName=table.name)["Table"]
        self.assertNotIn("GlobalSecondaryIndexes", desc)
        with self.assertRaises(ClientError):
            table.query(IndexName="by-kind",
                        KeyConditionExpression=Key("kind").eq("odd"))


class IndexArnTest(unittest.TestCase):
    """IAM authorizes Query and Scan by index against the index ARN."""

    def test_audit_names_the_index_arn(self):
        if "DYNALAKE" not in os.environ:
            self.skipTest("needs DYNALAKE, the binary")
        tmp = tempfile.mkdtemp(prefix="dynalake-index-")
        log = open(os.path.join(tmp, "server.log"), "w+")
        proc = subprocess.Popen(
            [os.environ["DYNALAKE"], "serve", "--port", "0",
             "--identities", IDENTITIES], stdout=subprocess.PIPE,
            stderr=log, text=True)
        try:
            endpoint = proc.stdout.readline().strip().rsplit(" ", 1)[-1]
            admin = make_client(endpoint=endpoint,
                                key_id="AKIAADMIN0000EXAMPLE",
                                secret="admin-secret-key-example")
            name = "arn-" + uuid.uuid4().hex[:8]
            create_orders(admin, name)
            admin.query(TableName=name, IndexName="by-region",
                        KeyConditionExpression="#r = :r",
                        ExpressionAttributeNames={"#r": "region"},
                        ExpressionAttributeValues={":r": {"S": "eu"}})
            admin.scan(TableName=name, IndexName="by-date")
            admin.scan(TableName=name)
            with urllib.request.urlopen(endpoint + "/_dynalake/audit",
                                        timeout=10) as resp:
                records = json.loads(resp.read())["records"]
            seen = {(r["action"], r["resource"]) for r in records}
            table_arn = "arn:aws:dynamodb:us-east-1:123456789012:table/" + name
            self.assertIn(("dynamodb:Query", table_arn + "/index/by-region"),
                          seen)
            self.assertIn(("dynamodb:Scan", table_arn + "/index/by-date"),
                          seen)
            self.assertIn(("dynamodb:Scan", table_arn), seen)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            proc.stdout.close()
            log.close()


if __name__ == "__main__":
    unittest.main()
