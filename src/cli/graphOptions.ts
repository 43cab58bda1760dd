/**
 * The options of `graphnode-worker graph`, declared once: its help, parsing and defaults all come from these
 * lines, and `oneShotOptions` hands them to the pipeline. To add an option, add its line to `addGraphOptions`,
 * its field to `GraphCliOptions` and its use to `oneShotOptions`.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import type { OneShotOptions } from "../tasks/graphGeneration/oneShot.js";
import { UsageError } from "./errors.js";

/** What the options below parse to (commander names them in camelCase). */
export interface GraphCliOptions {
  out: string;
  clusters?: number;
  min?: number;
  max?: number;
  language?: string;
  json?: boolean;
  llmModel?: string;
}

function clusterCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 200)
    throw new InvalidArgumentError("give a whole number from 1 to 200");
  return n;
}

/** The graph command's options. To add one, add its line here and its use in `oneShotOptions` below. */
export function addGraphOptions(cmd: Command): Command {
  return cmd
    .argument("<input>", "a ChatGPT or Claude export (conversations.json), a folder of notes, or a bundle")
    .requiredOption("-o, --out <dir>", "folder for graph.json, features.json, summary.json and graph.html")
    .option(
      "--clusters <n>",
      "exactly this many clusters (default: chosen between --min and --max)",
      clusterCount,
    )
    .option("--min <n>", "fewest clusters when choosing (default 3)", clusterCount)
    .option("--max <n>", "most clusters when choosing (default 15)", clusterCount)
    .option("--language <xx>", "language of names and summary, e.g. en, ko (default: the items' own)")
    .option("--json", "JSON lines on stderr and one JSON summary on stdout, even on a terminal")
    .option(
      "--llm-model <file.gguf>",
      "name clusters and write the summary with this local GGUF model, run in-process " +
        "(the same as MACRO_LLM_PROVIDER=llama-cpp MACRO_LLM_MODEL=<file.gguf>)",
    );
}

/** The command line's choices as the one-shot pipeline takes them. */
export function oneShotOptions(
  input: string,
  o: GraphCliOptions,
  env: Record<string, string | undefined>,
): Pick<
  OneShotOptions,
  "input" | "outDir" | "env" | "numClusters" | "minClusters" | "maxClusters" | "language"
> {
  if (o.min !== undefined && o.max !== undefined && o.min > o.max)
    throw new UsageError(`--min ${o.min} is more than --max ${o.max}`, "give --min no larger than --max");
  if (o.llmModel !== undefined && !existsSync(o.llmModel))
    throw new UsageError(`--llm-model ${o.llmModel}: no such file`, "give the path of a .gguf model file");
  return {
    input,
    outDir: o.out,
    // The option wins over the environment: it is the more explicit choice, made for this run.
    env: o.llmModel ? { ...env, MACRO_LLM_PROVIDER: "llama-cpp", MACRO_LLM_MODEL: resolve(o.llmModel) } : env,
    ...(o.clusters !== undefined ? { numClusters: o.clusters } : {}),
    ...(o.min !== undefined ? { minClusters: o.min } : {}),
    ...(o.max !== undefined ? { maxClusters: o.max } : {}),
    ...(o.language ? { language: o.language } : {}),
  };
}
