"""End-to-end DynamoDB tests: boto3 (client and Table resource) against a
running `dynalake serve`.

Run by tests/e2e/run with DYNALAKE_ENDPOINT=http://127.0.0.1:PORT, once under
Debian's python3 (boto3 1.26) and once under the image's python3 (boto3 1.43),
because the two generations sign, checksum and serialise differently.
Standard library unittest only; each test makes its own uniquely named tables.

The expected codes and messages are AWS's (its documentation, and behaviour
recorded by suites that run against AWS); a failure here is a server bug
unless the test says otherwise.
"""

import base64
import os
import re
import unittest
import uuid
from decimal import Decimal

import boto3
import botocore
from boto3.dynamodb.types import Binary
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("DYNALAKE_ENDPOINT", "http://127.0.0.1:4566")
REGION = "us-east-1"
ACCOUNT = "000000000000"
MAX_ITEM_BYTES = 400 * 1024


def _config(**kw):
    return Config(
        region_name=REGION,
        connect_timeout=5,
        read_timeout=30,
        retries={"total_max_attempts": 1},
        **kw,
    )


def make_client(**config):
    return boto3.client(
        "dynamodb",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=_config(**config),
    )


def make_resource():
    return boto3.resource(
        "dynamodb",
        endpoint_url=ENDPOINT,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=_config(),
    )


CLIENT = make_client()
# For requests boto3 itself would refuse (e.g. a two-character table name).
RAW_CLIENT = make_client(parameter_validation=False)
RESOURCE = make_resource()

BOTOCORE_VERSION = tuple(int(x) for x in botocore.__version__.split(".")[:2])


def supports_param(operation, name):
    shape = CLIENT.meta.service_model.operation_model(operation).input_shape
    return name in shape.members


def table_arn(name):
    return "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, name)


def sorted_set(values):
    return sorted(values)


class DynamoTestCase(unittest.TestCase):
    """Shared helpers: unique table names, table creation with cleanup,
    exact error assertions."""

    maxDiff = None

    def unique_name(self, tag=""):
        base = self._testMethodName.replace("test_", "")[:40]
        return "e2e-%s%s-%s" % (base, tag, uuid.uuid4().hex[:8])

    def create_table(self, hash_key=("pk", "S"), range_key=None, name=None,
                     provisioned=None, **extra):
        """Create a table (PAY_PER_REQUEST unless provisioned=(r, w)),
        wait for it and delete it when the test ends. Returns its name."""
        name = name or self.unique_name()
        attrs = [{"AttributeName": hash_key[0], "AttributeType": hash_key[1]}]
        keys = [{"AttributeName": hash_key[0], "KeyType": "HASH"}]
        if range_key:
            attrs.append({"AttributeName": range_key[0],
                          "AttributeType": range_key[1]})
            keys.append({"AttributeName": range_key[0], "KeyType": "RANGE"})
        args = dict(TableName=name, AttributeDefinitions=attrs,
                    KeySchema=keys, **extra)
        if provisioned:
            args["BillingMode"] = "PROVISIONED"
            args["ProvisionedThroughput"] = {
                "ReadCapacityUnits": provisioned[0],
                "WriteCapacityUnits": provisioned[1]}
        else:
            args["BillingMode"] = "PAY_PER_REQUEST"
        resp = CLIENT.create_table(**args)
        self.addCleanup(self._drop_table, name)
        CLIENT.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        self.last_create_response = resp
        return name

    @staticmethod
    def _drop_table(name):
        try:
            CLIENT.delete_table(TableName=name)
        except ClientError as e:
            if e.response["Error"]["Code"] != "ResourceNotFoundException":
                raise

    def assert_error(self, ctx, code, message=None, message_re=None,
                     status=400):
        """ctx is the assertRaises context; checks the AWS error code, the
        HTTP status and the exact message (or a regex)."""
        err = ctx.exception
        self.assertIsInstance(err, ClientError)
        got_code = err.response["Error"]["Code"]
        got_msg = err.response["Error"].get("Message")
        self.assertEqual(got_code, code, "message was: %r" % got_msg)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"],
                         status)
        if message is not None:
            self.assertEqual(got_msg, message)
        if message_re is not None:
            self.assertRegex(got_msg, message_re)
        return err


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

class TableTests(DynamoTestCase):

    def test_create_hash_table_on_demand_and_describe(self):
        name = self.create_table(("pk", "S"))
        created = self.last_create_response["TableDescription"]
        self.assertEqual(created["TableName"], name)
        self.assertIn(created["TableStatus"], ("CREATING", "ACTIVE"))
        self.assertEqual(created["TableArn"], table_arn(name))

        desc = CLIENT.describe_table(TableName=name)["Table"]
        self.assertEqual(desc["TableName"], name)
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        self.assertEqual(desc["TableArn"], table_arn(name))
        self.assertEqual(desc["KeySchema"],
                         [{"AttributeName": "pk", "KeyType": "HASH"}])
        self.assertEqual(desc["AttributeDefinitions"],
                         [{"AttributeName": "pk", "AttributeType": "S"}])
        self.assertEqual(desc["ItemCount"], 0)
        self.assertEqual(desc["TableSizeBytes"], 0)
        self.assertEqual(desc["BillingModeSummary"]["BillingMode"],
                         "PAY_PER_REQUEST")
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"], 0)
        self.assertEqual(desc["ProvisionedThroughput"]["WriteCapacityUnits"], 0)
        self.assertRegex(desc["TableId"],
                         r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                         r"[0-9a-f]{4}-[0-9a-f]{12}$")
        self.assertIn("CreationDateTime", desc)
        self.assertNotIn("LatestStreamArn", desc)

    def test_create_hash_range_provisioned_with_number_and_binary_keys(self):
        name = self.create_table(("id", "N"), ("blob", "B"), provisioned=(5, 7))
        desc = CLIENT.describe_table(TableName=name)["Table"]
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        self.assertEqual(desc["KeySchema"], [
            {"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "blob", "KeyType": "RANGE"}])
        self.assertEqual(
            sorted(desc["AttributeDefinitions"],
                   key=lambda a: a["AttributeName"]),
            [{"AttributeName": "blob", "AttributeType": "B"},
             {"AttributeName": "id", "AttributeType": "N"}])
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"], 5)
        self.assertEqual(desc["ProvisionedThroughput"]["WriteCapacityUnits"], 7)
        if "BillingModeSummary" in desc:
            self.assertEqual(desc["BillingModeSummary"]["BillingMode"],
                             "PROVISIONED")

        # Number and binary keys work for items.
        CLIENT.put_item(TableName=name, Item={
            "id": {"N": "42"}, "blob": {"B": b"\x00\xff"},
            "v": {"S": "x"}})
        got = CLIENT.get_item(TableName=name, ConsistentRead=True, Key={
            "id": {"N": "42.0"}, "blob": {"B": b"\x00\xff"}})
        self.assertEqual(got["Item"], {
            "id": {"N": "42"}, "blob": {"B": b"\x00\xff"}, "v": {"S": "x"}})

    def test_resource_api_creates_and_describes_table(self):
        name = self.unique_name()
        table = RESOURCE.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "user", "KeyType": "HASH"},
                       {"AttributeName": "ts", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "user", "AttributeType": "S"},
                {"AttributeName": "ts", "AttributeType": "N"}],
            BillingMode="PAY_PER_REQUEST")
        self.addCleanup(self._drop_table, name)
        table.wait_until_exists()
        table.reload()
        self.assertEqual(table.table_status, "ACTIVE")
        self.assertEqual(table.table_arn, table_arn(name))
        self.assertEqual(table.item_count, 0)
        self.assertEqual(table.key_schema, [
            {"AttributeName": "user", "KeyType": "HASH"},
            {"AttributeName": "ts", "KeyType": "RANGE"}])
        table.put_item(Item={"user": "ann", "ts": 1, "msg": "hi"})
        self.assertEqual(
            table.get_item(Key={"user": "ann", "ts": 1})["Item"],
            {"user": "ann", "ts": Decimal(1), "msg": "hi"})
        table.delete()
        table.wait_until_not_exists()

    def test_duplicate_create_is_resource_in_use(self):
        name = self.create_table()
        with self.assertRaises(ClientError) as ctx:
            CLIENT.create_table(
                TableName=name, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        self.assert_error(ctx, "ResourceInUseException",
                          "Table already exists: %s" % name)

    def test_delete_table_then_not_found(self):
        name = self.create_table()
        resp = CLIENT.delete_table(TableName=name)
        desc = resp["TableDescription"]
        self.assertEqual(desc["TableName"], name)
        self.assertEqual(desc["TableArn"], table_arn(name))
        self.assertIn(desc["TableStatus"], ("DELETING", "ACTIVE"))
        CLIENT.get_waiter("table_not_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        with self.assertRaises(ClientError) as ctx:
            CLIENT.describe_table(TableName=name)
        self.assert_error(ctx, "ResourceNotFoundException",
                          "Requested resource not found: Table: %s not found"
                          % name)
        with self.assertRaises(ClientError) as ctx:
            CLIENT.delete_table(TableName=name)
        self.assert_error(ctx, "ResourceNotFoundException",
                          "Requested resource not found: Table: %s not found"
                          % name)
        with self.assertRaises(ClientError) as ctx:
            CLIENT.put_item(TableName=name, Item={"pk": {"S": "a"}})
        self.assert_error(ctx, "ResourceNotFoundException",
                          "Requested resource not found")
        self.assertNotIn(name, list_all_tables())

    def test_list_tables_pages_with_limit(self):
        prefix = self.unique_name()
        names = [self.create_table(name="%s-%d" % (prefix, i))
                 for i in range(3)]
        # The prefix itself sorts just before our names (it need not exist).
        start = prefix
        seen, pages = [], 0
        kwargs = {"Limit": 2, "ExclusiveStartTableName": start}
        while pages < 50:
            resp = CLIENT.list_tables(**kwargs)
            pages += 1
            self.assertLessEqual(len(resp["TableNames"]), 2)
            seen.extend(resp["TableNames"])
            if "LastEvaluatedTableName" not in resp:
                break
            self.assertEqual(resp["LastEvaluatedTableName"],
                             resp["TableNames"][-1])
            kwargs["ExclusiveStartTableName"] = resp["LastEvaluatedTableName"]
        ours = [n for n in seen if n.startswith(prefix)]
        self.assertEqual(ours, names)
        self.assertEqual(seen, sorted(seen))
        # First page: exactly two of ours and a continuation token.
        first = CLIENT.list_tables(Limit=2, ExclusiveStartTableName=start)
        self.assertEqual(first["TableNames"], names[:2])
        self.assertEqual(first["LastEvaluatedTableName"], names[1])
        second = CLIENT.list_tables(Limit=1, ExclusiveStartTableName=names[1])
        self.assertEqual(second["TableNames"], names[2:3])

    def test_list_tables_paginator_sees_every_table(self):
        names = [self.create_table(name=self.unique_name("-%d" % i))
                 for i in range(3)]
        paginator = CLIENT.get_paginator("list_tables")
        pages = list(paginator.paginate(PaginationConfig={"PageSize": 1}))
        for page in pages[:-1]:
            self.assertEqual(len(page["TableNames"]), 1)
        all_names = [n for p in pages for n in p["TableNames"]]
        self.assertEqual(all_names, sorted(all_names))
        self.assertEqual(len(all_names), len(set(all_names)))
        for n in names:
            self.assertIn(n, all_names)
        # The resource collection goes through the same pagination.
        res_names = [t.name for t in RESOURCE.tables.page_size(2)]
        for n in names:
            self.assertIn(n, res_names)

    def test_update_table_billing_mode(self):
        name = self.create_table()
        resp = CLIENT.update_table(
            TableName=name, BillingMode="PROVISIONED",
            ProvisionedThroughput={"ReadCapacityUnits": 3,
                                   "WriteCapacityUnits": 4})
        self.assertEqual(resp["TableDescription"]["TableName"], name)
        CLIENT.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
        desc = CLIENT.describe_table(TableName=name)["Table"]
        self.assertEqual(desc["TableStatus"], "ACTIVE")
        self.assertEqual(desc["BillingModeSummary"]["BillingMode"],
                         "PROVISIONED")
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"], 3)
        self.assertEqual(desc["ProvisionedThroughput"]["WriteCapacityUnits"], 4)

        # Throughput alone on a provisioned table.
        CLIENT.update_table(
            TableName=name,
            ProvisionedThroughput={"ReadCapacityUnits": 6,
                                   "WriteCapacityUnits": 8})
        desc = CLIENT.describe_table(TableName=name)["Table"]
        self.assertEqual(desc["ProvisionedThroughput"]["ReadCapacityUnits"], 6)
        self.assertEqual(desc["ProvisionedThroughput"]["WriteCapacityUnits"], 8)

    def test_update_table_enables_stream_once(self):
        name = self.create_table()
        resp = CLIENT.update_table(
            TableName=name,
            StreamSpecification={"StreamEnabled": True,
                                 "StreamViewType": "NEW_AND_OLD_IMAGES"})
        td = resp["TableDescription"]
        self.assertEqual(td["StreamSpecification"],
                         {"StreamEnabled": True,
                          "StreamViewType": "NEW_AND_OLD_IMAGES"})
        self.assertTrue(td["LatestStreamArn"].startswith(
            table_arn(name) + "/stream/"), td["LatestStreamArn"])
        self.assertEqual(td["LatestStreamArn"],
                         table_arn(name) + "/stream/" + td["LatestStreamLabel"])
        desc = CLIENT.describe_table(TableName=name)["Table"]
        self.assertEqual(desc["LatestStreamArn"], td["LatestStreamArn"])
        self.assertEqual(desc["StreamSpecification"]["StreamViewType"],
                         "NEW_AND_OLD_IMAGES")

        with self.assertRaises(ClientError) as ctx:
            CLIENT.update_table(
                TableName=name,
                StreamSpecification={"StreamEnabled": True,
                                     "StreamViewType": "KEYS_ONLY"})
        self.assert_error(ctx, "ValidationException",
                          "Table already has an enabled stream: TableName: %s"
                          % name)

    def test_create_table_with_stream(self):
        name = self.create_table(StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        desc = CLIENT.describe_table(TableName=name)["Table"]
        self.assertEqual(desc["StreamSpecification"],
                         {"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
        self.assertTrue(desc["LatestStreamArn"].startswith(
            table_arn(name) + "/stream/"))

    def test_point_in_time_recovery_is_kept_per_table(self):
        name = self.create_table(("pk", "S"))
        desc = CLIENT.describe_continuous_backups(TableName=name)[
            "ContinuousBackupsDescription"]
        self.assertEqual(desc, {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {
                "PointInTimeRecoveryStatus": "DISABLED"}})
        spec = {"PointInTimeRecoveryEnabled": True}
        model = CLIENT.meta.service_model.shape_for(
            "PointInTimeRecoverySpecification")
        if "RecoveryPeriodInDays" in model.members:  # botocore >= 1.36
            spec["RecoveryPeriodInDays"] = 7
        on = CLIENT.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification=spec)[
            "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        self.assertEqual(on["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertLessEqual(on["EarliestRestorableDateTime"],
                             on["LatestRestorableDateTime"])
        again = CLIENT.describe_continuous_backups(TableName=name)[
            "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        self.assertEqual(again["PointInTimeRecoveryStatus"], "ENABLED")
        self.assertEqual(again["EarliestRestorableDateTime"],
                         on["EarliestRestorableDateTime"])
        if "RecoveryPeriodInDays" in spec:
            self.assertEqual(again["RecoveryPeriodInDays"], 7)
        # The setting is the table's own: DescribeTable does not show it,
        # and it survives an UpdateTable.
        CLIENT.update_table(TableName=name, BillingMode="PROVISIONED",
                            ProvisionedThroughput={"ReadCapacityUnits": 1,
                                                   "WriteCapacityUnits": 1})
        table = CLIENT.describe_table(TableName=name)["Table"]
        self.assertNotIn("PointInTimeRecoveryDescription", table)
        self.assertEqual(CLIENT.describe_continuous_backups(TableName=name)[
            "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
            ["PointInTimeRecoveryStatus"], "ENABLED")
        CLIENT.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": False})
        self.assertEqual(CLIENT.describe_continuous_backups(TableName=name)[
            "ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"],
            {"PointInTimeRecoveryStatus": "DISABLED"})

    def test_continuous_backups_of_a_missing_table(self):
        for call in (lambda: CLIENT.describe_continuous_backups(
                         TableName="e2e-no-such-table"),
                     lambda: CLIENT.update_continuous_backups(
                         TableName="e2e-no-such-table",
                         PointInTimeRecoverySpecification={
                             "PointInTimeRecoveryEnabled": True})):
            with self.assertRaises(ClientError) as ctx:
                call()
            self.assert_error(ctx, "TableNotFoundException",
                              "Table not found: e2e-no-such-table")

    def test_describe_missing_table(self):
        name = self.unique_name()
        with self.assertRaises(ClientError) as ctx:
            CLIENT.describe_table(TableName=name)
        self.assert_error(ctx, "ResourceNotFoundException",
                          "Requested resource not found: Table: %s not found"
                          % name)

    def test_table_name_too_short(self):
        with self.assertRaises(ClientError) as ctx:
            RAW_CLIENT.create_table(
                TableName="ab", BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[
                    {"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        self.assert_error(
            ctx, "ValidationException",
            "1 validation error detected: Value 'ab' at 'tableName' failed to "
            "satisfy constraint: Member must have length greater than or "
            "equal to 3")

    def test_create_table_key_not_in_attribute_definitions(self):
        with self.assertRaises(ClientError) as ctx:
            CLIENT.create_table(
                TableName=self.unique_name(), BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[
                    {"AttributeName": "other", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        self.assert_error(
            ctx, "ValidationException",
            "One or more parameter values were invalid: Some index key "
            "attributes are not defined in AttributeDefinitions. Keys: [pk], "
            "AttributeDefinitions: [other]")

    def test_create_table_billing_mode_and_throughput_disagree(self):
        base = dict(
            AttributeDefinitions=[{"AttributeName": "pk",
                                   "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        with self.assertRaises(ClientError) as ctx:
            CLIENT.create_table(TableName=self.unique_name("-a"),
                                BillingMode="PROVISIONED", **base)
        self.assert_error(
            ctx, "ValidationException",
            "One or more parameter values were invalid: ReadCapacityUnits and "
            "WriteCapacityUnits must both be specified when BillingMode is "
            "PROVISIONED")
        with self.assertRaises(ClientError) as ctx:
            CLIENT.create_table(
                TableName=self.unique_name("-b"),
                BillingMode="PAY_PER_REQUEST",
                ProvisionedThroughput={"ReadCapacityUnits": 1,
                                       "WriteCapacityUnits": 1}, **base)
        self.assert_error(
            ctx, "ValidationException",
            "One or more parameter values were invalid: Neither "
            "ReadCapacityUnits nor WriteCapacityUnits can be specified when "
            "BillingMode is PAY_PER_REQUEST")


def list_all_tables():
    names = []
    for page in CLIENT.get_paginator("list_tables").paginate():
        names.extend(page["TableNames"])
    return names


# --------------------------------------------------------------------------
# Items: round trips
# --------------------------------------------------------------------------

class ItemRoundTripTests(DynamoTestCase):

    def setUp(self):
        self.table = self.create_table(("pk", "S"))

    def put_get(self, item):
        CLIENT.put_item(TableName=self.table, Item=item)
        return CLIENT.get_item(TableName=self.table, Key={"pk": item["pk"]},
                               ConsistentRead=True).get("Item")

    def test_every_attribute_value_type_round_trips(self):
        item = {
            "pk": {"S": "every-type"},
            "s": {"S": "hello"},
            "n": {"N": "-123.456"},
            "b": {"B": b"\x00\x01\xfe\xff"},
            "ss": {"SS": ["b", "a", "c"]},
            "ns": {"NS": ["3", "-1", "2.5"]},
            "bs": {"BS": [b"\x01", b"\x00\xff"]},
            "m": {"M": {"inner": {"M": {"deep": {"S": "x"},
                                        "nums": {"L": [{"N": "1"}]}}},
                        "flag": {"BOOL": False}}},
            "l": {"L": [{"S": "a"}, {"N": "1"}, {"L": [{"NULL": True}]},
                        {"M": {"k": {"SS": ["v"]}}}, {"B": b"z"}]},
            "null": {"NULL": True},
            "t": {"BOOL": True},
            "f": {"BOOL": False},
            "empty_s": {"S": ""},
            "empty_b": {"B": b""},
            "empty_m": {"M": {}},
            "empty_l": {"L": []},
        }
        got = self.put_get(item)
        self.assertIsNotNone(got)
        for set_attr in ("ss", "ns", "bs"):
            kind = set_attr.upper()
            self.assertEqual(sorted_set(got[set_attr][kind]),
                             sorted_set(item[set_attr][kind]), set_attr)
        strip = lambda d: {k: v for k, v in d.items()  # noqa: E731
                           if k not in ("ss", "ns", "bs")}
        self.assertEqual(strip(got), strip(item))

    def test_numbers_come_back_canonical(self):
        cases = [
            ("1.50", "1.5"),
            ("0001", "1"),
            ("-0", "0"),
            ("0.000", "0"),
            ("1.5E2", "150"),
            ("1e3", "1000"),
            ("-2.50e-3", "-0.0025"),
            ("12345678901234567890123456789012345678",
             "12345678901234567890123456789012345678"),
            ("-99999999999999999999999999999999999999",
             "-99999999999999999999999999999999999999"),
            ("0.12345678901234567890123456789012345678",
             "0.12345678901234567890123456789012345678"),
            ("1E-130", "0." + "0" * 129 + "1"),
            ("-1E-130", "-0." + "0" * 129 + "1"),
            ("9.9999999999999999999999999999999999999E+125",
             "9" * 38 + "0" * 88),
            ("100", "100"),
        ]
        item = {"pk": {"S": "numbers"}}
        for i, (given, _) in enumerate(cases):
            item["n%d" % i] = {"N": given}
        got = self.put_get(item)
        for i, (given, want) in enumerate(cases):
            self.assertEqual(got["n%d" % i], {"N": want}, "input %s" % given)

    def test_number_set_members_are_canonical(self):
        got = self.put_get({"pk": {"S": "ns"},
                            "ns": {"NS": ["1.0", "2.50", "-0.10"]}})
        self.assertEqual(sorted(got["ns"]["NS"]), sorted(["1", "2.5", "-0.1"]))

    def test_resource_api_keeps_decimals_exactly(self):
        table = RESOURCE.Table(self.table)
        values = {
            "pi": Decimal("3.1415926535897932384626433832795028841"),
            "big": Decimal("12345678901234567890123456789012345678"),
            "neg": Decimal("-0.000001"),
            "tiny": Decimal("1E-130"),
            "neg_tiny": Decimal("-1E-130"),
            "int": 42,
            "money": Decimal("19.99"),
        }
        table.put_item(Item=dict(pk="decimals", **values))
        got = table.get_item(Key={"pk": "decimals"}, ConsistentRead=True)["Item"]
        for k, v in values.items():
            self.assertIsInstance(got[k], Decimal, k)
            self.assertEqual(got[k], Decimal(v), k)
        self.assertEqual(str(got["money"]), "19.99")
        self.assertEqual(str(got["int"]), "42")

    def test_resource_api_round_trips_python_types(self):
        table = RESOURCE.Table(self.table)
        item = {
            "pk": "py-types",
            "s": "text",
            "n": Decimal("7"),
            "b": Binary(b"\x00bytes\xff"),
            "ss": {"x", "y"},
            "ns": {Decimal("1"), Decimal("2.5")},
            "bs": {Binary(b"a"), Binary(b"b")},
            "m": {"nested": {"list": [Decimal("1"), "two", None, True]}},
            "l": [{"a": Decimal("1")}, ["inner"], set(["s"])],
            "none": None,
            "yes": True,
            "no": False,
        }
        table.put_item(Item=item)
        got = table.get_item(Key={"pk": "py-types"}, ConsistentRead=True)["Item"]
        self.assertEqual(got, item)

    def test_binary_bytes_round_trip(self):
        every_byte = bytes(range(256))
        got = self.put_get({"pk": {"S": "bin"}, "b": {"B": every_byte},
                            "bs": {"BS": [every_byte, b"\x00"]}})
        self.assertEqual(got["b"], {"B": every_byte})
        self.assertEqual(sorted(got["bs"]["BS"]), sorted([every_byte, b"\x00"]))
        table = RESOURCE.Table(self.table)
        got = table.get_item(Key={"pk": "bin"})["Item"]
        self.assertEqual(got["b"], Binary(every_byte))
        self.assertEqual(got["b"].value, every_byte)

    def test_non_ascii_strings_round_trip(self):
        text = "h\u00e9llo w\u00f6rld \u2713 \u65e5\u672c\u8a9e \U0001f389"
        item = {"pk": {"S": "k\u00eby-\u2603"},
                "s": {"S": text},
                "\u00e4ttr": {"S": "attribute name with umlaut"},
                "m": {"M": {"\u043a\u043b\u044e\u0447": {"S": text}}},
                "ss": {"SS": [text, "\u00e9"]}}
        got = self.put_get(item)
        self.assertEqual(got["pk"], item["pk"])
        self.assertEqual(got["s"], item["s"])
        self.assertEqual(got["\u00e4ttr"], item["\u00e4ttr"])
        self.assertEqual(got["m"], item["m"])
        self.assertEqual(sorted(got["ss"]["SS"]), sorted(item["ss"]["SS"]))

    def test_get_missing_item_has_no_item_key(self):
        resp = CLIENT.get_item(TableName=self.table, Key={"pk": {"S": "nope"}})
        self.assertNotIn("Item", resp)
        resp = RESOURCE.Table(self.table).get_item(Key={"pk": "nope"})
        self.assertNotIn("Item", resp)

    def test_put_replaces_whole_item(self):
        self.put_get({"pk": {"S": "r"}, "a": {"S": "1"}, "b": {"S": "2"}})
        got = self.put_get({"pk": {"S": "r"}, "c": {"S": "3"}})
        self.assertEqual(got, {"pk": {"S": "r"}, "c": {"S": "3"}})

    def test_item_exactly_at_400kb_is_accepted(self):
        # Size = UTF-8 lengths of names + values: "pk"+"x" + "d"+value.
        value = "v" * (MAX_ITEM_BYTES - len("pk") - len("x") - len("d"))
        CLIENT.put_item(TableName=self.table,
                        Item={"pk": {"S": "x"}, "d": {"S": value}})
        got = CLIENT.get_item(TableName=self.table, Key={"pk": {"S": "x"}})
        self.assertEqual(len(got["Item"]["d"]["S"]), len(value))


class CompositeKeyTests(DynamoTestCase):

    def setUp(self):
        self.table = self.create_table(("pk", "S"), ("sk", "N"))

    def test_items_are_addressed_by_both_keys(self):
        for sk in ("1", "2", "10"):
            CLIENT.put_item(TableName=self.table, Item={
                "pk": {"S": "p"}, "sk": {"N": sk}, "v": {"S": "v" + sk}})
        got = CLIENT.get_item(TableName=self.table, ConsistentRead=True, Key={
            "pk": {"S": "p"}, "sk": {"N": "2"}})
        self.assertEqual(got["Item"], {"pk": {"S": "p"}, "sk": {"N": "2"},
                                       "v": {"S": "v2"}})
        # 10.0 is the same number as 10.
        got = CLIENT.get_item(TableName=self.table, Key={
            "pk": {"S": "p"}, "sk": {"N": "1.0E1"}})
        self.assertEqual(got["Item"]["v"], {"S": "v10"})
        CLIENT.delete_item(TableName=self.table,
                           Key={"pk": {"S": "p"}, "sk": {"N": "1"}})
        self.assertNotIn("Item", CLIENT.get_item(
            TableName=self.table, Key={"pk": {"S": "p"}, "sk": {"N": "1"}}))
        self.assertIn("Item", CLIENT.get_item(
            TableName=self.table, Key={"pk": {"S": "p"}, "sk": {"N": "2"}}))

    def test_get_with_only_hash_key_is_rejected(self):
        with self.assertRaises(ClientError) as ctx:
            CLIENT.get_item(TableName=self.table, Key={"pk": {"S": "p"}})
        self.assert_error(ctx, "ValidationException",
                          "The provided key element does not match the schema")

    def test_put_without_range_key_is_rejected(self):
        with self.assertRaises(ClientError) as ctx:
            CLIENT.put_item(TableName=self.table, Item={"pk": {"S": "p"}})
        self.assert_error(ctx, "ValidationException",
                          "One or more parameter values were invalid: "
                          "Missing the key sk in the item")


# --------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------

class ExpressionTests(DynamoTestCase):

    def setUp(self):
        self.table = self.create_table(("pk", "S"))
        self.res = RESOURCE.Table(self.table)

    def get(self, pk):
        return self.res.get_item(Key={"pk": pk}, ConsistentRead=True).get("Item")

    def test_projection_with_nested_paths(self):
        self.res.put_item(Item={
            "pk": "proj", "a": "A", "b": "B",
            "m": {"x": {"y": "deep", "z": 1}, "w": 2},
            "l": ["l0", {"leaf": "l1"}, "l2"],
            "name": "reserved word attr"})
        resp = CLIENT.get_item(
            TableName=self.table, Key={"pk": {"S": "proj"}},
            ProjectionExpression="a, m.x.y, l[1].leaf, l[2], #n, absent_attr",
            ExpressionAttributeNames={"#n": "name"})
        self.assertEqual(resp["Item"], {
            "a": {"S": "A"},
            "m": {"M": {"x": {"M": {"y": {"S": "deep"}}}}},
            "l": {"L": [{"M": {"leaf": {"S": "l1"}}}, {"S": "l2"}]},
            "name": {"S": "reserved word attr"}})
        # Resource API: same projection, Python values.
        got = self.res.get_item(Key={"pk": "proj"},
                                ProjectionExpression="#m.#x",
                                ExpressionAttributeNames={"#m": "m", "#x": "x"})
        self.assertEqual(got["Item"], {"m": {"x": {"y": "deep",
                                                   "z": Decimal(1)}}})
        # Projecting only absent attributes gives an empty Item.
        resp = CLIENT.get_item(TableName=self.table, Key={"pk": {"S": "proj"}},
                               ProjectionExpression="nothing")
        self.assertEqual(resp.get("Item"), {})

    def test_put_if_absent(self):
        args = dict(TableName=self.table,
                    Item={"pk": {"S": "once"}, "v": {"N": "1"}},
                    ConditionExpression="attribute_not_exists(pk)")
        CLIENT.put_item(**args)
        args["Item"] = {"pk": {"S": "once"}, "v": {"N": "2"}}
        with self.assertRaises(ClientError) as ctx:
            CLIENT.put_item(**args)
        err = self.assert_error(ctx, "ConditionalCheckFailedException",
                                "The conditional request failed")
        self.assertNotIn("Item", err.response)
        self.assertIsInstance(
            err, CLIENT.exceptions.ConditionalCheckFailedException)
        self.assertEqual(self.get("once")["v"], 1)

    @unittest.skipUnless(
        supports_param("PutItem", "ReturnValuesOnConditionCheckFailure"),
        "this botocore predates ReturnValuesOnConditionCheckFailure")
    def test_condition_failure_returns_old_item(self):
        CLIENT.put_item(TableName=self.table,
                        Item={"pk": {"S": "rv"}, "v": {"N": "1"}})
        for op, kwargs in (
                ("put_item", {"Item": {"pk": {"S": "rv"}, "v": {"N": "2"}}}),
                ("update_item", {"Key": {"pk": {"S": "rv"}},
                                 "UpdateExpression": "SET v = :two",
                                 "ExpressionAttributeValues": {
                                     ":two": {"N": "2"}}}),
                ("delete_item", {"Key": {"pk": {"S": "rv"}}})):
            with self.subTest(op=op):
                with self.assertRaises(ClientError) as ctx:
                    getattr(CLIENT, op)(
                        TableName=self.table,
                        ConditionExpression="attribute_not_exists(pk)",
                        ReturnValuesOnConditionCheckFailure="ALL_OLD",
                        **kwargs)
                err = self.assert_error(ctx, "ConditionalCheckFailedException",
                                        "The conditional request failed")
                self.assertEqual(err.response.get("Item"),
                                 {"pk": {"S": "rv"}, "v": {"N": "1"}})
        # NONE: no Item in the error.
        with self.assertRaises(ClientError) as ctx:
            CLIENT.put_item(TableName=self.table,
                            Item={"pk": {"S": "rv"}},
                            ConditionExpression="attribute_not_exists(pk)",
                            ReturnValuesOnConditionCheckFailure="NONE")
        err = self.assert_error(ctx, "ConditionalCheckFailedException")
        self.assertNotIn("Item", err.response)

    def test_condition_expression_functions_and_operators(self):
        self.res.put_item(Item={
            "pk": "cond", "n": 5, "s": "prefix-value", "ss": {"a", "b"},
            "l": [1, 2, 3], "m": {"k": "v"}, "nul": None})
        passing = [
            ("n = :five", {":five": 5}),
            ("n <> :six", {":six": 6}),
            ("n BETWEEN :a AND :b", {":a": 1, ":b": 5}),
            ("n IN (:a, :b, :c)", {":a": 1, ":b": 5, ":c": 9}),
            ("begins_with(s, :p)", {":p": "prefix"}),
            ("contains(ss, :e)", {":e": "a"}),
            ("contains(s, :e)", {":e": "-val"}),
            ("size(l) = :three", {":three": 3}),
            ("size(s) > :three", {":three": 3}),
            ("attribute_type(m, :t)", {":t": "M"}),
            ("attribute_type(nul, :t)", {":t": "NULL"}),
            ("attribute_exists(m.k) AND attribute_not_exists(m.j)", None),
            ("NOT (n < :z) AND (s >= :p OR n > :z)", {":z": 0, ":p": "a"}),
            ("l[1] = :two", {":two": 2}),
            ("m.k = :v", {":v": "v"}),
        ]
        for i, (expr, values) in enumerate(passing):
            with self.subTest(expr=expr):
                kwargs = dict(Key={"pk": "cond"},
                              UpdateExpression="SET touched = :i",
                              ConditionExpression=expr)
                vals = {":i": i}
                vals.update(values or {})
                kwargs["ExpressionAttributeValues"] = vals
                self.res.update_item(**kwargs)
                self.assertEqual(self.get("cond")["touched"], i)
        failing = [
            ("n = :six", {":six": 6}),
            ("n = :s", {":s": "5"}),   # different type never equal
            ("begins_with(s, :p)", {":p": "value"}),
            ("attribute_exists(nothing)", None),
            ("attribute_type(n, :t)", {":t": "S"}),
            ("absent_attr < :z", {":z": 1}),
        ]
        for expr, values in failing:
            with self.subTest(expr=expr):
                kwargs = dict(Key={"pk": "cond"},
                              UpdateExpression="SET touched = :neg",
                              ConditionExpression=expr)
                vals = {":neg": -1}
                vals.update(values or {})
                kwargs["ExpressionAttributeValues"] = vals
                with self.assertRaises(ClientError) as ctx:
                    self.res.update_item(**kwargs)
                self.assert_error(ctx, "ConditionalCheckFailedException",
                                  "The conditional request failed")
        self.assertNotEqual(self.get("cond")["touched"], -1)

    def test_update_set_arithmetic(self):
        self.res.put_item(Item={"pk": "arith", "n": 10, "f": Decimal("0.1")})
        resp = self.res.update_item(
            Key={"pk": "arith"},
            UpdateExpression="SET n = n + :one, m = :hundred - n, "
                             "f = f + :tenth",
            ExpressionAttributeValues={":one": 1, ":hundred": 100,
                                       ":tenth": Decimal("0.2")},
            ReturnValues="ALL_NEW")
        # Both right-hand sides read the item before the update.
        self.assertEqual(resp["Attributes"], {
            "pk": "arith", "n": 11, "m": 90, "f": Decimal("0.3")})

    def test_update_counter_with_if_not_exists(self):
        for expected in (1, 2, 3):
            resp = self.res.update_item(
                Key={"pk": "counter"},
                UpdateExpression="SET c = if_not_exists(c, :zero) + :one",
                ExpressionAttributeValues={":zero": 0, ":one": 1},
                ReturnValues="UPDATED_NEW")
            self.assertEqual(resp["Attributes"], {"c": expected})
        # if_not_exists keeps an existing value.
        self.res.update_item(
            Key={"pk": "counter"},
            UpdateExpression="SET c = if_not_exists(c, :x), d = "
                             "if_not_exists(d, :x)",
            ExpressionAttributeValues={":x": 99})
        got = self.get("counter")
        self.assertEqual((got["c"], got["d"]), (3, 99))

    def test_update_list_append(self):
        self.res.update_item(
            Key={"pk": "list"},
            UpdateExpression="SET l = list_append(if_not_exists(l, :empty), "
                             ":tail)",
            ExpressionAttributeValues={":empty": [], ":tail": ["a", "b"]})
        self.res.update_item(
            Key={"pk": "list"},
            UpdateExpression="SET l = list_append(:head, l)",
            ExpressionAttributeValues={":head": [0]})
        self.res.update_item(
            Key={"pk": "list"},
            UpdateExpression="SET l = list_append(l, :more)",
            ExpressionAttributeValues={":more": [{"m": 1}, ["x"]]})
        self.assertEqual(self.get("list")["l"],
                         [0, "a", "b", {"m": 1}, ["x"]])

    def test_update_remove(self):
        self.res.put_item(Item={"pk": "rm", "a": 1, "b": 2,
                                "m": {"x": 1, "y": 2},
                                "l": ["l0", "l1", "l2", "l3"]})
        self.res.update_item(Key={"pk": "rm"},
                             UpdateExpression="REMOVE a, m.x, l[1], l[3], "
                                              "nothing, l[10]")
        self.assertEqual(self.get("rm"), {"pk": "rm", "b": 2, "m": {"y": 2},
                                          "l": ["l0", "l2"]})

    def test_update_add_to_number_and_set(self):
        resp = self.res.update_item(
            Key={"pk": "add"},
            UpdateExpression="ADD cnt :five, tags :ab, nums :n12",
            ExpressionAttributeValues={":five": 5, ":ab": {"a", "b"},
                                       ":n12": {1, 2}},
            ReturnValues="ALL_NEW")
        self.assertEqual(resp["Attributes"], {
            "pk": "add", "cnt": 5, "tags": {"a", "b"}, "nums": {1, 2}})
        resp = self.res.update_item(
            Key={"pk": "add"},
            UpdateExpression="ADD cnt :minus2, tags :bc, nums :n3",
            ExpressionAttributeValues={":minus2": -2, ":bc": {"b", "c"},
                                       ":n3": {Decimal("3.0")}},
            ReturnValues="UPDATED_NEW")
        self.assertEqual(resp["Attributes"], {
            "cnt": 3, "tags": {"a", "b", "c"}, "nums": {1, 2, 3}})

    def test_update_delete_from_set(self):
        self.res.put_item(Item={"pk": "del", "tags": {"a", "b", "c"},
                                "bs": {Binary(b"1"), Binary(b"2")}})
        self.res.update_item(
            Key={"pk": "del"},
            UpdateExpression="DELETE tags :ax, bs :b1",
            ExpressionAttributeValues={":ax": {"a", "x"},
                                       ":b1": {Binary(b"1")}})
        got = self.get("del")
        self.assertEqual(got["tags"], {"b", "c"})
        self.assertEqual(got["bs"], {Binary(b"2")})
        # Deleting every member removes the attribute (no empty sets).
        self.res.update_item(
            Key={"pk": "del"}, UpdateExpression="DELETE tags :bc",
            ExpressionAttributeValues={":bc": {"b", "c"}})
        self.assertNotIn("tags", self.get("del"))

    def test_update_nested_map_paths_and_list_indexes(self):
        self.res.put_item(Item={"pk": "nest",
                                "m": {"a": {"b": 1}, "arr": [1, 2, 3]},
                                "l": [{"k": "v0"}, "x"]})
        self.res.update_item(
            Key={"pk": "nest"},
            UpdateExpression="SET m.a.b = :two, m.a.c = :new, m.arr[0] = :ten,"
                             " l[0].k = :v, l[5] = :appended, #w.#k = :v",
            ExpressionAttributeNames={"#w": "m", "#k": "with.dot"},
            ExpressionAttributeValues={":two": 2, ":new": "c", ":ten": 10,
                                       ":v": "v1", ":appended": "end"})
        self.assertEqual(self.get("nest"), {
            "pk": "nest",
            "m": {"a": {"b": 2, "c": "c"}, "arr": [10, 2, 3], "with.dot": "v1"},
            "l": [{"k": "v1"}, "x", "end"]})

    def test_update_creates_missing_item(self):
        resp = CLIENT.update_item(
            TableName=self.table, Key={"pk": {"S": "upsert"}},
            UpdateExpression="SET a = :a",
            ExpressionAttributeValues={":a": {"S": "x"}},
            ReturnValues="ALL_NEW")
        self.assertEqual(resp["Attributes"],
                         {"pk": {"S": "upsert"}, "a": {"S": "x"}})
        self.assertEqual(self.get("upsert"), {"pk": "upsert", "a": "x"})

    def test_update_that_only_removes_does_not_create_item(self):
        CLIENT.update_item(TableName=self.table, Key={"pk": {"S": "ghost"}},
                           UpdateExpression="REMOVE a")
        self.assertIsNone(self.get("ghost"))
        resp = CLIENT.update_item(
            TableName=self.table, Key={"pk": {"S": "ghost2"}},
            UpdateExpression="REMOVE a", ReturnValues="ALL_NEW")
        self.assertNotIn("Attributes", resp)
        self.assertIsNone(self.get("ghost2"))

    def test_delete_item_with_condition(self):
        self.res.put_item(Item={"pk": "d", "state": "open"})
        with self.assertRaises(ClientError) as ctx:
            self.res.delete_item(
                Key={"pk": "d"}, ConditionExpression="#s = :closed",
                ExpressionAttributeNames={"#s": "state"},
                ExpressionAttributeValues={":closed": "closed"})
        self.assert_error(ctx, "ConditionalCheckFailedException",
                          "The conditional request failed")
        self.assertIsNotNone(self.get("d"))
        resp = self.res.delete_item(
            Key={"pk": "d"}, ConditionExpression="#s = :open",
            ExpressionAttributeNames={"#s": "state"},
            ExpressionAttributeValues={":open": "open"},
            ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"], {"pk": "d", "state": "open"})
        self.assertIsNone(self.get("d"))
        # Deleting a missing item is not an error and returns nothing.
        resp = self.res.delete_item(Key={"pk": "d"}, ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", resp)
        # ...unless a condition requires it to exist.
        with self.assertRaises(ClientError) as ctx:
            self.res.delete_item(Key={"pk": "d"},
                                 ConditionExpression="attribute_exists(pk)")
        self.assert_error(ctx, "ConditionalCheckFailedException")


class ReturnValuesTests(DynamoTestCase):

    def setUp(self):
        self.table = self.create_table(("pk", "S"))
        self.res = RESOURCE.Table(self.table)

    def test_put_item_return_values(self):
        resp = self.res.put_item(Item={"pk": "p", "v": 1},
                                 ReturnValues="ALL_OLD")
        self.assertNotIn("Attributes", resp)
        resp = self.res.put_item(Item={"pk": "p", "v": 2},
                                 ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"], {"pk": "p", "v": 1})
        resp = self.res.put_item(Item={"pk": "p", "v": 3},
                                 ReturnValues="NONE")
        self.assertNotIn("Attributes", resp)

    def test_update_item_return_values(self):
        self.res.put_item(Item={"pk": "u", "a": "hi", "b": "dog",
                                "m": {"x": "old", "y": [1, 2, 3]}})
        upd = dict(Key={"pk": "u"},
                   UpdateExpression="SET b = :b, c = :c",
                   ExpressionAttributeValues={":b": "cat", ":c": "new"})
        resp = self.res.update_item(ReturnValues="ALL_OLD", **upd)
        self.assertEqual(resp["Attributes"], {
            "pk": "u", "a": "hi", "b": "dog",
            "m": {"x": "old", "y": [1, 2, 3]}})
        upd["ExpressionAttributeValues"] = {":b": "cow", ":c": "newer"}
        resp = self.res.update_item(ReturnValues="ALL_NEW", **upd)
        self.assertEqual(resp["Attributes"], {
            "pk": "u", "a": "hi", "b": "cow", "c": "newer",
            "m": {"x": "old", "y": [1, 2, 3]}})
        upd["ExpressionAttributeValues"] = {":b": "pig", ":c": "newest"}
        resp = self.res.update_item(ReturnValues="UPDATED_OLD", **upd)
        self.assertEqual(resp["Attributes"], {"b": "cow", "c": "newer"})
        upd["ExpressionAttributeValues"] = {":b": "hen", ":c": "last"}
        resp = self.res.update_item(ReturnValues="UPDATED_NEW", **upd)
        self.assertEqual(resp["Attributes"], {"b": "hen", "c": "last"})
        resp = self.res.update_item(ReturnValues="NONE", **upd)
        self.assertNotIn("Attributes", resp)

        # UPDATED_OLD of a newly written attribute: nothing.
        resp = self.res.update_item(
            Key={"pk": "u"}, UpdateExpression="SET brand_new = :v",
            ExpressionAttributeValues={":v": 1}, ReturnValues="UPDATED_OLD")
        self.assertNotIn("Attributes", resp)
        # REMOVE: UPDATED_OLD has it, UPDATED_NEW does not.
        resp = self.res.update_item(Key={"pk": "u"}, UpdateExpression="REMOVE a",
                                    ReturnValues="UPDATED_OLD")
        self.assertEqual(resp["Attributes"], {"a": "hi"})

    def test_updated_values_of_nested_paths_are_only_the_paths(self):
        self.res.put_item(Item={"pk": "n", "m": {"x": "old", "y": [1, 2, 3]},
                                "other": 1})
        resp = self.res.update_item(
            Key={"pk": "n"}, UpdateExpression="SET m.x = :v",
            ExpressionAttributeValues={":v": "new"}, ReturnValues="UPDATED_OLD")
        self.assertEqual(resp["Attributes"], {"m": {"x": "old"}})
        resp = self.res.update_item(
            Key={"pk": "n"}, UpdateExpression="SET m.y[1] = :v",
            ExpressionAttributeValues={":v": 20}, ReturnValues="UPDATED_NEW")
        self.assertEqual(resp["Attributes"], {"m": {"y": [20]}})

    def test_delete_item_return_values(self):
        self.res.put_item(Item={"pk": "d", "v": {"deep": [1]}})
        resp = self.res.delete_item(Key={"pk": "d"}, ReturnValues="ALL_OLD")
        self.assertEqual(resp["Attributes"], {"pk": "d", "v": {"deep": [1]}})

    def test_invalid_return_values_for_put(self):
        with self.assertRaises(ClientError) as ctx:
            CLIENT.put_item(TableName=self.table, Item={"pk": {"S": "x"}},
                            ReturnValues="ALL_NEW")
        self.assert_error(ctx, "ValidationException",
                          "ReturnValues can only be ALL_OLD or NONE")
        with self.assertRaises(ClientError) as ctx:
            CLIENT.delete_item(TableName=self.table, Key={"pk": {"S": "x"}},
                               ReturnValues="UPDATED_NEW")
        self.assert_error(ctx, "ValidationException",
                          "ReturnValues can only be ALL_OLD or NONE")


# --------------------------------------------------------------------------
# Bad input: exact AWS errors
# --------------------------------------------------------------------------

class BadInputTests(DynamoTestCase):

    def setUp(self):
        self.table = self.create_table(("pk", "S"))

    def put_error(self, item, code, message=None, message_re=None, **kw):
        with self.assertRaises(ClientError) as ctx:
            CLIENT.put_item(TableName=self.table, Item=item, **kw)
        return self.assert_error(ctx, code, message, message_re)

    def update_error(self, code, message, key=None, **kw):
        with self.assertRaises(ClientError) as ctx:
            CLIENT.update_item(TableName=self.table,
                               Key=key or {"pk": {"S": "k"}}, **kw)
        return self.assert_error(ctx, code, message)

    def test_missing_key_attribute(self):
        self.put_error({"other": {"S": "x"}}, "ValidationException",
                       "One or more parameter values were invalid: "
                       "Missing the key pk in the item")

    def test_wrong_key_type(self):
        self.put_error({"pk": {"N": "1"}}, "ValidationException",
                       "One or more parameter values were invalid: "
                       "Type mismatch for key pk expected: S actual: N")
        with self.assertRaises(ClientError) as ctx:
            CLIENT.get_item(TableName=self.table, Key={"pk": {"N": "1"}})
        self.assert_error(ctx, "ValidationException",
                          "The provided key element does not match the schema")
        with self.assertRaises(ClientError) as ctx:
            CLIENT.get_item(TableName=self.table,
                            Key={"pk": {"S": "a"}, "extra": {"S": "b"}})
        self.assert_error(ctx, "ValidationException",
                          "The provided key element does not match the schema")

    def test_empty_string_key(self):
        self.put_error({"pk": {"S": ""}}, "ValidationException",
                       "One or more parameter values are not valid. The "
                       "AttributeValue for a key attribute cannot contain an "
                       "empty string value. Key: pk")

    def test_empty_sets(self):
        self.put_error({"pk": {"S": "k"}, "s": {"SS": []}},
                       "ValidationException",
                       "One or more parameter values were invalid: "
                       "An string set  may not be empty")
        self.put_error({"pk": {"S": "k"}, "s": {"NS": []}},
                       "ValidationException",
                       "One or more parameter values were invalid: "
                       "An number set  may not be empty")
        self.put_error({"pk": {"S": "k"}, "s": {"BS": []}},
                       "ValidationException",
                       "One or more parameter values were invalid: "
                       "Binary sets should not be empty")

    def test_duplicate_set_members(self):
        self.put_error({"pk": {"S": "k"}, "s": {"SS": ["a", "a"]}},
                       "ValidationException",
                       "One or more parameter values were invalid: "
                       "Input collection [a, a] contains duplicates.")
        # Numbers are compared by value: 1 and 1.0 are duplicates.
        self.put_error({"pk": {"S": "k"}, "s": {"NS": ["1", "1.0"]}},
                       "ValidationException", message_re="duplicates")
        self.put_error({"pk": {"S": "k"}, "s": {"BS": [b"x", b"x"]}},
                       "ValidationException", message_re="duplicates")

    def test_number_with_39_digits(self):
        self.put_error({"pk": {"S": "k"},
                        "n": {"N": "123456789012345678901234567890123456789"}},
                       "ValidationException",
                       "Attempting to store more than 38 significant digits "
                       "in a Number")

    def test_number_out_of_range(self):
        self.put_error({"pk": {"S": "k"}, "n": {"N": "1E+126"}},
                       "ValidationException",
                       "Number overflow. Attempting to store a number with "
                       "magnitude larger than supported range")
        self.put_error({"pk": {"S": "k"}, "n": {"N": "1E-131"}},
                       "ValidationException",
                       "Number underflow. Attempting to store a number with "
                       "magnitude smaller than supported range")

    def test_not_a_number(self):
        self.put_error({"pk": {"S": "k"}, "n": {"N": "abc"}},
                       "ValidationException",
                       "The parameter cannot be converted to a numeric value: "
                       "abc")

    def test_unused_expression_attribute_values_and_names(self):
        self.update_error(
            "ValidationException",
            "Value provided in ExpressionAttributeValues unused in "
            "expressions: keys: {:unused}",
            UpdateExpression="SET a = :a",
            ExpressionAttributeValues={":a": {"S": "x"},
                                       ":unused": {"S": "y"}})
        self.update_error(
            "ValidationException",
            "Value provided in ExpressionAttributeNames unused in "
            "expressions: keys: {#unused}",
            UpdateExpression="SET a = :a",
            ExpressionAttributeNames={"#unused": "b"},
            ExpressionAttributeValues={":a": {"S": "x"}})

    def test_undefined_placeholders(self):
        self.update_error(
            "ValidationException",
            "Invalid UpdateExpression: An expression attribute value used in "
            "expression is not defined; attribute value: :missing",
            UpdateExpression="SET a = :missing")
        self.update_error(
            "ValidationException",
            "Invalid UpdateExpression: An expression attribute name used in "
            "the document path is not defined; attribute name: #missing",
            UpdateExpression="SET #missing = :a",
            ExpressionAttributeValues={":a": {"S": "x"}})
        with self.assertRaises(ClientError) as ctx:
            CLIENT.put_item(TableName=self.table, Item={"pk": {"S": "k"}},
                            ConditionExpression="attribute_exists(#nope)")
        self.assert_error(
            ctx, "ValidationException",
            "Invalid ConditionExpression: An expression attribute name used "
            "in the document path is not defined; attribute name: #nope")

    def test_syntax_errors(self):
        with self.assertRaises(ClientError) as ctx:
            CLIENT.get_item(TableName=self.table, Key={"pk": {"S": "k"}},
                            ProjectionExpression="a b")
        self.assert_error(ctx, "ValidationException",
                          'Invalid ProjectionExpression: Syntax error; '
                          'token: "b", near: "a b"')
        self.update_error("ValidationException",
                          'Invalid UpdateExpression: Syntax error; '
                          'token: "<EOF>", near: "SET"',
                          UpdateExpression="SET")
        self.update_error("ValidationException",
                          'Invalid UpdateExpression: Syntax error; '
                          'token: "<EOF>", near: "+"',
                          UpdateExpression="SET a = :v +",
                          ExpressionAttributeValues={":v": {"N": "1"}})

    def test_reserved_word_as_bare_name(self):
        self.update_error("ValidationException",
                          "Invalid UpdateExpression: Attribute name is a "
                          "reserved keyword; reserved keyword: name",
                          UpdateExpression="SET name = :v",
                          ExpressionAttributeValues={":v": {"S": "x"}})
        with self.assertRaises(ClientError) as ctx:
            CLIENT.get_item(TableName=self.table, Key={"pk": {"S": "k"}},
                            ProjectionExpression="pk, status")
        self.assert_error(ctx, "ValidationException",
                          "Invalid ProjectionExpression: Attribute name is a "
                          "reserved keyword; reserved keyword: status")

    def test_empty_update_expression(self):
        self.update_error("ValidationException",
                          "Invalid UpdateExpression: The expression can not be "
                          "empty;",
                          UpdateExpression="")

    def test_overlapping_update_paths(self):
        self.update_error("ValidationException",
                          "Invalid UpdateExpression: Two document paths overlap "
                          "with each other; must remove or rewrite one of these "
                          "paths; path one: [a], path two: [a]",
                          UpdateExpression="SET a = :v REMOVE a",
                          ExpressionAttributeValues={":v": {"S": "x"}})

    def test_item_over_400kb(self):
        value = "v" * (MAX_ITEM_BYTES - len("pk") - len("x") - len("d") + 1)
        self.put_error({"pk": {"S": "x"}, "d": {"S": value}},
                       "ValidationException",
                       "Item size has exceeded the maximum allowed size")
        # Growing an item past the limit through UpdateItem.
        CLIENT.put_item(TableName=self.table,
                        Item={"pk": {"S": "grow"}, "d": {"S": value[:300000]}})
        self.update_error("ValidationException",
                          "Item size to update has exceeded the maximum "
                          "allowed size",
                          key={"pk": {"S": "grow"}},
                          UpdateExpression="SET e = :big",
                          ExpressionAttributeValues={
                              ":big": {"S": value[:200000]}})

    def test_updating_a_key_attribute(self):
        self.update_error("ValidationException",
                          "One or more parameter values were invalid: Cannot "
                          "update attribute pk. This attribute is part of the "
                          "key",
                          UpdateExpression="SET pk = :v",
                          ExpressionAttributeValues={":v": {"S": "other"}})

    def test_operand_of_wrong_type(self):
        CLIENT.put_item(TableName=self.table,
                        Item={"pk": {"S": "k"}, "s": {"S": "text"}})
        self.update_error("ValidationException",
                          "An operand in the update expression has an "
                          "incorrect data type",
                          UpdateExpression="SET s = s + :one",
                          ExpressionAttributeValues={":one": {"N": "1"}})
        self.update_error("ValidationException",
                          "An operand in the update expression has an "
                          "incorrect data type",
                          UpdateExpression="ADD s :one",
                          ExpressionAttributeValues={":one": {"N": "1"}})

    def test_invalid_document_path_for_update(self):
        CLIENT.put_item(TableName=self.table, Item={"pk": {"S": "k"}})
        self.update_error("ValidationException",
                          "The document path provided in the update expression "
                          "is invalid for update",
                          UpdateExpression="SET nomap.child = :v",
                          ExpressionAttributeValues={":v": {"S": "x"}})

    def test_malformed_attribute_values(self):
        with self.assertRaises(ClientError) as ctx:
            RAW_CLIENT.put_item(TableName=self.table,
                                Item={"pk": {"S": "k"}, "a": {}})
        self.assert_error(ctx, "ValidationException",
                          "Supplied AttributeValue is empty, must contain "
                          "exactly one of the supported datatypes")
        with self.assertRaises(ClientError) as ctx:
            RAW_CLIENT.put_item(TableName=self.table,
                                Item={"pk": {"S": "k"},
                                      "a": {"S": "x", "N": "1"}})
        self.assert_error(ctx, "ValidationException",
                          "Supplied AttributeValue has more than one datatypes "
                          "set, must contain exactly one of the supported "
                          "datatypes")
        self.put_error({"pk": {"S": "k"}, "a": {"NULL": False}},
                       "ValidationException",
                       message_re="Null attribute value types must have the "
                                  "value of true$")

    def test_invalid_expression_attribute_value(self):
        self.update_error("ValidationException",
                          "ExpressionAttributeValues contains invalid value: "
                          "One or more parameter values were invalid: An "
                          "string set  may not be empty for key :v",
                          UpdateExpression="SET a = :v",
                          ExpressionAttributeValues={":v": {"SS": []}})

    def test_hash_key_over_2048_bytes(self):
        self.put_error({"pk": {"S": "k" * 2049}}, "ValidationException",
                       "One or more parameter values were invalid: Size of "
                       "hashkey has exceeded the maximum size limit of2048 "
                       "bytes")  # sic: AWS has no space in "of2048"
        # 2048 bytes exactly is fine.
        CLIENT.put_item(TableName=self.table, Item={"pk": {"S": "k" * 2048}})

    def test_nesting_deeper_than_32_levels(self):
        # The top-level value is level 1: 31 map wrappers put the leaf at
        # level 32 (allowed), 32 wrappers put it at 33 (rejected).
        def nest(levels):
            v = {"S": "leaf"}
            for i in range(levels):
                v = {"M": {"m": v}} if i % 2 else {"L": [v]}
            return v
        CLIENT.put_item(TableName=self.table,
                        Item={"pk": {"S": "deep"}, "d": nest(31)})
        # AWS captures disagree on a "1 validation error detected: " prefix.
        self.put_error({"pk": {"S": "deep"}, "d": nest(32)},
                       "ValidationException",
                       message_re=r"^(1 validation error detected: )?Nesting "
                                  r"Levels have exceeded supported limits: "
                                  r"Attributes in the item have nested levels "
                                  r"beyond supported limit$")

    def test_table_not_found_for_item_operations(self):
        missing = self.unique_name("-missing")
        calls = [
            ("put_item", {"Item": {"pk": {"S": "k"}}}),
            ("get_item", {"Key": {"pk": {"S": "k"}}}),
            ("delete_item", {"Key": {"pk": {"S": "k"}}}),
            ("update_item", {"Key": {"pk": {"S": "k"}},
                             "UpdateExpression": "SET a = :a",
                             "ExpressionAttributeValues": {":a": {"S": "x"}}}),
        ]
        for op, kwargs in calls:
            with self.subTest(op=op):
                with self.assertRaises(ClientError) as ctx:
                    getattr(CLIENT, op)(TableName=missing, **kwargs)
                err = self.assert_error(ctx, "ResourceNotFoundException",
                                        "Requested resource not found")
                self.assertIsInstance(
                    err, CLIENT.exceptions.ResourceNotFoundException)


if __name__ == "__main__":
    unittest.main()
