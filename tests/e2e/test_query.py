"""End-to-end Query and Scan tests: boto3 paginators, the Table resource with
Key and Attr conditions, and parallel scan, against a running
`dynalake serve`.

Run by tests/e2e/run with DYNALAKE_ENDPOINT=http://127.0.0.1:PORT under both
boto3 generations (1.26 and 1.43). Standard library unittest only; each test
makes its own uniquely named table.
"""

import os
import unittest
import uuid
from decimal import Decimal

import boto3
from boto3.dynamodb.conditions import Attr, Key
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


def make_client():
    return boto3.client("dynamodb", **_session_kwargs())


def make_resource():
    return boto3.resource("dynamodb", **_session_kwargs())


class QueryScanTest(unittest.TestCase):
    """A table with pk (S) and sk (N): 3 partitions of 40 items each."""

    PARTITIONS = ("alpha", "beta", "gamma")
    PER_PARTITION = 40

    @classmethod
    def setUpClass(cls):
        cls.client = make_client()
        cls.resource = make_resource()
        cls.name = "query-" + uuid.uuid4().hex[:12]
        cls.client.create_table(
            TableName=cls.name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
        )
        cls.table = cls.resource.Table(cls.name)
        # put_item one at a time: BatchWriteItem arrives with its own issue.
        for p in cls.PARTITIONS:
            for i in range(cls.PER_PARTITION):
                cls.table.put_item(
                    Item={
                        "pk": p,
                        "sk": Decimal(i - 20),
                        "name": "item-%s-%02d" % (p, i),
                        "even": i % 2 == 0,
                    }
                )

    @classmethod
    def tearDownClass(cls):
        cls.client.delete_table(TableName=cls.name)

    def test_query_paginator_returns_the_partition_in_order(self):
        pages = self.client.get_paginator("query").paginate(
            TableName=self.name,
            KeyConditionExpression="pk = :p",
            ExpressionAttributeValues={":p": {"S": "beta"}},
            PaginationConfig={"PageSize": 7},
        )
        sks = []
        page_count = 0
        for page in pages:
            page_count += 1
            self.assertLessEqual(page["ScannedCount"], 7)
            sks.extend(int(item["sk"]["N"]) for item in page["Items"])
        self.assertEqual(sks, list(range(-20, 20)))
        self.assertGreaterEqual(page_count, 6)

    def test_query_backward_with_a_range_condition(self):
        out = self.table.query(
            KeyConditionExpression=Key("pk").eq("gamma") & Key("sk").between(-3, 2),
            ScanIndexForward=False,
        )
        self.assertEqual([int(i["sk"]) for i in out["Items"]], [2, 1, 0, -1, -2, -3])
        self.assertEqual(out["Count"], 6)

    def test_table_query_with_a_filter_and_a_projection(self):
        out = self.table.query(
            KeyConditionExpression=Key("pk").eq("alpha") & Key("sk").gte(10),
            FilterExpression=Attr("even").eq(True),
            ProjectionExpression="sk, #n",
            ExpressionAttributeNames={"#n": "name"},
        )
        self.assertEqual(out["ScannedCount"], 10)
        self.assertEqual(out["Count"], 5)
        for item in out["Items"]:
            self.assertEqual(set(item), {"sk", "name"})

    def test_select_count_returns_no_items(self):
        out = self.table.query(
            KeyConditionExpression=Key("pk").eq("alpha"), Select="COUNT"
        )
        self.assertEqual(out["Count"], 40)
        self.assertNotIn("Items", out)

    def test_scan_paginator_returns_every_item_once(self):
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.name,
            FilterExpression="even = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
            PaginationConfig={"PageSize": 9},
        )
        keys = []
        scanned = 0
        for page in pages:
            scanned += page["ScannedCount"]
            keys.extend((i["pk"]["S"], i["sk"]["N"]) for i in page["Items"])
        self.assertEqual(scanned, 120)
        self.assertEqual(len(keys), 60)
        self.assertEqual(len(set(keys)), 60)

    def test_parallel_scan_segments_cover_the_table_exactly(self):
        for total in (1, 2, 5):
            keys = []
            for segment in range(total):
                kwargs = {"Segment": segment, "TotalSegments": total, "Limit": 13}
                while True:
                    out = self.table.scan(**kwargs)
                    keys.extend((i["pk"], int(i["sk"])) for i in out["Items"])
                    if "LastEvaluatedKey" not in out:
                        break
                    kwargs["ExclusiveStartKey"] = out["LastEvaluatedKey"]
            self.assertEqual(len(keys), 120, total)
            self.assertEqual(len(set(keys)), 120, total)

    def test_begins_with_on_a_string_sort_key(self):
        name = "prefix-" + uuid.uuid4().hex[:12]
        self.client.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
        )
        try:
            table = self.resource.Table(name)
            for sk in ("order#2", "order#10", "invoice#1", "order", "orders#1"):
                table.put_item(Item={"pk": "u1", "sk": sk})
            out = table.query(
                KeyConditionExpression=Key("pk").eq("u1")
                & Key("sk").begins_with("order#")
            )
            self.assertEqual([i["sk"] for i in out["Items"]], ["order#10", "order#2"])
        finally:
            self.client.delete_table(TableName=name)

    def test_errors_carry_aws_messages(self):
        cases = [
            (
                dict(Segment=1, TotalSegments=1),
                "The Segment parameter is zero-based and must be less than "
                "parameter TotalSegments: Segment: 1 is not less than "
                "TotalSegments: 1",
            ),
            (
                dict(IndexName="nope"),
                "The table does not have the specified index: nope",
            ),
        ]
        for kwargs, message in cases:
            with self.assertRaises(ClientError) as cm:
                self.client.scan(TableName=self.name, **kwargs)
            err = cm.exception.response["Error"]
            self.assertEqual(err["Code"], "ValidationException")
            self.assertEqual(err["Message"], message)
        with self.assertRaises(ClientError) as cm:
            self.table.query(KeyConditionExpression=Key("pk").eq(1))
        self.assertEqual(
            cm.exception.response["Error"]["Message"],
            "One or more parameter values were invalid: Condition parameter "
            "type does not match schema type",
        )


if __name__ == "__main__":
    unittest.main()
