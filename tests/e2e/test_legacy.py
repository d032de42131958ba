"""End-to-end tests of DynamoDB's legacy parameters through the boto3 client,
as older SDKs and connectors (emr-dynamodb-hadoop, DynamoDBMapper) send
them: KeyConditions, QueryFilter, ScanFilter, AttributesToGet, Expected,
ConditionalOperator and AttributeUpdates, the paginators with legacy
members, and the refusals of legacy and expression members together.

Run by tests/e2e/run with DYNALAKE_ENDPOINT=http://127.0.0.1:PORT under both
boto3 generations (1.26 and 1.43). Standard library unittest only; each class
makes its own uniquely named table.
"""

import os
import unittest
import uuid

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("DYNALAKE_ENDPOINT", "http://127.0.0.1:4566")
REGION = "us-east-1"

MIXING = ("Can not use both expression and non-expression parameters in the "
          "same request: Non-expression parameters: {%s} Expression "
          "parameters: {%s}")


def make_client():
    return boto3.client(
        "dynamodb",
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


def cond(op, *values):
    c = {"ComparisonOperator": op}
    if values:
        c["AttributeValueList"] = list(values)
    return c


def S(v):
    return {"S": v}


def N(v):
    return {"N": str(v)}


class LegacyReadTest(unittest.TestCase):
    """pk (S) and sk (N): partition "p" with sk 1..30, n = sk, and a tag
    "even" or "odd"; every fifth item has no tag."""

    @classmethod
    def setUpClass(cls):
        cls.client = make_client()
        cls.name = "legacy-" + uuid.uuid4().hex[:12]
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
        for i in range(1, 31):
            item = {"pk": S("p"), "sk": N(i), "n": N(i)}
            if i % 5:
                item["tag"] = S("even" if i % 2 == 0 else "odd")
            cls.client.put_item(TableName=cls.name, Item=item)

    @classmethod
    def tearDownClass(cls):
        cls.client.delete_table(TableName=cls.name)

    def sks(self, items):
        return [int(i["sk"]["N"]) for i in items]

    def test_query_key_conditions_and_query_filter(self):
        r = self.client.query(
            TableName=self.name,
            KeyConditions={"pk": cond("EQ", S("p")),
                           "sk": cond("BETWEEN", N(3), N(12))},
            QueryFilter={"tag": cond("EQ", S("odd"))},
        )
        self.assertEqual(self.sks(r["Items"]), [3, 7, 9, 11])
        self.assertEqual(r["ScannedCount"], 10)

    def test_query_paginator_with_key_conditions(self):
        pages = self.client.get_paginator("query").paginate(
            TableName=self.name,
            KeyConditions={"pk": cond("EQ", S("p")),
                           "sk": cond("GT", N(10))},
            ScanIndexForward=False,
            AttributesToGet=["sk"],
            PaginationConfig={"PageSize": 7},
        )
        items = [i for page in pages for i in page["Items"]]
        self.assertEqual(self.sks(items), list(range(30, 10, -1)))
        self.assertTrue(all(set(i) == {"sk"} for i in items))

    def test_scan_filter_or_and_paginator(self):
        pages = self.client.get_paginator("scan").paginate(
            TableName=self.name,
            ScanFilter={"tag": cond("NULL"), "n": cond("LE", N(2))},
            ConditionalOperator="OR",
            PaginationConfig={"PageSize": 4},
        )
        items = [i for page in pages for i in page["Items"]]
        self.assertEqual(sorted(self.sks(items)), [1, 2, 5, 10, 15, 20, 25, 30])

    def test_scan_filter_each_operator(self):
        cases = [
            ({"tag": cond("NOT_NULL"), "n": cond("LT", N(4))}, [1, 2, 3]),
            ({"tag": cond("BEGINS_WITH", S("ev")), "n": cond("GE", N(26))},
             [26, 28]),
            ({"tag": cond("CONTAINS", S("d")), "n": cond("GT", N(25))},
             [27, 29]),
            ({"tag": cond("NOT_CONTAINS", S("d")), "n": cond("IN", N(1), N(2))},
             [2]),
            ({"n": cond("NE", N(1)), "sk": cond("LT", N(3))}, [2]),
            ({"n": cond("EQ", N(17))}, [17]),
        ]
        for scan_filter, want in cases:
            with self.subTest(scan_filter=scan_filter):
                r = self.client.scan(TableName=self.name,
                                     ScanFilter=scan_filter)
                self.assertEqual(sorted(self.sks(r["Items"])), want)

    def test_get_and_batch_get_with_attributes_to_get(self):
        key = {"pk": S("p"), "sk": N(4)}
        r = self.client.get_item(TableName=self.name, Key=key,
                                 AttributesToGet=["tag", "nope"])
        self.assertEqual(r["Item"], {"tag": S("even")})
        r = self.client.batch_get_item(RequestItems={
            self.name: {"Keys": [key], "AttributesToGet": ["n"]}})
        self.assertEqual(r["Responses"][self.name], [{"n": N(4)}])

    def test_mixing_is_refused(self):
        with self.assertRaises(ClientError) as e:
            self.client.scan(TableName=self.name, AttributesToGet=["n"],
                             ProjectionExpression="tag")
        err = e.exception.response["Error"]
        self.assertEqual(err["Code"], "ValidationException")
        self.assertEqual(err["Message"],
                         MIXING % ("AttributesToGet", "ProjectionExpression"))

    def test_key_conditions_with_filter_expression_is_accepted(self):
        r = self.client.query(
            TableName=self.name,
            KeyConditions={"pk": cond("EQ", S("p"))},
            FilterExpression="n < :n",
            ExpressionAttributeValues={":n": N(3)},
        )
        self.assertEqual(self.sks(r["Items"]), [1, 2])

    def test_argument_count_is_checked(self):
        with self.assertRaises(ClientError) as e:
            self.client.scan(TableName=self.name,
                             ScanFilter={"n": cond("BETWEEN", N(1))})
        self.assertEqual(
            e.exception.response["Error"]["Message"],
            "One or more parameter values were invalid: Invalid number of "
            "argument(s) for the BETWEEN ComparisonOperator")


class LegacyWriteTest(unittest.TestCase):
    """pk (S) only; each test writes its own keys."""

    @classmethod
    def setUpClass(cls):
        cls.client = make_client()
        cls.name = "legacyw-" + uuid.uuid4().hex[:12]
        cls.client.create_table(
            TableName=cls.name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk",
                                   "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )

    @classmethod
    def tearDownClass(cls):
        cls.client.delete_table(TableName=cls.name)

    def get(self, pk):
        return self.client.get_item(TableName=self.name, Key={"pk": S(pk)},
                                    ConsistentRead=True).get("Item")

    def assertConditionFails(self, call, **kwargs):
        with self.assertRaises(ClientError) as e:
            call(TableName=self.name, **kwargs)
        self.assertEqual(e.exception.response["Error"]["Code"],
                         "ConditionalCheckFailedException")

    def test_put_if_absent_then_optimistic_lock(self):
        item = {"pk": S("lock"), "version": N(1)}
        self.client.put_item(TableName=self.name, Item=item,
                             Expected={"pk": {"Exists": False}})
        self.assertConditionFails(self.client.put_item, Item=item,
                                  Expected={"pk": {"Exists": False}})
        self.client.put_item(
            TableName=self.name, Item={"pk": S("lock"), "version": N(2)},
            Expected={"version": {"Value": N(1), "Exists": True}})
        self.assertConditionFails(
            self.client.put_item, Item={"pk": S("lock"), "version": N(3)},
            Expected={"version": {"Value": N(1)}})
        self.assertEqual(self.get("lock")["version"], N(2))

    def test_update_with_attribute_updates(self):
        key = {"pk": S("u")}
        r = self.client.update_item(
            TableName=self.name, Key=key,
            AttributeUpdates={
                "name": {"Action": "PUT", "Value": S("first")},
                "count": {"Action": "ADD", "Value": N(3)},
                "tags": {"Action": "ADD", "Value": {"SS": ["a", "b"]}},
                "log": {"Action": "ADD", "Value": {"L": [S("created")]}},
            },
            ReturnValues="ALL_NEW",
        )
        self.assertEqual(r["Attributes"]["count"], N(3))
        self.client.update_item(
            TableName=self.name, Key=key,
            AttributeUpdates={
                "name": {"Action": "DELETE"},
                "count": {"Action": "ADD", "Value": N(-1)},
                "tags": {"Action": "DELETE", "Value": {"SS": ["a"]}},
                "log": {"Action": "ADD", "Value": {"L": [S("updated")]}},
            },
            Expected={"count": cond("EQ", N(3)),
                      "name": cond("BEGINS_WITH", S("fi"))},
            ConditionalOperator="AND",
        )
        self.assertEqual(self.get("u"), {
            "pk": S("u"), "count": N(2), "tags": {"SS": ["b"]},
            "log": {"L": [S("created"), S("updated")]}})
        with self.assertRaises(ClientError) as e:
            self.client.update_item(
                TableName=self.name, Key=key,
                AttributeUpdates={"count": {"Action": "ADD",
                                            "Value": {"SS": ["x"]}}})
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Type mismatch for attribute to update")

    def test_delete_with_expected_or(self):
        self.client.put_item(TableName=self.name,
                             Item={"pk": S("d"), "state": S("open")})
        self.assertConditionFails(
            self.client.delete_item, Key={"pk": S("d")},
            Expected={"state": cond("EQ", S("closed")),
                      "missing": cond("NOT_NULL")})
        self.client.delete_item(
            TableName=self.name, Key={"pk": S("d")},
            Expected={"state": cond("EQ", S("closed")),
                      "missing": cond("NULL")},
            ConditionalOperator="OR")
        self.assertIsNone(self.get("d"))

    def test_conditional_operator_needs_two_conditions(self):
        with self.assertRaises(ClientError) as e:
            self.client.put_item(TableName=self.name, Item={"pk": S("c")},
                                 Expected={"pk": {"Exists": False}},
                                 ConditionalOperator="OR")
        self.assertEqual(
            e.exception.response["Error"]["Message"],
            "ConditionalOperator can only be used when Filter or Expected "
            "has two or more elements")

    def test_mixing_is_refused(self):
        with self.assertRaises(ClientError) as e:
            self.client.update_item(
                TableName=self.name, Key={"pk": S("m")},
                AttributeUpdates={"a": {"Action": "PUT", "Value": S("v")}},
                ConditionExpression="attribute_not_exists(pk)")
        self.assertEqual(
            e.exception.response["Error"]["Message"],
            MIXING % ("AttributeUpdates", "ConditionExpression"))


if __name__ == "__main__":
    unittest.main()
