"""End-to-end IAM tests: SigV4 verification, identity-policy decisions,
AssumeRole with trust policies, and the decision audit, with boto3 against a
`dynalake serve` started here with fixtures/identities.json (so IAM is
enforced), under both boto3 generations.

Needs DYNALAKE (the binary) in the environment, as tests/e2e/run sets it.
Standard library unittest only.
"""

import datetime
import hashlib
import hmac
import json
import os
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = os.path.dirname(os.path.abspath(__file__))
IDENTITIES = os.path.join(HERE, "..", "..", "fixtures", "identities.json")
ACCOUNT = "123456789012"
REGION = "us-east-1"
KEYS = {
    "admin": ("AKIAADMIN0000EXAMPLE", "admin-secret-key-example"),
    "reader": ("AKIAREADER000EXAMPLE", "reader-secret-key-example"),
    "auditor": ("AKIAAUDITOR00EXAMPLE", "auditor-secret-key-example"),
    "tenant": ("AKIATENANT000EXAMPLE", "tenant-secret-key-example"),
    "secure": ("AKIASECURE000EXAMPLE", "secure-secret-key-example"),
    "bounded": ("AKIABOUNDED00EXAMPLE", "bounded-secret-key-example"),
}


class Server:
    """One `dynalake serve --identities ...` (HTTPS when tls)."""

    def __init__(self, tls=False, extra=(), identities=IDENTITIES):
        self.dir = tempfile.mkdtemp(prefix="dynalake-iam-")
        self.audit_path = os.path.join(self.dir, "audit.jsonl")
        self.cert = os.path.join(self.dir, "cert.pem") if tls else None
        self.log = open(os.path.join(self.dir, "server.log"), "w+")
        if isinstance(identities, dict):  # a document: written here
            path = os.path.join(self.dir, "identities.json")
            with open(path, "w") as f:
                json.dump(identities, f)
            identities = path
        args = [os.environ["DYNALAKE"], "serve", "--port", "0",
                "--identities", identities, "--audit-log", self.audit_path]
        if tls:
            args += ["--tls-self-signed", self.cert]
        args += list(extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                                     stderr=self.log, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            raise RuntimeError("server did not start: " + line)
        self.endpoint = line.strip().rsplit(" ", 1)[-1]

    def admin(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.endpoint + "/_dynalake/" + path,
                                     data=data,
                                     method="POST" if data else "GET")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def stop(self):
        self.proc.terminate()
        code = self.proc.wait(timeout=10)
        self.log.close()
        if code != 0:
            raise RuntimeError("server exited with %d" % code)


SERVER = None
# boto3 keeps pooled connections open until exit; that is not a leak here.
warnings.simplefilter("ignore", ResourceWarning)


def setUpModule():
    global SERVER
    SERVER = Server()


def tearDownModule():
    SERVER.stop()


def client(service, key_id, secret, token=None, server=None):
    server = server or SERVER
    return boto3.client(
        service, endpoint_url=server.endpoint, region_name=REGION,
        aws_access_key_id=key_id, aws_secret_access_key=secret,
        aws_session_token=token, verify=server.cert,
        config=Config(retries={"total_max_attempts": 1}))


def user_client(service, user):
    return client(service, *KEYS[user])


# An inline policy that allows everything, for identities documents.
ANYTHING = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def public_and_secret(prefix):
    """A new bucket holding public/a.txt ("hi") and secret/b.txt ("no");
    (the admin's S3 client, the bucket's name)."""
    bucket = prefix + uuid.uuid4().hex[:8]
    admin_s3 = user_client("s3", "admin")
    admin_s3.create_bucket(Bucket=bucket)
    admin_s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"hi")
    admin_s3.put_object(Bucket=bucket, Key="secret/b.txt", Body=b"no")
    return admin_s3, bucket


def error_of(ctx):
    return (ctx.exception.response["Error"]["Code"],
            ctx.exception.response["Error"]["Message"])


class IamTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.table = "orders-" + uuid.uuid4().hex[:8]
        cls.admin = user_client("dynamodb", "admin")
        cls.admin.create_table(
            TableName=cls.table, BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk",
                                   "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
        cls.admin.put_item(TableName=cls.table,
                           Item={"pk": {"S": "a"}, "n": {"N": "1"}})
        cls.arn = "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT,
                                                         cls.table)

    def test_read_only_user_reads_but_cannot_write(self):
        reader = user_client("dynamodb", "reader")
        item = reader.get_item(TableName=self.table, Key={"pk": {"S": "a"}})
        self.assertEqual(item["Item"]["n"], {"N": "1"})
        with self.assertRaises(ClientError) as ctx:
            reader.put_item(TableName=self.table, Item={"pk": {"S": "b"}})
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDeniedException")
        self.assertEqual(
            message,
            "User: arn:aws:iam::%s:user/reader is not authorized to perform:"
            " dynamodb:PutItem on resource: %s because no identity-based "
            "policy allows the dynamodb:PutItem action" % (ACCOUNT, self.arn))
        # Nothing was written.
        self.assertNotIn("Item", self.admin.get_item(
            TableName=self.table, Key={"pk": {"S": "b"}}))

    def test_explicit_deny_beats_an_allow(self):
        auditor = user_client("dynamodb", "auditor")
        auditor.put_item(TableName=self.table, Item={"pk": {"S": "c"}})
        with self.assertRaises(ClientError) as ctx:
            auditor.delete_item(TableName=self.table, Key={"pk": {"S": "c"}})
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDeniedException")
        self.assertTrue(message.endswith(
            "with an explicit deny in an identity-based policy"), message)

    def test_permissions_boundary_caps_what_the_policies_grant(self):
        # Admin policies, bounded to item reads and writes without deletes.
        bounded = user_client("dynamodb", "bounded")
        bounded.put_item(TableName=self.table, Item={"pk": {"S": "bnd"}})
        bounded.get_item(TableName=self.table, Key={"pk": {"S": "bnd"}})
        with self.assertRaises(ClientError) as ctx:
            bounded.update_item(TableName=self.table,
                                Key={"pk": {"S": "bnd"}},
                                UpdateExpression="SET n = :one",
                                ExpressionAttributeValues={":one": {"N": "1"}})
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDeniedException")
        self.assertEqual(
            message,
            "User: arn:aws:iam::%s:user/bounded is not authorized to perform:"
            " dynamodb:UpdateItem on resource: %s because no permissions "
            "boundary allows the dynamodb:UpdateItem action"
            % (ACCOUNT, self.arn))
        with self.assertRaises(ClientError) as ctx:
            bounded.delete_item(TableName=self.table, Key={"pk": {"S": "bnd"}})
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDeniedException")
        self.assertTrue(message.endswith(
            "with an explicit deny in a permissions boundary"), message)
        # Neither denied write happened.
        item = self.admin.get_item(TableName=self.table,
                                   Key={"pk": {"S": "bnd"}})["Item"]
        self.assertNotIn("n", item)
        # The audit names the boundary as what decided.
        status, body = SERVER.admin(
            "audit?principal=" + urllib.parse.quote(
                "arn:aws:iam::%s:user/bounded" % ACCOUNT, safe=""))
        decided = {(r["action"], r["decision"]): r["policy"]
                   for r in body["records"]}
        self.assertEqual(decided[("dynamodb:UpdateItem", "implicit_deny")],
                         "permissions boundary")
        self.assertEqual(decided[("dynamodb:DeleteItem", "explicit_deny")],
                         "permissions boundary")
        self.assertEqual(decided[("dynamodb:PutItem", "allow")],
                         "policies/admin.json")

    def test_leading_keys_condition_confines_a_user_to_its_partition(self):
        tenant = user_client("dynamodb", "tenant")
        tenant.put_item(TableName=self.table, Item={"pk": {"S": "tenant"}})
        tenant.get_item(TableName=self.table, Key={"pk": {"S": "tenant"}})
        with self.assertRaises(ClientError) as ctx:
            tenant.put_item(TableName=self.table, Item={"pk": {"S": "other"}})
        self.assertEqual(error_of(ctx)[0], "AccessDeniedException")
        status, body = SERVER.admin(
            "audit?principal=" + urllib.parse.quote(
                "arn:aws:iam::%s:user/tenant" % ACCOUNT, safe=""))
        denied = [r for r in body["records"]
                  if r["decision"] == "implicit_deny"]
        self.assertEqual(denied[-1]["context"]["dynamodb:LeadingKeys"],
                         ["other"])

    def test_bucket_policy_grants_and_denies_with_identity_policies(self):
        bucket = "shared-" + uuid.uuid4().hex[:8]
        admin_s3 = user_client("s3", "admin")
        admin_s3.create_bucket(Bucket=bucket)
        admin_s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"hi")
        admin_s3.put_object(Bucket=bucket, Key="secret/b.txt", Body=b"no")
        reader_s3 = user_client("s3", "reader")
        with self.assertRaises(ClientError) as ctx:
            reader_s3.get_object(Bucket=bucket, Key="public/a.txt")
        self.assertEqual(error_of(ctx)[0], "AccessDenied")
        policy = json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ReaderReadsPublic", "Effect": "Allow",
                 "Principal": {"AWS": "arn:aws:iam::%s:user/reader" % ACCOUNT},
                 "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::%s/public/*" % bucket},
                {"Sid": "NobodyReadsSecrets", "Effect": "Deny",
                 "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::%s/secret/*" % bucket}]})
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        body = reader_s3.get_object(Bucket=bucket, Key="public/a.txt")["Body"]
        self.assertEqual(body.read(), b"hi")
        with self.assertRaises(ClientError) as ctx:
            admin_s3.get_object(Bucket=bucket, Key="secret/b.txt")
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDenied")
        self.assertTrue(message.endswith(
            "with an explicit deny in a resource-based policy"), message)
        # Compiled policies are cached: each change must show at once.
        admin_s3.delete_bucket_policy(Bucket=bucket)
        with self.assertRaises(ClientError) as ctx:
            reader_s3.get_object(Bucket=bucket, Key="public/a.txt")
        self.assertEqual(error_of(ctx)[0], "AccessDenied")
        admin_s3.get_object(Bucket=bucket, Key="secret/b.txt")
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=policy)
        reader_s3.get_object(Bucket=bucket, Key="public/a.txt")
        # A bucket deleted and created again has no policy.
        for key in ("public/a.txt", "secret/b.txt"):
            admin_s3.delete_object(Bucket=bucket, Key=key)
        admin_s3.delete_bucket(Bucket=bucket)
        admin_s3.create_bucket(Bucket=bucket)
        admin_s3.put_object(Bucket=bucket, Key="public/a.txt", Body=b"hi")
        with self.assertRaises(ClientError) as ctx:
            reader_s3.get_object(Bucket=bucket, Key="public/a.txt")
        self.assertEqual(error_of(ctx)[0], "AccessDenied")

    def assert_missing(self, s3, bucket, code, status):
        """GetObject and HeadObject of a missing key under public/ fail
        with code and status; returns GetObject's message."""
        with self.assertRaises(ClientError) as ctx:
            s3.head_object(Bucket=bucket, Key="public/missing.txt")
        self.assertEqual(
            ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"],
            status)
        with self.assertRaises(ClientError) as ctx:
            s3.get_object(Bucket=bucket, Key="public/missing.txt")
        self.assertEqual(error_of(ctx)[0], code)
        return error_of(ctx)[1]

    def test_missing_key_is_access_denied_without_list_bucket(self):
        admin_s3, bucket = public_and_secret("private-")
        reader = "arn:aws:iam::%s:user/reader" % ACCOUNT
        read_public = {
            "Sid": "ReaderReadsPublic", "Effect": "Allow",
            "Principal": {"AWS": reader}, "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/public/*" % bucket}
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [read_public]}))
        reader_s3 = user_client("s3", "reader")
        self.assertEqual(reader_s3.get_object(
            Bucket=bucket, Key="public/a.txt")["Body"].read(), b"hi")
        # Without s3:ListBucket a missing key is indistinguishable from a
        # forbidden one.
        message = self.assert_missing(reader_s3, bucket, "AccessDenied", 403)
        self.assertIn("s3:ListBucket on resource: arn:aws:s3:::%s " % bucket,
                      message)
        # The admin may list every bucket: NoSuchKey, as before.
        with self.assertRaises(ClientError) as ctx:
            admin_s3.get_object(Bucket=bucket, Key="public/missing.txt")
        self.assertEqual(error_of(ctx)[0], "NoSuchKey")
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [read_public, {
                "Sid": "ReaderLists", "Effect": "Allow",
                "Principal": {"AWS": reader}, "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::%s" % bucket}]}))
        self.assert_missing(reader_s3, bucket, "NoSuchKey", 404)
        # Outside the grant, listing does not help: GetObject is denied
        # before anyone looks for the key.
        with self.assertRaises(ClientError) as ctx:
            reader_s3.get_object(Bucket=bucket, Key="secret/missing.txt")
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDenied")
        self.assertIn("s3:GetObject", message)
        # The audit shows the listing S3 asked for, both ways.
        status, body = SERVER.admin(
            "audit?principal=" + urllib.parse.quote(reader, safe=""))
        self.assertEqual(
            sorted({r["decision"] for r in body["records"]
                    if r["action"] == "s3:ListBucket" and
                    r["resource"] == "arn:aws:s3:::" + bucket}),
            ["allow", "implicit_deny"])

    def test_s3_keys_meet_policies_as_s3_decodes_them(self):
        admin_s3, bucket = public_and_secret("decoded-")
        reader = "arn:aws:iam::%s:user/reader" % ACCOUNT
        admin_s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"AWS": reader},
                # Action names ignore case; resources do not.
                "Action": ["S3:getobject", "s3:LISTBUCKET"],
                "Resource": ["arn:aws:s3:::%s/public/*" % bucket,
                             "arn:aws:s3:::%s" % bucket]}]}))
        get = lambda path: signed_s3_get("/%s/%s" % (bucket, path),
                                         *KEYS["reader"])
        # An encoded slash is a slash of the key the policy matches.
        self.assertEqual(get("public%2Fa.txt"), (200, b"hi"))
        self.assertEqual(get("public/a.txt"), (200, b"hi"))
        # Dots are characters of the key, never a path out of public/:
        # the grant matches, and no such key exists.
        for path in ("public/../secret/b.txt",
                     "public%2F..%2Fsecret%2Fb.txt"):
            status, body = get(path)
            self.assertEqual(status, 404, path)
            self.assertIn(b"<Code>NoSuchKey</Code>", body, path)
        # Case and encoding do not reach another key through the grant.
        for path in ("PUBLIC/a.txt", "Public%2Fa.txt", "secret/b.txt",
                     "secret%2Fb.txt"):
            status, body = get(path)
            self.assertEqual(status, 403, path)
            self.assertIn(b"<Code>AccessDenied</Code>", body, path)

    def test_wrong_secret_is_a_signature_mismatch(self):
        bad = client("dynamodb", KEYS["reader"][0], "not-the-secret")
        with self.assertRaises(ClientError) as ctx:
            bad.list_tables()
        self.assertEqual(error_of(ctx)[0], "InvalidSignatureException")

    def test_unknown_key_is_unrecognized(self):
        stranger = client("dynamodb", "AKIANOBODY0000000000", "x")
        with self.assertRaises(ClientError) as ctx:
            stranger.list_tables()
        self.assertEqual(error_of(ctx),
                         ("UnrecognizedClientException",
                          "The security token included in the request is "
                          "invalid."))

    def test_caller_identity_names_the_user(self):
        sts = user_client("sts", "reader")
        ident = sts.get_caller_identity()
        self.assertEqual(ident["Arn"],
                         "arn:aws:iam::%s:user/reader" % ACCOUNT)
        self.assertEqual(ident["Account"], ACCOUNT)
        self.assertTrue(ident["UserId"].startswith("AIDA"))

    def test_assume_role_needs_the_trust_policy(self):
        role = "arn:aws:iam::%s:role/analyst" % ACCOUNT
        creds = user_client("sts", "admin").assume_role(
            RoleArn=role, RoleSessionName="e2e")["Credentials"]
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        session_sts = client("sts", creds["AccessKeyId"],
                             creds["SecretAccessKey"], creds["SessionToken"])
        self.assertEqual(
            session_sts.get_caller_identity()["Arn"],
            "arn:aws:sts::%s:assumed-role/analyst/e2e" % ACCOUNT)
        # The session has the role's read-only permissions.
        ddb = client("dynamodb", creds["AccessKeyId"],
                     creds["SecretAccessKey"], creds["SessionToken"])
        ddb.get_item(TableName=self.table, Key={"pk": {"S": "a"}})
        with self.assertRaises(ClientError) as ctx:
            ddb.put_item(TableName=self.table, Item={"pk": {"S": "z"}})
        self.assertEqual(error_of(ctx)[0], "AccessDeniedException")
        # The reader is not named by the trust policy, and is not allowed
        # sts:AssumeRole by its own policy.
        with self.assertRaises(ClientError) as ctx:
            user_client("sts", "reader").assume_role(
                RoleArn=role, RoleSessionName="e2e")
        self.assertEqual(error_of(ctx)[0], "AccessDenied")
        # A role that trusts only a service cannot be assumed by a user.
        with self.assertRaises(ClientError) as ctx:
            user_client("sts", "admin").assume_role(
                RoleArn="arn:aws:iam::%s:role/shipper" % ACCOUNT,
                RoleSessionName="e2e")
        self.assertEqual(error_of(ctx)[0], "AccessDenied")

    def test_session_policy_narrows_the_role(self):
        sts = user_client("sts", "admin")
        role = "arn:aws:iam::%s:role/analyst" % ACCOUNT
        only_get = json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem",
                           "Resource": self.arn}]})
        creds = sts.assume_role(RoleArn=role, RoleSessionName="narrow",
                                Policy=only_get)["Credentials"]
        ddb = client("dynamodb", creds["AccessKeyId"],
                     creds["SecretAccessKey"], creds["SessionToken"])
        ddb.get_item(TableName=self.table, Key={"pk": {"S": "a"}})
        # The role may DescribeTable; the session policy does not allow it.
        with self.assertRaises(ClientError) as ctx:
            ddb.describe_table(TableName=self.table)
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDeniedException")
        self.assertIn("because no session policy allows the "
                      "dynamodb:DescribeTable action", message)
        # A session policy cannot add what the role lacks.
        broad = json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*",
                           "Resource": "*"}]})
        creds = sts.assume_role(RoleArn=role, RoleSessionName="broad",
                                Policy=broad)["Credentials"]
        ddb = client("dynamodb", creds["AccessKeyId"],
                     creds["SecretAccessKey"], creds["SessionToken"])
        with self.assertRaises(ClientError) as ctx:
            ddb.put_item(TableName=self.table, Item={"pk": {"S": "q"}})
        self.assertEqual(error_of(ctx)[0], "AccessDeniedException")
        with self.assertRaises(ClientError) as ctx:
            sts.assume_role(RoleArn=role, RoleSessionName="bad",
                            Policy='{"Statement": [{"Effect": "Maybe"}]}')
        self.assertEqual(error_of(ctx)[0], "MalformedPolicyDocument")

    def test_session_token_must_match(self):
        creds = user_client("sts", "admin").assume_role(
            RoleArn="arn:aws:iam::%s:role/analyst" % ACCOUNT,
            RoleSessionName="tok")["Credentials"]
        bad = client("dynamodb", creds["AccessKeyId"],
                     creds["SecretAccessKey"], "forged-token")
        with self.assertRaises(ClientError) as ctx:
            bad.list_tables()
        self.assertEqual(error_of(ctx)[0], "UnrecognizedClientException")

    def test_assume_role_rejects_bad_input(self):
        sts = user_client("sts", "admin")
        with self.assertRaises(ClientError) as ctx:
            sts.assume_role(RoleArn="arn:aws:iam::%s:role/analyst" % ACCOUNT,
                            RoleSessionName="bad name!")
        self.assertEqual(error_of(ctx)[0], "ValidationError")

    def test_service_principal_assumes_only_trusting_roles(self):
        status, body = SERVER.admin("assume-role", {
            "role": "shipper", "service": "lambda.amazonaws.com"})
        self.assertEqual(status, 200, body)
        shipper = client("sts", body["AccessKeyId"], body["SecretAccessKey"],
                         body["SessionToken"])
        self.assertEqual(shipper.get_caller_identity()["Arn"],
                         body["AssumedRoleArn"])
        status, body = SERVER.admin("assume-role", {
            "role": "shipper", "service": "ec2.amazonaws.com"})
        self.assertEqual(status, 400)

    def test_audit_lists_every_decision(self):
        reader = user_client("dynamodb", "reader")
        reader.get_item(TableName=self.table, Key={"pk": {"S": "a"}})
        with self.assertRaises(ClientError):
            reader.delete_item(TableName=self.table, Key={"pk": {"S": "a"}})
        principal = "arn:aws:iam::%s:user/reader" % ACCOUNT
        status, body = SERVER.admin(
            "audit?principal=" + urllib.parse.quote(principal, safe=""))
        self.assertEqual(status, 200)
        seen = {(r["action"], r["decision"]) for r in body["records"]}
        self.assertIn(("dynamodb:GetItem", "allow"), seen)
        self.assertIn(("dynamodb:DeleteItem", "implicit_deny"), seen)
        for r in body["records"]:
            self.assertEqual(r["principal"], principal)
            if r["action"].startswith("dynamodb:") and \
                    r["action"] != "dynamodb:ListTables":
                self.assertEqual(r["resource"], self.arn)
        get = next(r for r in body["records"]
                   if r["action"] == "dynamodb:GetItem")
        self.assertEqual(get["policy"], "policies/dynamodb-read-only.json")
        self.assertEqual(get["statement"], "ReadTables")
        self.assertEqual(get["context"]["aws:username"], "reader")
        with open(SERVER.audit_path) as f:
            lines = [json.loads(line) for line in f]
        self.assertTrue(any(r["principal"] == principal and
                            r["action"] == "dynamodb:DeleteItem"
                            for r in lines))

    def test_stale_signature_is_refused(self):
        # Signed 20 minutes ago: past AWS's 15-minute window.
        stale = datetime.datetime.utcnow() - datetime.timedelta(minutes=20)
        status, body = signed_post(stale, *KEYS["reader"])
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"].split("#")[-1],
                         "InvalidSignatureException")
        self.assertTrue(body["message"].startswith("Signature expired:"),
                        body["message"])
        # The same request signed now passes.
        status, body = signed_post(datetime.datetime.utcnow(),
                                   *KEYS["reader"])
        self.assertEqual(status, 200, body)

    def test_moving_the_virtual_clock_keeps_signatures_valid(self):
        # Clients sign with the wall clock; the emulator's clock moves for
        # TTL and retention tests without making every signature stale.
        status, _ = SERVER.admin("clock", {"advance_ms": 20 * 60 * 1000})
        self.assertEqual(status, 200)
        user_client("dynamodb", "reader").list_tables()


class TlsTest(unittest.TestCase):
    """HTTPS with a self-signed certificate: aws:SecureTransport is true for
    real, so a "deny unless TLS" policy lets the same user through."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(tls=True)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_deny_unless_tls_policy_follows_the_transport(self):
        self.assertTrue(self.server.endpoint.startswith("https://"))
        over_tls = client("dynamodb", *KEYS["secure"], server=self.server)
        over_tls.list_tables()
        plain = user_client("dynamodb", "secure")
        with self.assertRaises(ClientError) as ctx:
            plain.list_tables()
        code, message = error_of(ctx)
        self.assertEqual(code, "AccessDeniedException")
        self.assertTrue(message.endswith("with an explicit deny in an "
                                         "identity-based policy"), message)


class SecretsTest(unittest.TestCase):
    def test_secrets_never_reach_the_logs(self):
        server = Server(extra=["--log-level", "debug"])
        secrets = [KEYS["admin"][1], KEYS["reader"][1]]
        try:
            admin = client("dynamodb", *KEYS["admin"], server=server)
            admin.list_tables()
            with self.assertRaises(ClientError):  # a signature mismatch
                client("dynamodb", KEYS["reader"][0], KEYS["admin"][1],
                       server=server).list_tables()
            creds = client("sts", *KEYS["admin"], server=server).assume_role(
                RoleArn="arn:aws:iam::%s:role/analyst" % ACCOUNT,
                RoleSessionName="logs")["Credentials"]
            secrets += [creds["SecretAccessKey"], creds["SessionToken"]]
            session = client("dynamodb", creds["AccessKeyId"],
                             creds["SecretAccessKey"],
                             creds["SessionToken"], server=server)
            session.list_tables()
            with self.assertRaises(ClientError):  # a token that is not it
                client("dynamodb", creds["AccessKeyId"],
                       creds["SecretAccessKey"], "not-the-token",
                       server=server).list_tables()
            s3 = client("s3", *KEYS["admin"], server=server)
            s3.create_bucket(Bucket="logs")
            s3.put_object(Bucket="logs", Key="k", Body=b"x")
        finally:
            server.stop()
        with open(os.path.join(server.dir, "server.log")) as f:
            log = f.read()
        with open(server.audit_path) as f:
            audit = f.read()
        self.assertIn("ListTables", log)  # debug logging did log requests
        for secret in secrets:
            self.assertNotIn(secret, log)
            self.assertNotIn(secret, audit)


class ExternalIdTest(unittest.TestCase):
    """A role shared with a third party trusts it only with the external
    ID they agreed on (the confused-deputy guard), and only for sessions
    named as agreed."""

    def test_trust_policy_tests_external_id_and_session_name(self):
        partner = "arn:aws:iam::%s:role/partner" % ACCOUNT
        server = Server(identities={
            "account": ACCOUNT,
            "users": {"admin": {
                "access_keys": [{"id": KEYS["admin"][0],
                                 "secret": KEYS["admin"][1]}],
                "policies": [ANYTHING]}},
            "roles": {
                "partner": {"trust": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"AWS": "arn:aws:iam::%s:user/admin"
                                  % ACCOUNT},
                    "Condition": {
                        "StringEquals": {"sts:ExternalId": "lake-7f3a"},
                        "StringLike": {"sts:RoleSessionName": "etl-*"}}}]}},
                "open": {"trust": {"Version": "2012-10-17", "Statement": [{
                    "Effect": "Allow", "Action": "sts:AssumeRole",
                    "Principal": {"AWS": ACCOUNT}}]}}}})
        try:
            sts = client("sts", *KEYS["admin"], server=server)
            creds = sts.assume_role(RoleArn=partner, RoleSessionName="etl-1",
                                    ExternalId="lake-7f3a")["Credentials"]
            self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
            for name, extra in (("etl-1", {}),
                                ("etl-1", {"ExternalId": "lake-7f3b"}),
                                ("adhoc", {"ExternalId": "lake-7f3a"})):
                with self.assertRaises(ClientError) as ctx:
                    sts.assume_role(RoleArn=partner, RoleSessionName=name,
                                    **extra)
                code, message = error_of(ctx)
                self.assertEqual(code, "AccessDenied", (name, extra))
                self.assertIn("sts:AssumeRole on resource: " + partner,
                              message)
            # The external ID is held to STS's constraints (which botocore
            # would check first).
            open_role = "arn:aws:iam::%s:role/open" % ACCOUNT
            sts = boto3.client(
                "sts", endpoint_url=server.endpoint, region_name=REGION,
                aws_access_key_id=KEYS["admin"][0],
                aws_secret_access_key=KEYS["admin"][1],
                config=Config(parameter_validation=False,
                              retries={"total_max_attempts": 1}))
            for bad, rule in (("x", "have length greater than or equal "
                                    "to 2"),
                              ("a b", "satisfy regular expression pattern"),
                              ("x" * 1225, "have length less than or equal "
                                           "to 1224")):
                with self.assertRaises(ClientError) as ctx:
                    sts.assume_role(RoleArn=open_role, RoleSessionName="s1",
                                    ExternalId=bad)
                code, message = error_of(ctx)
                self.assertEqual(code, "ValidationError", bad)
                self.assertIn("at 'externalId' failed to satisfy "
                              "constraint: Member must " + rule, message)
            sts.assume_role(RoleArn=open_role, RoleSessionName="s1",
                            ExternalId="arn:aws:iam::1/x=y,z.@:-_")
        finally:
            server.stop()


class TableNameCaseTest(unittest.TestCase):
    def test_table_names_match_exactly_and_action_names_in_any_case(self):
        def arn(table):
            return "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, table)
        server = Server(identities={
            "account": ACCOUNT,
            "users": {
                "admin": {"access_keys": [{"id": KEYS["admin"][0],
                                           "secret": KEYS["admin"][1]}],
                          "policies": [ANYTHING]},
                "app": {"access_keys": [{"id": KEYS["reader"][0],
                                         "secret": KEYS["reader"][1]}],
                        "policies": [{"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow",
                            "Action": ["DYNAMODB:putitem", "dynamodb:GetIteM"],
                            "Resource": arn("Orders")}]}]}}})
        try:
            admin = client("dynamodb", *KEYS["admin"], server=server)
            for table in ("Orders", "orders", "ORDERS"):
                admin.create_table(
                    TableName=table, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": "pk",
                                           "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
            app = client("dynamodb", *KEYS["reader"], server=server)
            app.put_item(TableName="Orders", Item={"pk": {"S": "a"}})
            self.assertIn("Item", app.get_item(TableName="Orders",
                                               Key={"pk": {"S": "a"}}))
            for table in ("orders", "ORDERS"):
                with self.assertRaises(ClientError) as ctx:
                    app.put_item(TableName=table, Item={"pk": {"S": "a"}})
                code, message = error_of(ctx)
                self.assertEqual(code, "AccessDeniedException", table)
                self.assertIn("on resource: " + arn(table), message)
            # Only the table named in the grant holds the item.
            self.assertNotIn("Item", admin.get_item(TableName="orders",
                                                    Key={"pk": {"S": "a"}}))
        finally:
            server.stop()


class PolicyFromAuditTest(unittest.TestCase):
    """`dynalake policy generate/check` over the audit log of a server in
    audit mode: what a user did becomes its minimal policy, and a given
    policy is checked against it."""

    def test_generate_and_check_from_an_audit_log(self):
        server = Server(extra=["--iam", "audit"])
        try:
            ddb = client("dynamodb", *KEYS["reader"], server=server)
            table = "audited-" + uuid.uuid4().hex[:8]
            # Denied by the policy, allowed in audit mode, and recorded.
            ddb.create_table(
                TableName=table, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "pk",
                                       "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
            ddb.put_item(TableName=table, Item={"pk": {"S": "a"}})
            ddb.get_item(TableName=table, Key={"pk": {"S": "a"}})
        finally:
            server.stop()
        principal = "arn:aws:iam::%s:user/reader" % ACCOUNT
        arn = "arn:aws:dynamodb:%s:%s:table/%s" % (REGION, ACCOUNT, table)
        gen = subprocess.run(
            [os.environ["DYNALAKE"], "policy", "generate", "--audit-log",
             server.audit_path, "--principal", principal],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(gen.returncode, 0, gen.stderr)
        policy = json.loads(gen.stdout)
        granted = {(a, st["Resource"]) for st in policy["Statement"]
                   for a in st["Action"]}
        self.assertEqual(granted, {("dynamodb:CreateTable", arn),
                                   ("dynamodb:PutItem", arn),
                                   ("dynamodb:GetItem", arn)})
        given = os.path.join(HERE, "..", "..", "fixtures", "policies",
                             "dynamodb-read-only.json")
        chk = subprocess.run(
            [os.environ["DYNALAKE"], "policy", "check", "--audit-log",
             server.audit_path, "--principal", principal, "--policy", given],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(chk.returncode, 1, chk.stdout + chk.stderr)
        self.assertIn("denied dynamodb:PutItem", chk.stdout)
        self.assertIn("granted dynamodb:Scan", chk.stdout)
        self.assertIn("+ dynamodb:PutItem", chk.stdout)


def signed_s3_get(raw_path, key_id, secret):
    """GET of raw_path exactly as given (percent-encoding kept), signed by
    botocore's S3 signer; (status, body)."""
    from botocore.auth import S3SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    req = AWSRequest(method="GET", url=SERVER.endpoint + raw_path)
    S3SigV4Auth(Credentials(key_id, secret), "s3", REGION).add_auth(req)
    prepared = urllib.request.Request(req.url, headers=dict(req.headers),
                                      method="GET")
    try:
        with urllib.request.urlopen(prepared, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def signed_post(when, key_id, secret):
    """A ListTables request signed by hand at time `when` (SigV4)."""
    host = SERVER.endpoint.split("://", 1)[1]
    body = b"{}"
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    day = amz_date[:8]
    headers = {"content-type": "application/x-amz-json-1.0",
               "host": host, "x-amz-date": amz_date,
               "x-amz-target": "DynamoDB_20120810.ListTables"}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(
        ["POST", "/", ""] + ["%s:%s" % (k, headers[k]) for k in
                             sorted(headers)] +
        ["", signed, hashlib.sha256(body).hexdigest()])
    scope = "%s/%s/dynamodb/aws4_request" % (day, REGION)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (day, REGION, "dynamodb", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (
        "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
        % (key_id, scope, signed, signature))
    req = urllib.request.Request(SERVER.endpoint + "/", data=body,
                                 headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


if __name__ == "__main__":
    unittest.main()
