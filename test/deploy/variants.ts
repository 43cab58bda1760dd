/**
 * Parameter sets the deploy tests evaluate the template with: the defaults, each LLM key choice, and the edges
 * of the ranges the template allows. Fake but well-formed values for the parameters without a default.
 */
export const REQUIRED_PARAMETERS: Record<string, string | string[]> = {
  ImageTag: "0123abc",
  SubnetIds: ["subnet-0123456789abcdef0"],
  SecurityGroupIds: ["sg-0123456789abcdef0"],
  SecretArn: "arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:graphnode-worker-Ab12Cd",
  ChromaUrl: "http://chroma.internal:8000",
};

/** The provider whose key each LlmApiKeyVariable value is. */
export const PROVIDER_OF_KEY: Record<string, string> = {
  OPENAI_API_KEY: "openai",
  ANTHROPIC_API_KEY: "anthropic",
  GOOGLE_API_KEY: "google",
  GROQ_API_KEY: "groq",
  OPENAI_COMPATIBLE_API_KEY: "openai-compatible",
};

export interface Variant {
  name: string;
  overrides: Record<string, string | string[]>;
}

export function variants(): Variant[] {
  const out: Variant[] = [{ name: "defaults", overrides: {} }];
  for (const [key, provider] of Object.entries(PROVIDER_OF_KEY)) {
    out.push({
      name: `LLM ${provider}`,
      overrides: {
        LlmApiKeyVariable: key,
        MacroLlmProvider: provider,
        MicroscopeLlmProvider: provider,
        ...(provider === "openai-compatible"
          ? { LlmBaseUrl: "https://llm.internal/v1", MacroLlmModel: "m", MicroscopeLlmModel: "m" }
          : {}),
        SecretHasChromaApiKey: "true",
      },
    });
  }
  out.push({
    name: "shortest lease, no MongoDB",
    overrides: {
      VisibilityTimeoutSeconds: "60",
      HeartbeatIntervalSeconds: "25",
      SecretHasMongoDbUrl: "false",
    },
  });
  out.push({
    name: "large tasks at the edges of the retry and shutdown ranges",
    overrides: {
      TaskCpu: "4096",
      TaskMemory: "16384",
      NodeMaxOldSpaceMiB: "12288",
      CpuPoolSize: "4",
      WorkerConcurrency: "20",
      MaxReceiveCount: "8",
      RedriveMaxReceiveCount: "10",
      ShutdownGraceSeconds: "100",
      MaxTasks: "40",
    },
  });
  return out.map((v) => ({ ...v, overrides: { ...REQUIRED_PARAMETERS, ...v.overrides } }));
}
