import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlm, resolveLlmConfig } from "../../../src/ai/llm/index.js";
import { TaskError } from "../../../src/contract/errors.js";

test("no provider configured means none, and createLlm gives no Llm for none", () => {
  const config = resolveLlmConfig({ OPENAI_API_KEY: "sk-env-key-000000" }, "MACRO");
  assert.equal(config.provider, "none");
  assert.equal(createLlm(config), null);
  assert.equal(createLlm({ provider: "none", model: "" }), null);
  assert.equal(resolveLlmConfig({ MACRO_LLM_PROVIDER: "off" }, "MACRO").provider, "none");
});

test("the prefixed variables pick provider and model; DEV_<PROVIDER>_API_KEY wins over <PROVIDER>_API_KEY", () => {
  const env = {
    MACRO_LLM_PROVIDER: "groq",
    MACRO_LLM_MODEL: "llama-3.1-8b-instant",
    MICROSCOPE_LLM_PROVIDER: "openai",
    GROQ_API_KEY: "gsk_plain_0000000000",
    DEV_GROQ_API_KEY: "gsk_dev_00000000000",
    OPENAI_API_KEY: "sk-plain-0000000000",
  };
  const macro = resolveLlmConfig(env, "MACRO");
  assert.equal(macro.provider, "groq");
  assert.equal(macro.model, "llama-3.1-8b-instant");
  assert.equal(macro.apiKey, "gsk_dev_00000000000");
  const micro = resolveLlmConfig(env, "MICROSCOPE");
  assert.equal(micro.provider, "openai");
  assert.equal(micro.model, "gpt-5-mini", "the provider's default model");
  assert.equal(micro.apiKey, "sk-plain-0000000000");
});

test("numeric and switch settings are read and checked, naming the variable on error", () => {
  const env = {
    MICROSCOPE_LLM_PROVIDER: "openai",
    OPENAI_API_KEY: "sk-x-00000000",
    MICROSCOPE_LLM_TEMPERATURE: "0.2",
    MICROSCOPE_LLM_TIMEOUT: "120",
    MICROSCOPE_LLM_MAX_RETRIES: "5",
    MICROSCOPE_LLM_CONCURRENCY: "8",
    MICROSCOPE_LLM_REASONING_EFFORT: "low",
    MICROSCOPE_LLM_STRUCTURED_OUTPUTS: "false",
  };
  const c = resolveLlmConfig(env, "MICROSCOPE");
  assert.equal(c.temperature, 0.2);
  assert.equal(c.timeoutMs, 120_000);
  assert.equal(c.maxRetries, 5);
  assert.equal(c.concurrency, 8);
  assert.equal(c.reasoningEffort, "low");
  assert.equal(c.structuredOutputs, false);
  assert.throws(
    () => resolveLlmConfig({ ...env, MICROSCOPE_LLM_TIMEOUT: "soon" }, "MICROSCOPE"),
    (e: unknown) =>
      e instanceof TaskError && e.code === "VALIDATION_ERROR" && /MICROSCOPE_LLM_TIMEOUT/.test(e.message),
  );
  assert.throws(
    () => resolveLlmConfig({ MACRO_LLM_PROVIDER: "skynet" }, "MACRO"),
    /unknown LLM provider in MACRO_LLM_PROVIDER/,
  );
});

test("a per-task override replaces provider, model and key; another provider does not inherit the configured model", () => {
  const env = {
    MICROSCOPE_LLM_PROVIDER: "openai",
    MICROSCOPE_LLM_MODEL: "gpt-4o-mini",
    OPENAI_API_KEY: "sk-server-00000000",
    ANTHROPIC_API_KEY: "sk-ant-server-0000",
  };
  const same = resolveLlmConfig(env, "MICROSCOPE", { api_key: "sk-user-00000000" });
  assert.equal(same.provider, "openai");
  assert.equal(same.model, "gpt-4o-mini");
  assert.equal(same.apiKey, "sk-user-00000000");

  const other = resolveLlmConfig(env, "MICROSCOPE", { provider: "anthropic" });
  assert.equal(other.provider, "anthropic");
  assert.equal(other.model, "claude-haiku-4-5");
  assert.equal(other.apiKey, "sk-ant-server-0000");

  const named = resolveLlmConfig(env, "MICROSCOPE", {
    provider: "Gemini",
    model: "gemini-2.5-pro",
    api_key: "g-user",
  });
  assert.deepEqual([named.provider, named.model, named.apiKey], ["google", "gemini-2.5-pro", "g-user"]);

  const keyOnly = resolveLlmConfig({}, "MACRO", { api_key: "sk-user-1111111" });
  assert.equal(keyOnly.provider, "openai", "a key without any provider means openai, as in the incumbent");

  assert.throws(
    () => resolveLlmConfig(env, "MICROSCOPE", { provider: "evil" }),
    (e: unknown) => e instanceof TaskError && e.kind === "terminal" && /request's provider/.test(e.message),
  );
  assert.throws(
    () => resolveLlmConfig(env, "MICROSCOPE", { model: "gpt 4\nrm -rf" }),
    /not a valid model id/,
  );
});

test("openai-compatible needs a base URL; openrouter and zai come with theirs", () => {
  assert.throws(
    () => resolveLlmConfig({ MACRO_LLM_PROVIDER: "openai-compatible", MACRO_LLM_MODEL: "m" }, "MACRO"),
    /LLM_BASE_URL/,
  );
  const local = resolveLlmConfig(
    {
      MACRO_LLM_PROVIDER: "openai-compatible",
      MACRO_LLM_MODEL: "qwen",
      LLM_BASE_URL: "http://127.0.0.1:8080/v1",
    },
    "MACRO",
  );
  assert.equal(local.baseURL, "http://127.0.0.1:8080/v1");
  assert.equal(local.apiKey, undefined);
  const router = resolveLlmConfig(
    {
      MACRO_LLM_PROVIDER: "openrouter",
      MACRO_LLM_MODEL: "openai/gpt-4o-mini",
      DEV_OPENROUTER_API_KEY: "or-key",
    },
    "MACRO",
  );
  assert.deepEqual(
    [router.provider, router.name, router.baseURL, router.apiKey],
    ["openai-compatible", "openrouter", "https://openrouter.ai/api/v1", "or-key"],
  );
  assert.throws(
    () => resolveLlmConfig({ MACRO_LLM_PROVIDER: "openai", LLM_BASE_URL: "file:///etc/passwd" }, "MACRO"),
    /must be an http\(s\) URL/,
  );
});

test("createLlm looks the key up in the environment and fails clearly without one", () => {
  const env = { DEV_OPENAI_API_KEY: "sk-dev-0000000000" };
  const llm = createLlm({ provider: "openai", model: "gpt-4o-mini" }, { env });
  assert.ok(llm);
  assert.equal(llm.provider, "openai");
  assert.equal(llm.model, "gpt-4o-mini");
  assert.throws(
    () => createLlm({ provider: "anthropic", model: "claude-haiku-4-5" }, { env }),
    (e: unknown) =>
      e instanceof TaskError &&
      e.code === "LLM_ERROR" &&
      e.kind === "terminal" &&
      e.message.includes("DEV_ANTHROPIC_API_KEY or ANTHROPIC_API_KEY"),
  );
  assert.ok(
    createLlm({ provider: "openai-compatible", model: "m", baseURL: "http://127.0.0.1:1/v1" }, { env: {} }),
  );
});

test("createLlm describes what it built, with defaults and the reasoning switch", () => {
  const env = { OPENAI_API_KEY: "sk-0000000000", GROQ_API_KEY: "gsk_000000000" };
  const gpt5 = createLlm({ provider: "openai", model: "gpt-5-mini", temperature: 0.5 }, { env })!;
  assert.deepEqual(gpt5.describe(), {
    provider: "openai",
    model: "gpt-5-mini",
    reasoning: true,
    temperature: null,
    timeoutMs: 300_000,
    maxRetries: 3,
    concurrency: 4,
    structuredOutputs: true,
  });
  const groq = createLlm({ provider: "groq", model: "llama-3.1-8b-instant", concurrency: 2 }, { env })!;
  assert.equal(groq.describe().structuredOutputs, false, "json_schema is not available on this Groq model");
  assert.equal(groq.describe().concurrency, 2);
  assert.equal(
    createLlm({ provider: "groq", model: "openai/gpt-oss-20b" }, { env })!.describe().structuredOutputs,
    true,
  );
});

test("llama-cpp: the model is a .gguf path from the configuration only; threads, context and GPU are read", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const dir = mkdtempSync(join(tmpdir(), "gguf-"));
  const file = join(dir, "tiny.gguf");
  writeFileSync(file, "GGUF");
  const env = {
    MICROSCOPE_LLM_PROVIDER: "llama-cpp",
    MICROSCOPE_LLM_MODEL: file,
    MICROSCOPE_LLM_THREADS: "1",
    MICROSCOPE_LLM_CONTEXT_SIZE: "4096",
    MICROSCOPE_LLM_GPU: "false",
  };
  const c = resolveLlmConfig(env, "MICROSCOPE", { model: "gpt-5-mini" });
  assert.equal(c.provider, "llama-cpp");
  assert.equal(c.model, file, "a request's model name is not taken as a path");
  assert.equal(c.threads, 1);
  assert.equal(c.contextSize, 4096);
  assert.equal(c.gpu, false);
  const llm = createLlm(c)!;
  assert.equal(llm.model, "tiny.gguf", "the file name, not the path, in descriptions and metadata");
  assert.equal(llm.describe().concurrency, 1);
  assert.equal(llm.describe().structuredOutputs, true);
  assert.throws(
    () => resolveLlmConfig(env, "MICROSCOPE", { provider: "llama-cpp" }),
    /a request cannot choose the llama-cpp provider/,
  );
  assert.throws(
    () =>
      createLlm(resolveLlmConfig({ ...env, MICROSCOPE_LLM_MODEL: join(dir, "missing.gguf") }, "MICROSCOPE")),
    /readable \.gguf file \(MICROSCOPE_LLM_MODEL\)/,
  );
  assert.throws(
    () => resolveLlmConfig({ ...env, MICROSCOPE_LLM_THREADS: "0" }, "MICROSCOPE"),
    /MICROSCOPE_LLM_THREADS/,
  );
});
