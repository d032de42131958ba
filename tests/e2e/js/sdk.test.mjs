// End-to-end tests with the AWS SDK for JavaScript v3 against a
// `dynalake serve` started here with fixtures/identities.json, so every
// request is SigV4-verified and IAM-enforced. Run by tests/e2e/run with
// DYNALAKE set to the binary: `node --test` in this folder.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { fileURLToPath } from "node:url";

import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand,
  UpdateItemCommand, QueryCommand, DeleteItemCommand, DescribeTableCommand,
} from "@aws-sdk/client-dynamodb";
import {
  DynamoDBStreamsClient, DescribeStreamCommand, GetShardIteratorCommand,
  GetRecordsCommand,
} from "@aws-sdk/client-dynamodb-streams";
import {
  STSClient, GetCallerIdentityCommand, AssumeRoleCommand,
} from "@aws-sdk/client-sts";
import {
  S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand,
  ListObjectsV2Command,
} from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient, PutCommand, GetCommand } from "@aws-sdk/lib-dynamodb";

const here = path.dirname(fileURLToPath(import.meta.url));
const identities = path.join(here, "..", "..", "..", "fixtures", "identities.json");
const ACCOUNT = "123456789012";
const KEYS = {
  admin: { accessKeyId: "AKIAADMIN0000EXAMPLE", secretAccessKey: "admin-secret-key-example" },
  reader: { accessKeyId: "AKIAREADER000EXAMPLE", secretAccessKey: "reader-secret-key-example" },
};

let server;
let endpoint;

before(async () => {
  server = spawn(process.env.DYNALAKE, ["serve", "--port", "0", "--identities", identities],
                 { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: server.stdout });
  endpoint = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start")), 10000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line.trim().split(" ").pop());
    });
  });
});

after(async () => {
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  assert.equal(await exited, 0);
});

function config(credentials) {
  return { endpoint, region: "us-east-1", credentials, maxAttempts: 1, forcePathStyle: true };
}

async function expectError(promise, name) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.name, name, `${err.name}: ${err.message}`);
    return true;
  });
}

const table = `js-${Date.now()}`;

test("DynamoDB items round-trip every type, exactly", async () => {
  const ddb = new DynamoDBClient(config(KEYS.admin));
  const created = await ddb.send(new CreateTableCommand({
    TableName: table, BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" },
                           { AttributeName: "sk", AttributeType: "N" }],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
  }));
  assert.equal(created.TableDescription.TableArn,
               `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${table}`);
  const item = {
    pk: { S: "u#1" }, sk: { N: "1" },
    big: { N: "12345678901234567890123456789012345678" },
    neg: { N: "-0.000000000000000000000000000000000001" },
    bin: { B: Uint8Array.from([0, 1, 254, 255]) },
    ss: { SS: ["a", "b"] }, ns: { NS: ["1", "2.5"] },
    m: { M: { l: { L: [{ S: "é" }, { NULL: true }, { BOOL: false }] } } },
  };
  await ddb.send(new PutItemCommand({ TableName: table, Item: item }));
  const got = await ddb.send(new GetItemCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
  assert.equal(got.Item.big.N, "12345678901234567890123456789012345678");
  assert.equal(got.Item.neg.N, "-0.000000000000000000000000000000000001");
  assert.deepEqual(Array.from(got.Item.bin.B), [0, 1, 254, 255]);
  assert.deepEqual(got.Item.ss.SS.sort(), ["a", "b"]);
  assert.deepEqual(got.Item.m, item.m);
});

test("UpdateItem, Query and conditional failures", async () => {
  const ddb = new DynamoDBClient(config(KEYS.admin));
  const updated = await ddb.send(new UpdateItemCommand({
    TableName: table, Key: { pk: { S: "u#1" }, sk: { N: "1" } },
    UpdateExpression: "SET n = if_not_exists(n, :zero) + :one",
    ExpressionAttributeValues: { ":zero": { N: "0" }, ":one": { N: "1" } },
    ReturnValues: "UPDATED_NEW",
  }));
  assert.deepEqual(updated.Attributes, { n: { N: "1" } });
  for (let sk = 2; sk <= 5; sk++)
    await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "u#1" }, sk: { N: String(sk) } } }));
  const page = await ddb.send(new QueryCommand({
    TableName: table, KeyConditionExpression: "pk = :p AND sk BETWEEN :lo AND :hi",
    ExpressionAttributeValues: { ":p": { S: "u#1" }, ":lo": { N: "2" }, ":hi": { N: "4" } },
    ScanIndexForward: false,
  }));
  assert.deepEqual(page.Items.map((i) => i.sk.N), ["4", "3", "2"]);
  await expectError(ddb.send(new PutItemCommand({
    TableName: table, Item: { pk: { S: "u#1" }, sk: { N: "1" } },
    ConditionExpression: "attribute_not_exists(pk)",
  })), "ConditionalCheckFailedException");
  await expectError(ddb.send(new DescribeTableCommand({ TableName: "no-such-table" })),
                    "ResourceNotFoundException");
});

test("the document client keeps numbers exact when asked", async () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(config(KEYS.admin)),
                                          { unmarshallOptions: { wrapNumbers: true } });
  await doc.send(new PutCommand({ TableName: table, Item: { pk: "doc", sk: 7, label: "seven" } }));
  const got = await doc.send(new GetCommand({ TableName: table, Key: { pk: "doc", sk: 7 } }));
  assert.equal(got.Item.label, "seven");
  assert.equal(got.Item.sk.value, "7");
});

test("IAM refuses a read-only user's write with AWS's message", async () => {
  const reader = new DynamoDBClient(config(KEYS.reader));
  await reader.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "u#1" }, sk: { N: "1" } } }));
  await assert.rejects(
    reader.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "u#1" }, sk: { N: "1" } } })),
    (err) => {
      assert.equal(err.name, "AccessDeniedException");
      assert.match(err.message, /user\/reader is not authorized to perform: dynamodb:DeleteItem/);
      return true;
    });
  const forged = new DynamoDBClient(config({ ...KEYS.reader, secretAccessKey: "wrong" }));
  await expectError(forged.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "x" }, sk: { N: "1" } } })),
                    "InvalidSignatureException");
});

test("STS identifies callers and issues role sessions", async () => {
  const sts = new STSClient(config(KEYS.admin));
  const me = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, `arn:aws:iam::${ACCOUNT}:user/admin`);
  const role = await sts.send(new AssumeRoleCommand({
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/analyst`, RoleSessionName: "js",
  }));
  const session = new STSClient(config({
    accessKeyId: role.Credentials.AccessKeyId, secretAccessKey: role.Credentials.SecretAccessKey,
    sessionToken: role.Credentials.SessionToken,
  }));
  const who = await session.send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/analyst/js`);
  await expectError(new STSClient(config(KEYS.reader)).send(new AssumeRoleCommand({
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/analyst`, RoleSessionName: "js",
  })), "AccessDenied");
});

test("the stream holds every change in order", async () => {
  const streams = new DynamoDBStreamsClient(config(KEYS.admin));
  const ddb = new DynamoDBClient(config(KEYS.admin));
  const desc = await ddb.send(new DescribeTableCommand({ TableName: table }));
  const stream = await streams.send(new DescribeStreamCommand({ StreamArn: desc.Table.LatestStreamArn }));
  const shard = stream.StreamDescription.Shards[0];
  const it = await streams.send(new GetShardIteratorCommand({
    StreamArn: desc.Table.LatestStreamArn, ShardId: shard.ShardId, ShardIteratorType: "TRIM_HORIZON",
  }));
  const out = await streams.send(new GetRecordsCommand({ ShardIterator: it.ShardIterator }));
  const names = out.Records.map((r) => r.eventName);
  assert.equal(names[0], "INSERT");
  assert.ok(names.includes("MODIFY"));
  const seqs = out.Records.map((r) => BigInt(r.dynamodb.SequenceNumber));
  for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i] > seqs[i - 1]);
});

test("S3 objects round-trip with the SDK's default checksums", async () => {
  const s3 = new S3Client(config(KEYS.admin));
  const bucket = `js-${Date.now()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const body = "line one\nline two\n".repeat(1000);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: "dir/a.jsonl", Body: body }));
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "dir/a.jsonl" }));
  assert.equal(await got.Body.transformToString(), body);
  const list = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "dir/" }));
  assert.deepEqual(list.Contents.map((o) => o.Key), ["dir/a.jsonl"]);
  const reader = new S3Client(config(KEYS.reader));
  await expectError(reader.send(new PutObjectCommand({ Bucket: bucket, Key: "x", Body: "x" })),
                    "AccessDenied");
});
