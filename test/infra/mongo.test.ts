import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, type TestContext, test } from "node:test";
import { ObjectId } from "mongodb";
import { type ErrorCode, TaskError } from "../../src/contract/errors.js";
import {
  closeMongoNodeReaders,
  createMongoNodeReader,
  DEFAULT_MONGO_DB_NAME,
  dbNameFromUrl,
  type MongoNodeReader,
  openMongoNodeReader,
  redactMongoUrl,
  resolveMongoDbName,
} from "../../src/infra/mongo.js";
import { mongoSkipReason, type TestDatabase, useTestDatabase } from "../support/mongo.js";

const skip = mongoSkipReason();
const USER = "user-12345";
const OTHER = "user-other";
const SECRET = "secret body that must never appear in an error";

type AnyDoc = { _id: string | ObjectId } & Record<string, unknown>;
/** A collection of the test's database, typed loosely: the tests store backend-shaped documents. */
const col = (store: TestDatabase, name: string) => store.db.collection<AnyDoc>(name);

async function setup(t: TestContext): Promise<{ store: TestDatabase; reader: MongoNodeReader }> {
  const store = await useTestDatabase(t, "mongo");
  const reader = createMongoNodeReader({
    url: store.url,
    dbName: store.dbName,
    serverSelectionTimeoutMs: 10_000,
  });
  t.after(() => reader.close());
  return { store, reader };
}

/** Asserts a TaskError of this code and kind whose message leaks no document content. */
function isTaskError(code: ErrorCode, kind: "terminal" | "transient") {
  return (err: unknown) => {
    assert.ok(err instanceof TaskError, `expected a TaskError, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.kind, kind);
    assert.ok(!err.message.includes(SECRET), "the message must not quote the document");
    return true;
  };
}

/** A port nothing listens on: taken from the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

describe("Mongo node reader (FerretDB)", { skip }, () => {
  test("reads a note as '# title' and its markdown content", async (t) => {
    const { store, reader } = await setup(t);
    const createdAt = new Date("2026-05-01T10:00:00.000Z");
    await col(store, "notes").insertOne({
      _id: "01J00000000000000000000NTE",
      ownerUserId: USER,
      title: "Graph ML",
      content: "## GNNs\n\nMessage passing.",
      folderId: null,
      createdAt,
      updatedAt: createdAt,
      deletedAt: null,
    });
    const doc = await reader.readNode({
      userId: USER,
      nodeId: "01J00000000000000000000NTE",
      nodeType: "note",
    });
    assert.equal(doc.nodeId, "01J00000000000000000000NTE");
    assert.equal(doc.nodeType, "note");
    assert.equal(doc.title, "Graph ML");
    assert.equal(doc.text, "# Graph ML\n\n## GNNs\n\nMessage passing.");
    assert.equal(doc.sizeChars, doc.text.length);
    assert.equal(doc.createdAt, createdAt.toISOString());
    assert.equal(doc.turns, undefined);
  });

  test("reads a note stored with an ObjectId and no deletedAt field", async (t) => {
    const { store, reader } = await setup(t);
    const id = new ObjectId();
    await col(store, "notes").insertOne({ _id: id, ownerUserId: USER, title: "", content: "body" });
    const doc = await reader.readNode({ userId: USER, nodeId: id.toHexString(), nodeType: "note" });
    assert.equal(doc.title, `Note ${id.toHexString()}`);
    assert.equal(doc.text, `# Note ${id.toHexString()}\n\nbody`);
    assert.equal(doc.createdAt, undefined);
  });

  test("reads a conversation: user/assistant turns in createdAt then _id order, system and deleted skipped", async (t) => {
    const { store, reader } = await setup(t);
    const conv = "01J00000000000000000000CNV";
    await col(store, "conversations").insertOne({
      _id: conv,
      ownerUserId: USER,
      title: "Chat about graphs",
      createdAt: 1760000000000,
    });
    const msg = (id: string, role: string, content: string, createdAt: number, extra: object = {}) => ({
      _id: id,
      conversationId: conv,
      ownerUserId: USER,
      role,
      content,
      createdAt,
      updatedAt: createdAt,
      ...extra,
    });
    // Inserted out of order; m3a and m3b share a createdAt, so _id decides.
    await col(store, "messages").insertMany([
      msg("m4", "assistant", "Message passing between nodes.", 4000, { deletedAt: null }),
      msg("m3b", "user", "And how do they learn?", 3000),
      msg("m1", "system", "You are a helpful assistant.", 1000),
      msg("m3a", "assistant", "Graph neural networks.", 3000),
      msg("m2", "user", "What is a GNN?", 2000),
      msg("m5", "user", SECRET, 5000, { deletedAt: new Date() }),
      msg("m6", "assistant", "   ", 6000),
      { ...msg("x1", "user", "another conversation", 1500), conversationId: "01J0000000000000000000OTHR" },
    ]);
    const doc = await reader.readNode({ userId: USER, nodeId: conv, nodeType: "conversation" });
    assert.equal(doc.title, "Chat about graphs");
    assert.deepEqual(doc.turns, [
      { role: "user", content: "What is a GNN?", index: 0 },
      { role: "assistant", content: "Graph neural networks.", index: 1 },
      { role: "user", content: "And how do they learn?", index: 2 },
      { role: "assistant", content: "Message passing between nodes.", index: 3 },
    ]);
    assert.equal(
      doc.text,
      "# Chat about graphs\n\nQ: What is a GNN?\n\nA: Graph neural networks.\n\nQ: And how do they learn?\n\n" +
        "A: Message passing between nodes.",
    );
    assert.equal(doc.sizeChars, doc.text.length);
    assert.equal(doc.createdAt, new Date(1760000000000).toISOString());
  });

  test("an untitled conversation is headed 'Conversation {id}'", async (t) => {
    const { store, reader } = await setup(t);
    await col(store, "conversations").insertOne({ _id: "c1", ownerUserId: USER, deletedAt: null });
    await col(store, "messages").insertOne({
      _id: "m1",
      conversationId: "c1",
      ownerUserId: USER,
      role: "user",
      content: "hi",
      createdAt: 1,
    });
    const doc = await reader.readNode({ userId: USER, nodeId: "c1", nodeType: "conversation" });
    assert.equal(doc.title, "Conversation c1");
    assert.equal(doc.text, "# Conversation c1\n\nQ: hi");
  });

  test("a deleted note is not found", async (t) => {
    const { store, reader } = await setup(t);
    await col(store, "notes").insertOne({
      _id: "n1",
      ownerUserId: USER,
      title: "t",
      content: SECRET,
      deletedAt: new Date(),
    });
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" }),
      isTaskError("INPUT_NOT_FOUND", "terminal"),
    );
  });

  test("a deleted conversation is not found", async (t) => {
    const { store, reader } = await setup(t);
    await col(store, "conversations").insertOne({
      _id: "c1",
      ownerUserId: USER,
      title: SECRET,
      deletedAt: 1760000000000,
    });
    await col(store, "messages").insertOne({
      _id: "m1",
      conversationId: "c1",
      ownerUserId: USER,
      role: "user",
      content: "hi",
      createdAt: 1,
    });
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "c1", nodeType: "conversation" }),
      isTaskError("INPUT_NOT_FOUND", "terminal"),
    );
  });

  test("another user's note is not found, and the message does not say it exists", async (t) => {
    const { store, reader } = await setup(t);
    await col(store, "notes").insertOne({ _id: "n1", ownerUserId: OTHER, title: "t", content: SECRET });
    const err = await reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" }).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    isTaskError("INPUT_NOT_FOUND", "terminal")(err);
    const missing = await reader.readNode({ userId: USER, nodeId: "n-none", nodeType: "note" }).then(
      () => assert.fail("expected a rejection"),
      (e: unknown) => e,
    );
    isTaskError("INPUT_NOT_FOUND", "terminal")(missing);
    // Same wording as for an id that does not exist at all.
    assert.equal(
      (err as Error).message.replace("n1", "ID"),
      (missing as Error).message.replace("n-none", "ID"),
    );
  });

  test("a missing conversation is not found", async (t) => {
    const { reader } = await setup(t);
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "01J0000000000000000000NONE", nodeType: "conversation" }),
      isTaskError("INPUT_NOT_FOUND", "terminal"),
    );
  });

  test("an empty note, and a conversation with only system messages, are invalid input", async (t) => {
    const { store, reader } = await setup(t);
    await col(store, "notes").insertOne({ _id: "n1", ownerUserId: USER, title: SECRET, content: " \n " });
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" }),
      isTaskError("INVALID_INPUT", "terminal"),
    );
    await col(store, "conversations").insertOne({ _id: "c1", ownerUserId: USER, title: "t" });
    await col(store, "messages").insertOne({
      _id: "m1",
      conversationId: "c1",
      ownerUserId: USER,
      role: "system",
      content: SECRET,
      createdAt: 1,
    });
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "c1", nodeType: "conversation" }),
      isTaskError("INVALID_INPUT", "terminal"),
    );
  });

  test("a text over maxChars is DOCUMENT_TOO_LARGE", async (t) => {
    const { store } = await setup(t);
    const reader = createMongoNodeReader({ url: store.url, dbName: store.dbName, maxChars: 50 });
    t.after(() => reader.close());
    await col(store, "notes").insertOne({
      _id: "n1",
      ownerUserId: USER,
      title: "t",
      content: "x".repeat(60),
    });
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" }),
      isTaskError("DOCUMENT_TOO_LARGE", "terminal"),
    );
  });

  test("an aborted signal rejects with its reason", async (t) => {
    const { store, reader } = await setup(t);
    await col(store, "notes").insertOne({ _id: "n1", ownerUserId: USER, title: "t", content: "c" });
    const reason = new Error("stopping");
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" }, AbortSignal.abort(reason)),
      (err) => err === reason,
    );
  });

  test("openMongoNodeReader shares one reader per URL and database; closeMongoNodeReaders closes them", async (t) => {
    const { store } = await setup(t);
    await col(store, "notes").insertOne({ _id: "n1", ownerUserId: USER, title: "t", content: "c" });
    const config = { mongo: { url: store.url, dbName: store.dbName } };
    const reader = openMongoNodeReader(config);
    assert.equal(openMongoNodeReader(config), reader);
    assert.equal(reader.dbName, store.dbName);
    assert.equal((await reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" })).text, "# t\n\nc");
    await closeMongoNodeReaders();
    await assert.rejects(
      reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" }),
      isTaskError("DATABASE_ERROR", "transient"),
    );
    assert.notEqual(openMongoNodeReader(config), reader);
    await closeMongoNodeReaders();
  });
});

describe("Mongo node reader without a server", () => {
  test("an unreachable server is a transient DATABASE_ERROR", async () => {
    const port = await closedPort();
    const reader = createMongoNodeReader({
      url: `mongodb://worker:hunter2@127.0.0.1:${port}/graphnode`,
      serverSelectionTimeoutMs: 300,
      connectTimeoutMs: 300,
    });
    try {
      await assert.rejects(
        reader.readNode({ userId: USER, nodeId: "n1", nodeType: "note" }),
        (err: unknown) => {
          isTaskError("DATABASE_ERROR", "transient")(err);
          assert.ok(!(err as Error).message.includes("hunter2"));
          return true;
        },
      );
      assert.equal(reader.target, `mongodb://***@127.0.0.1:${port}/graphnode`);
    } finally {
      await reader.close();
    }
  });

  test("openMongoNodeReader without a URL is a terminal DATABASE_ERROR", () => {
    assert.throws(() => openMongoNodeReader({ mongo: {} }), isTaskError("DATABASE_ERROR", "terminal"));
  });

  test("an unparsable URL is a terminal DATABASE_ERROR that does not quote it", () => {
    assert.throws(
      () => createMongoNodeReader({ url: "mongodb://u:hunter2@host:notaport/" }),
      (err: unknown) => {
        isTaskError("DATABASE_ERROR", "terminal")(err);
        assert.ok(!(err as Error).message.includes("hunter2"));
        return true;
      },
    );
  });

  test("the database: MONGODB_DB_NAME, else the URL's path, else the default", () => {
    assert.equal(resolveMongoDbName("mongodb://h:27017/fromurl?authSource=admin", "explicit"), "explicit");
    assert.equal(resolveMongoDbName("mongodb://h:27017/fromurl?authSource=admin"), "fromurl");
    assert.equal(resolveMongoDbName("mongodb+srv://u:p@cluster.example/app"), "app");
    assert.equal(resolveMongoDbName("mongodb://h:27017/"), DEFAULT_MONGO_DB_NAME);
    assert.equal(resolveMongoDbName("mongodb://h:27017"), DEFAULT_MONGO_DB_NAME);
    assert.equal(resolveMongoDbName("mongodb://h1,h2/?replicaSet=rs0"), DEFAULT_MONGO_DB_NAME);
    assert.equal(dbNameFromUrl("mongodb://h/my%2Ddb"), "my-db");
  });

  test("redactMongoUrl hides user and password", () => {
    assert.equal(redactMongoUrl("mongodb://u:p%40ss@h1:1,h2:2/db?x=1"), "mongodb://***@h1:1,h2:2/db?x=1");
    assert.equal(redactMongoUrl("mongodb+srv://u:p@c.example/db"), "mongodb+srv://***@c.example/db");
    assert.equal(redactMongoUrl("mongodb://h:27017/db"), "mongodb://h:27017/db");
  });
});
