/**
 * The real all-MiniLM-L6-v2 (int8 ONNX) the test command assembles from PyPI (scripts/lib/models.mjs) and
 * hands over as SEARCH_MODEL_TEST_DIR. When it is absent (SKIP_MODELS=1, or a test file run by hand without
 * it) the tests that need it skip, saying why.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const cached = fileURLToPath(
  new URL("../../../test-services/.cache/models/all-MiniLM-L6-v2", import.meta.url),
);

export function searchModelDir(): string | undefined {
  const dir = process.env.SEARCH_MODEL_TEST_DIR ?? cached;
  return existsSync(join(dir, "onnx", "model_int8.onnx")) ? dir : undefined;
}

export const NO_MODEL =
  "no all-MiniLM-L6-v2 test model (run the tests through scripts/test.mjs, which fetches it, or unset SKIP_MODELS)";
