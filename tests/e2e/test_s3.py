"""End-to-end S3 tests: boto3 against a running `dynalake serve`.

Run by tests/e2e/run with DYNALAKE_ENDPOINT=http://127.0.0.1:PORT, under
Debian's python3 (boto3 1.26) and the image's python3 (boto3 1.43, which
adds CRC32 checksums by default). Standard library unittest only; each test
makes its own uniquely named buckets. Expected codes are AWS's.
"""

import hashlib
import io
import json
import os
import subprocess
import tempfile
import unittest
import urllib.error
import urllib.request
import uuid

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ.get("DYNALAKE_ENDPOINT", "http://127.0.0.1:4566")
REGION = "us-east-1"
MIB = 1024 * 1024


def make_client(region=REGION, **config):
    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(
            region_name=region,
            retries={"total_max_attempts": 1},
            s3={"addressing_style": "path"},
            **config,
        ),
    )


def version_at_least(major, minor):
    parts = botocore.__version__.split(".")
    return (int(parts[0]), int(parts[1])) >= (major, minor)


class S3Case(unittest.TestCase):
    def setUp(self):
        self.s3 = make_client()
        self.bucket = "e2e-" + uuid.uuid4().hex[:12]
        self.s3.create_bucket(Bucket=self.bucket)

    def tearDown(self):
        try:
            for page in self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket
            ):
                for o in page.get("Contents", []):
                    self.s3.delete_object(Bucket=self.bucket, Key=o["Key"])
            self.s3.delete_bucket(Bucket=self.bucket)
        except ClientError:
            pass

    def assertError(self, code, status, fn, *args, **kw):
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kw)
        err = cm.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status)
        return err


class TestBuckets(S3Case):
    def test_bucket_is_listed_and_located(self):
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertIn(self.bucket, names)
        self.s3.head_bucket(Bucket=self.bucket)
        loc = self.s3.get_bucket_location(Bucket=self.bucket)
        self.assertIsNone(loc["LocationConstraint"])

    def test_location_constraint_and_owned_bucket(self):
        eu = make_client("eu-west-1")
        name = "e2e-eu-" + uuid.uuid4().hex[:8]
        cfg = {"LocationConstraint": "eu-west-1"}
        eu.create_bucket(Bucket=name, CreateBucketConfiguration=cfg)
        try:
            loc = eu.get_bucket_location(Bucket=name)
            self.assertEqual(loc["LocationConstraint"], "eu-west-1")
            self.assertError("BucketAlreadyOwnedByYou", 409, eu.create_bucket,
                             Bucket=name, CreateBucketConfiguration=cfg)
        finally:
            eu.delete_bucket(Bucket=name)

    def test_bucket_errors(self):
        self.assertError("InvalidBucketName", 400, self.s3.create_bucket,
                         Bucket="ab")
        self.assertError("NoSuchBucket", 404, self.s3.list_objects_v2,
                         Bucket="e2e-none-" + uuid.uuid4().hex[:8])
        self.assertError("404", 404, self.s3.head_bucket,
                         Bucket="e2e-none-" + uuid.uuid4().hex[:8])
        self.s3.put_object(Bucket=self.bucket, Key="k", Body=b"x")
        self.assertError("BucketNotEmpty", 409, self.s3.delete_bucket,
                         Bucket=self.bucket)

    def test_bucket_policy(self):
        self.assertError("NoSuchBucketPolicy", 404, self.s3.get_bucket_policy,
                         Bucket=self.bucket)
        doc = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
               '"Principal":"*","Action":"s3:GetObject","Resource":'
               '"arn:aws:s3:::%s/*"}]}' % self.bucket)
        self.s3.put_bucket_policy(Bucket=self.bucket, Policy=doc)
        self.assertEqual(self.s3.get_bucket_policy(Bucket=self.bucket)["Policy"],
                         doc)
        self.s3.delete_bucket_policy(Bucket=self.bucket)
        self.assertError("MalformedPolicy", 400, self.s3.put_bucket_policy,
                         Bucket=self.bucket, Policy="nope")


class TestObjects(S3Case):
    def test_round_trip_with_metadata(self):
        body = b"hello, lake"
        put = self.s3.put_object(Bucket=self.bucket, Key="dir/a b+c.json",
                                 Body=body, ContentType="application/json",
                                 Metadata={"source": "stream"})
        self.assertEqual(put["ETag"], '"%s"' % hashlib.md5(body).hexdigest())
        got = self.s3.get_object(Bucket=self.bucket, Key="dir/a b+c.json")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ContentType"], "application/json")
        self.assertEqual(got["Metadata"], {"source": "stream"})
        head = self.s3.head_object(Bucket=self.bucket, Key="dir/a b+c.json")
        self.assertEqual(head["ContentLength"], len(body))
        self.assertEqual(head["ETag"], put["ETag"])

    def test_missing_key(self):
        err = self.assertError("NoSuchKey", 404, self.s3.get_object,
                               Bucket=self.bucket, Key="missing")
        self.assertEqual(err["Error"]["Key"], "missing")
        self.assertError("404", 404, self.s3.head_object, Bucket=self.bucket,
                         Key="missing")

    def test_range_and_conditions(self):
        put = self.s3.put_object(Bucket=self.bucket, Key="r", Body=b"0123456789")
        got = self.s3.get_object(Bucket=self.bucket, Key="r", Range="bytes=3-5")
        self.assertEqual(got["Body"].read(), b"345")
        self.assertEqual(got["ContentRange"], "bytes 3-5/10")
        self.assertError("InvalidRange", 416, self.s3.get_object,
                         Bucket=self.bucket, Key="r", Range="bytes=20-")
        self.assertError("PreconditionFailed", 412, self.s3.get_object,
                         Bucket=self.bucket, Key="r", IfMatch='"nope"')
        self.assertError("304", 304, self.s3.get_object, Bucket=self.bucket,
                         Key="r", IfNoneMatch=put["ETag"])

    @unittest.skipUnless(version_at_least(1, 35), "IfNoneMatch on PutObject")
    def test_put_if_none_match(self):
        self.s3.put_object(Bucket=self.bucket, Key="once", Body=b"1",
                           IfNoneMatch="*")
        self.assertError("PreconditionFailed", 412, self.s3.put_object,
                         Bucket=self.bucket, Key="once", Body=b"2",
                         IfNoneMatch="*")

    def test_checksums_are_validated_and_returned(self):
        for algo in ("CRC32", "CRC32C", "SHA1", "SHA256"):
            try:
                put = self.s3.put_object(Bucket=self.bucket, Key="c-" + algo,
                                         Body=b"checksum me",
                                         ChecksumAlgorithm=algo)
            except botocore.exceptions.MissingDependencyException:
                continue  # CRC32C needs awscrt, which the image may lack
            got = self.s3.get_object(Bucket=self.bucket, Key="c-" + algo,
                                     ChecksumMode="ENABLED")
            self.assertEqual(got["Body"].read(), b"checksum me")
            self.assertEqual(got["Checksum" + algo], put["Checksum" + algo])
        self.assertError("BadDigest", 400, self.s3.put_object,
                         Bucket=self.bucket, Key="bad", Body=b"data",
                         ChecksumCRC32="AAAAAA==")

    def test_content_md5_is_checked(self):
        import base64
        self.assertError("BadDigest", 400, self.s3.put_object,
                         Bucket=self.bucket, Key="md5", Body=b"data",
                         ContentMD5=base64.b64encode(b"0" * 16).decode())
        self.assertError("404", 404, self.s3.head_object, Bucket=self.bucket,
                         Key="md5")

    def test_copy_with_metadata_directive(self):
        self.s3.put_object(Bucket=self.bucket, Key="src", Body=b"copy me",
                           Metadata={"a": "1"})
        self.s3.copy_object(Bucket=self.bucket, Key="same",
                            CopySource={"Bucket": self.bucket, "Key": "src"})
        self.assertEqual(self.s3.head_object(Bucket=self.bucket,
                                             Key="same")["Metadata"],
                         {"a": "1"})
        self.s3.copy_object(Bucket=self.bucket, Key="new",
                            CopySource={"Bucket": self.bucket, "Key": "src"},
                            MetadataDirective="REPLACE", Metadata={"b": "2"})
        got = self.s3.get_object(Bucket=self.bucket, Key="new")
        self.assertEqual(got["Body"].read(), b"copy me")
        self.assertEqual(got["Metadata"], {"b": "2"})
        self.assertError("InvalidRequest", 400, self.s3.copy_object,
                         Bucket=self.bucket, Key="src",
                         CopySource={"Bucket": self.bucket, "Key": "src"})

    def test_delete_objects(self):
        for k in ("a", "b", "c"):
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")
        out = self.s3.delete_objects(
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": "a"}, {"Key": "b"}]})
        self.assertEqual(sorted(d["Key"] for d in out["Deleted"]), ["a", "b"])
        out = self.s3.delete_objects(
            Bucket=self.bucket, Delete={"Objects": [{"Key": "c"}],
                                        "Quiet": True})
        self.assertNotIn("Deleted", out)
        self.assertEqual(self.s3.list_objects_v2(Bucket=self.bucket)["KeyCount"],
                         0)


class TestListing(S3Case):
    def setUp(self):
        super().setUp()
        self.keys = ["k%02d/%s" % (i % 4, i) for i in range(23)]
        self.keys += ["top", "\u00e9t\u00e9", "z"]
        for k in self.keys:
            self.s3.put_object(Bucket=self.bucket, Key=k, Body=b"x")

    def test_v2_paginator_sees_every_key_in_binary_order(self):
        seen = []
        pages = self.s3.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, PaginationConfig={"PageSize": 5})
        for page in pages:
            seen += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(seen, sorted(self.keys, key=lambda k: k.encode()))

    def test_delimiter_rolls_up_common_prefixes(self):
        out = self.s3.list_objects_v2(Bucket=self.bucket, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in out["CommonPrefixes"]],
                         ["k00/", "k01/", "k02/", "k03/"])
        self.assertEqual([o["Key"] for o in out["Contents"]],
                         ["top", "z", "\u00e9t\u00e9"])
        out = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="k01/",
                                      StartAfter="k01/1", FetchOwner=True)
        self.assertEqual([o["Key"] for o in out["Contents"]],
                         ["k01/13", "k01/17", "k01/21", "k01/5", "k01/9"])
        self.assertIn("Owner", out["Contents"][0])

    def test_v1_paginator_with_marker(self):
        seen = []
        for page in self.s3.get_paginator("list_objects").paginate(
                Bucket=self.bucket, Delimiter="/",
                PaginationConfig={"PageSize": 2}):
            seen += [o["Key"] for o in page.get("Contents", [])]
            seen += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        self.assertEqual(sorted(seen, key=lambda k: k.encode()),
                         ["k00/", "k01/", "k02/", "k03/", "top", "z",
                          "\u00e9t\u00e9"])

    def test_url_encoding_type(self):
        out = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="\u00e9")
        self.assertEqual([o["Key"] for o in out["Contents"]], ["\u00e9t\u00e9"])


class TestMultipart(S3Case):
    def test_upload_file_uses_multipart(self):
        data = os.urandom(12 * MIB + 123)
        cfg = TransferConfig(multipart_threshold=5 * MIB,
                             multipart_chunksize=5 * MIB)
        self.s3.upload_fileobj(io.BytesIO(data), self.bucket, "big.bin",
                               Config=cfg)
        head = self.s3.head_object(Bucket=self.bucket, Key="big.bin")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertTrue(head["ETag"].endswith('-3"'), head["ETag"])
        out = io.BytesIO()
        self.s3.download_fileobj(self.bucket, "big.bin", out, Config=cfg)
        self.assertEqual(out.getvalue(), data)

    def test_low_level_errors(self):
        up = self.s3.create_multipart_upload(Bucket=self.bucket, Key="m")
        uid = up["UploadId"]
        p1 = self.s3.upload_part(Bucket=self.bucket, Key="m", UploadId=uid,
                                 PartNumber=1, Body=b"small")
        p2 = self.s3.upload_part(Bucket=self.bucket, Key="m", UploadId=uid,
                                 PartNumber=2, Body=b"tail")
        parts = self.s3.list_parts(Bucket=self.bucket, Key="m", UploadId=uid)
        self.assertEqual([p["PartNumber"] for p in parts["Parts"]], [1, 2])
        uploads = self.s3.list_multipart_uploads(Bucket=self.bucket)
        self.assertEqual([u["UploadId"] for u in uploads["Uploads"]], [uid])
        good = [{"PartNumber": 1, "ETag": p1["ETag"]},
                {"PartNumber": 2, "ETag": p2["ETag"]}]
        self.assertError("EntityTooSmall", 400,
                         self.s3.complete_multipart_upload, Bucket=self.bucket,
                         Key="m", UploadId=uid,
                         MultipartUpload={"Parts": good})
        self.assertError("InvalidPartOrder", 400,
                         self.s3.complete_multipart_upload, Bucket=self.bucket,
                         Key="m", UploadId=uid,
                         MultipartUpload={"Parts": good[::-1]})
        self.assertError("InvalidPart", 400,
                         self.s3.complete_multipart_upload, Bucket=self.bucket,
                         Key="m", UploadId=uid,
                         MultipartUpload={"Parts": [{"PartNumber": 1,
                                                     "ETag": '"bad"'}]})
        self.s3.abort_multipart_upload(Bucket=self.bucket, Key="m",
                                       UploadId=uid)
        self.assertError("NoSuchUpload", 404, self.s3.list_parts,
                         Bucket=self.bucket, Key="m", UploadId=uid)


class TestPresigned(S3Case):
    def test_presigned_get_and_put(self):
        self.s3.put_object(Bucket=self.bucket, Key="p/get", Body=b"shared")
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "p/get"},
            ExpiresIn=300)
        with urllib.request.urlopen(url, timeout=10) as resp:
            self.assertEqual(resp.read(), b"shared")
        url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": self.bucket, "Key": "p/put"},
            ExpiresIn=300)
        req = urllib.request.Request(url, data=b"uploaded", method="PUT")
        with urllib.request.urlopen(req, timeout=10) as resp:
            self.assertEqual(resp.status, 200)
        got = self.s3.get_object(Bucket=self.bucket, Key="p/put")
        self.assertEqual(got["Body"].read(), b"uploaded")

    def test_presigned_v4_missing_key(self):
        s3v4 = make_client(signature_version="s3v4")
        url = s3v4.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": "none"},
            ExpiresIn=300)
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(url, timeout=10)
        self.assertEqual(cm.exception.code, 404)
        self.assertIn(b"<Code>NoSuchKey</Code>", cm.exception.read())


def add_fault(rule):
    """POST a fault rule to the emulator's admin API (loopback, unsigned)."""
    req = urllib.request.Request(
        ENDPOINT + "/_dynalake/faults", data=json.dumps(rule).encode(),
        method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200, resp.status


class TestFaults(S3Case):
    """S3 fault rules scoped to this test's bucket (other suites share the
    server), each limited by a count so that it goes by itself; boto3's
    standard retry mode rides through SlowDown and InternalError."""

    def retrying(self):
        return boto3.client(
            "s3", endpoint_url=ENDPOINT, region_name=REGION,
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"mode": "standard", "max_attempts": 6},
                          s3={"addressing_style": "path"}))

    def test_retries_ride_through_slow_down_and_internal_error(self):
        s3 = self.retrying()
        add_fault({"error": "SlowDown", "bucket": self.bucket, "count": 3})
        put = s3.put_object(Bucket=self.bucket, Key="k", Body=b"kept")
        self.assertEqual(put["ResponseMetadata"]["RetryAttempts"], 3)
        add_fault({"error": "InternalError", "bucket": self.bucket,
                   "prefix": "k", "operation": "GetObject", "count": 2})
        got = s3.get_object(Bucket=self.bucket, Key="k")
        self.assertEqual(got["ResponseMetadata"]["RetryAttempts"], 2)
        self.assertEqual(got["Body"].read(), b"kept")

    def test_without_retries_slow_down_surfaces(self):
        add_fault({"error": "SlowDown", "bucket": self.bucket,
                   "prefix": "only/", "count": 1})
        self.s3.put_object(Bucket=self.bucket, Key="other", Body=b"fine")
        self.assertError("SlowDown", 503, self.s3.put_object,
                         Bucket=self.bucket, Key="only/k", Body=b"x")
        self.s3.put_object(Bucket=self.bucket, Key="only/k", Body=b"x")

    def test_multipart_upload_rides_through_a_fraction(self):
        s3 = self.retrying()
        add_fault({"error": "SlowDown", "bucket": self.bucket,
                   "fraction": 0.3, "count": 4, "latency_ms": 20})
        data = os.urandom(12 * MIB + 5)
        cfg = TransferConfig(multipart_threshold=5 * MIB,
                             multipart_chunksize=5 * MIB)
        s3.upload_fileobj(io.BytesIO(data), self.bucket, "big", Config=cfg)
        out = io.BytesIO()
        s3.download_fileobj(self.bucket, "big", out, Config=cfg)
        self.assertEqual(out.getvalue(), data)

    def test_large_put_object_round_trips(self):
        data = os.urandom(20 * MIB + 7)
        self.s3.put_object(Bucket=self.bucket, Key="large", Body=data)
        got = self.s3.get_object(Bucket=self.bucket, Key="large")
        self.assertEqual(got["ContentLength"], len(data))
        self.assertEqual(got["Body"].read(), data)
        ranged = self.s3.get_object(Bucket=self.bucket, Key="large",
                                    Range="bytes=9000000-9999999")
        self.assertEqual(ranged["Body"].read(), data[9000000:10000000])


@unittest.skipUnless(os.environ.get("DYNALAKE"), "needs $DYNALAKE to start")
class TestChunkedOverTLS(unittest.TestCase):
    """Over HTTPS the SDKs send aws-chunked bodies with unsigned CRC32
    trailers (STREAMING-UNSIGNED-PAYLOAD-TRAILER); over plain HTTP they send
    the checksum as a header. This starts a private TLS server."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cert = os.path.join(cls.tmp.name, "cert.pem")
        cls.proc = subprocess.Popen(
            [os.environ["DYNALAKE"], "serve", "--port", "0",
             "--tls-self-signed", cert],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        line = cls.proc.stdout.readline()
        if "listening on https://" not in line:
            cls.proc.kill()
            raise unittest.SkipTest("no TLS server: " + line.strip())
        endpoint = line.split("listening on ")[1].strip()
        cls.s3 = boto3.client(
            "s3", endpoint_url=endpoint, region_name=REGION, verify=cert,
            aws_access_key_id="test", aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1},
                          s3={"addressing_style": "path"}))
        cls.s3.create_bucket(Bucket="tls-chunked")

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        cls.proc.wait(timeout=10)
        cls.proc.stdout.close()
        cls.tmp.cleanup()

    def test_trailer_checksum_put_and_get(self):
        sent = []
        self.s3.meta.events.register(
            "before-send.s3.PutObject",
            lambda request, **kw: sent.append(
                request.headers.get("X-Amz-Content-SHA256")))
        put = self.s3.put_object(Bucket="tls-chunked", Key="k",
                                 Body=b"hello over tls",
                                 ChecksumAlgorithm="CRC32")
        self.assertEqual(sent[-1], b"STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        self.assertEqual(put["ChecksumCRC32"], "Br5oYg==")
        got = self.s3.get_object(Bucket="tls-chunked", Key="k",
                                 ChecksumMode="ENABLED")
        self.assertEqual(got["Body"].read(), b"hello over tls")
        self.assertEqual(got["ChecksumCRC32"], "Br5oYg==")

    def test_large_chunked_put_object_decodes_from_disk(self):
        data = os.urandom(20 * MIB + 3)
        self.s3.put_object(Bucket="tls-chunked", Key="large", Body=data,
                           ChecksumAlgorithm="CRC32")
        got = self.s3.get_object(Bucket="tls-chunked", Key="large")
        self.assertEqual(got["Body"].read(), data)

    def test_multipart_with_composite_checksum(self):
        data = os.urandom(11 * MIB)
        cfg = TransferConfig(multipart_threshold=5 * MIB,
                             multipart_chunksize=5 * MIB)
        self.s3.upload_fileobj(io.BytesIO(data), "tls-chunked", "big",
                               ExtraArgs={"ChecksumAlgorithm": "CRC32"},
                               Config=cfg)
        head = self.s3.head_object(Bucket="tls-chunked", Key="big",
                                   ChecksumMode="ENABLED")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertTrue(head["ChecksumCRC32"].endswith("-3"), head)
        out = io.BytesIO()
        self.s3.download_fileobj("tls-chunked", "big", out)
        self.assertEqual(out.getvalue(), data)


if __name__ == "__main__":
    unittest.main()
