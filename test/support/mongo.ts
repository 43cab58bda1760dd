/**
 * The shared MongoDB-compatible server of a test run: FerretDB on SQLite, started once by the test command
 * (scripts/lib/ferretdb.mjs) and found here through MONGODB_TEST_URL. Other test files share it, so every test
 * works in a database of its own (useTestDatabase), dropped when the test ends.
 */
import { randomBytes } from "node:crypto";
import type { TestContext } from "node:test";
import { type Db, MongoClient } from "mongodb";
import { missingServiceError, sharedServiceUrl, skipRequested } from "./env.js";

/**
 * The shared server's URL, or null only when SKIP_FERRETDB=1 was set (then show `mongoSkipReason()` as the
 * skip reason). Throws when neither is set: a run that silently lost its MongoDB would look green while
 * testing less.
 */
export function getMongo(): string | null {
  const url = sharedServiceUrl("MONGODB_TEST_URL");
  if (url) return url;
  if (skipRequested("SKIP_FERRETDB")) return null;
  throw missingServiceError("FerretDB", "MONGODB_TEST_URL", "SKIP_FERRETDB");
}

/** Why MongoDB cases are skipped in this run, for `test(name, { skip: mongoSkipReason() }, ...)`. */
export function mongoSkipReason(): string | false {
  return getMongo() ? false : "SKIP_FERRETDB=1: FerretDB was not started for this run";
}

export interface TestDatabase {
  url: string;
  dbName: string;
  /** A client of the test's own, for seeding; closed after the test. */
  client: MongoClient;
  db: Db;
}

/** A unique database name: letters, digits and `_` only, well under every server's length limit. */
export function uniqueDbName(prefix = "test"): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
}

/**
 * A fresh, uniquely named database on the shared server for test `t`; dropped (and the client closed) when
 * the test ends. Requires the server (see getMongo).
 */
export async function useTestDatabase(t: TestContext, prefix?: string): Promise<TestDatabase> {
  const url = getMongo();
  if (!url) throw new Error("useTestDatabase: SKIP_FERRETDB=1, there is no MongoDB in this run");
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  const dbName = uniqueDbName(prefix);
  const db = client.db(dbName);
  t.after(async () => {
    try {
      await db.dropDatabase();
    } finally {
      await client.close();
    }
  });
  return { url, dbName, client, db };
}
