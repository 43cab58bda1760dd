/**
 * The `graphnode-worker` command line (commander): every command has `--help` with its options and the
 * environment variables it reads, `--version` prints package.json's version, and a mistake on the command
 * line is one line saying what to do (exit 2). `--debug`, anywhere on the line, adds stack traces to errors.
 */
import { readFile } from "node:fs/promises";
import { Command, CommanderError } from "commander";
import { loadConfig } from "../config.js";
import { createLogger } from "../runtime/logger.js";
import { environmentHelp } from "./environment.js";
import {
  EXIT_FAILED,
  EXIT_INTERRUPTED,
  EXIT_USAGE,
  exitCodeFor,
  formatCliError,
  UsageError,
} from "./errors.js";
import { addGraphOptions, type GraphCliOptions } from "./graphOptions.js";
import { packageVersion } from "./version.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Commander's own messages ("error: unknown option '--x'\n(Did you mean --out?)") as our one line. */
function usageLine(command: string, message: string): string {
  const text = message
    .replace(/^error: /, "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .join(" ");
  const help = command === "graphnode-worker" ? "graphnode-worker --help" : `${command} --help`;
  return `${command}: ${text} (see ${help})\n`;
}

/** Settings every command shares; commander copies them to the commands created after this call. */
function configure(cmd: Command, io: CliIo): Command {
  return cmd
    .exitOverride()
    .showSuggestionAfterError()
    .configureHelp({ showGlobalOptions: true, sortOptions: false })
    .configureOutput({
      writeOut: io.stdout,
      writeErr: io.stderr,
      outputError: (message, write) => write(usageLine("graphnode-worker", message)),
    });
}

/** Each command's errors name it ("graphnode-worker graph: …"): set after the commands are created. */
function nameErrors(cmd: Command): void {
  cmd.configureOutput({
    outputError: (message, write) => write(usageLine(`graphnode-worker ${cmd.name()}`, message)),
  });
}

const EXAMPLES: readonly (readonly [string, string])[] = [
  ["graphnode-worker graph conversations.json --out my-graph", "a graph of a ChatGPT export"],
  ["graphnode-worker graph ~/notes --out notes-graph --json", "the same for a notes folder, for scripts"],
  ["graphnode-worker graph --help", "every option of a command"],
];

function examplesHelp(): string {
  const width = EXAMPLES.reduce((w, [example]) => Math.max(w, example.length), 0);
  return `\nExamples:\n${EXAMPLES.map(([example, what]) => `  ${example.padEnd(width)}  ${what}`).join("\n")}\n`;
}

/** SIGINT/SIGTERM abort the run (bars stop, "interrupted", exit 130); a second one exits at once. */
function abortOnSignals(): AbortSignal {
  const abort = new AbortController();
  const onSignal = () => {
    if (abort.signal.aborted) process.exit(EXIT_INTERRUPTED);
    abort.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return abort.signal;
}

// Each command loads what it needs when it runs (the AWS SDK, Chroma, the pipelines): --help and --version
// stay instant.

async function commandWorker(): Promise<void> {
  const { startWorker, stopOnSignals } = await import("../runtime/worker.js");
  const config = loadConfig(process.env, { requireQueues: true });
  const log = createLogger({ level: config.logLevel });
  const worker = await startWorker(config, log);
  log.info({ healthPort: worker.healthPort }, "worker running");
  stopOnSignals(worker, log);
}

async function commandRun(file: string, options: { storage: string }, io: CliIo): Promise<void> {
  const { runEnvelopeLocally } = await import("../runtime/localRun.js");
  const body = await readFile(file, "utf8").catch((err: NodeJS.ErrnoException) => {
    // "ENOENT: no such file or directory, open 'x'" says it twice and in system words.
    throw Object.assign(
      new Error(`cannot read ${file}: ${err.code === "ENOENT" ? "no such file" : err.message}`),
      {
        code: err.code,
      },
    );
  });
  const config = loadConfig(process.env);
  const log = createLogger({ level: config.logLevel === "info" ? "warn" : config.logLevel });
  const signal = abortOnSignals();
  const { outcome, result } = await runEnvelopeLocally({
    body,
    storageDir: options.storage,
    config,
    log,
    signal,
    onProgress: (env) => io.stderr(`${JSON.stringify(env)}\n`),
  });
  if (!result && signal.aborted) throw Object.assign(new Error("interrupted"), { name: "AbortError" });
  if (!result) throw new Error(`no result (${outcome.kind})`);
  io.stdout(`${JSON.stringify(result)}\n`);
  process.exitCode = result.payload.status === "COMPLETED" ? 0 : EXIT_FAILED;
}

export function createProgram(io: CliIo = processIo): Command {
  const program = configure(new Command("graphnode-worker"), io)
    .description("GraphNode's AI task worker: the SQS loop, and knowledge graphs from your exports, locally.")
    .version(packageVersion(), "-V, --version", "print the version")
    .option("--debug", "show stack traces with errors")
    .helpOption("-h, --help", "show help (also: graphnode-worker <command> --help)")
    .addHelpCommand("help [command]", "show help for a command")
    .addHelpText("after", examplesHelp());

  program
    .command("worker")
    .summary("run the SQS task loop")
    .description("run the SQS task loop: configuration comes from the environment")
    .addHelpText("after", environmentHelp("worker"))
    .action(commandWorker);

  program
    .command("run")
    .summary("run one request envelope locally, as the worker would")
    .description(
      "run one request envelope locally through the same dispatcher and handlers as the worker; the result " +
        "envelope is the last line of stdout, progress goes to stderr as JSON lines, exit 1 on FAILED",
    )
    .argument("<envelope.json>", "the request envelope (taskId, taskType, payload)")
    .requiredOption(
      "--storage <dir>",
      "folder standing for the payload bucket (object keys are paths under it)",
    )
    .addHelpText("after", environmentHelp("run"))
    .action((file: string, options: { storage: string }) => commandRun(file, options, io));

  addGraphOptions(
    program
      .command("graph")
      .summary("build a knowledge graph from an export, locally, with graph.html to look at it")
      .description(
        "build a knowledge graph from an export, locally: graph.json, features.json, summary.json, " +
          "embedder.json and graph.html (an offline viewer). Reads ChatGPT exports (conversations.json), " +
          "Claude exports, folders of markdown notes and backend bundles. On a terminal it shows a bar per " +
          "stage and ends with a summary; elsewhere, or with --json, progress is JSON lines on stderr",
      ),
  )
    .addHelpText("after", environmentHelp("graph"))
    .action(async (input: string, options: GraphCliOptions) => {
      const { runGraphCommand } = await import("./graphCommand.js");
      await runGraphCommand(input, options, abortOnSignals());
    });

  program
    .command("view")
    .summary("write an offline HTML viewer of a graph.json")
    .description("write a self-contained offline HTML viewer of a graph.json and print its path")
    .argument("<graph.json>", "a graph.json (from graph, run or the worker)")
    .option("-o, --out <file.html>", "where to write it (default: graph.html next to the graph.json)")
    .addHelpText("after", environmentHelp("view"))
    .action(async (file: string, options: { out?: string }) => {
      const { writeGraphView } = await import("../viewer/index.js");
      io.stdout(`${await writeGraphView(file, options.out)}\n`);
    });

  program
    .command("schemas")
    .summary("write the wire contract as JSON Schema files")
    .description("write the wire contract (envelopes, payloads, result files) as JSON Schema files")
    .argument("<dir>", "output folder")
    .addHelpText("after", environmentHelp("schemas"))
    .action(async (dir: string) => {
      const { writeJsonSchemas } = await import("../contract/index.js");
      const files = await writeJsonSchemas(dir);
      io.stdout(`${files.length} schema files written to ${dir}\n`);
    });
  for (const cmd of program.commands) nameErrors(cmd);
  return program;
}

/** Which command the arguments name (for the error line), and whether --debug is among them. */
function commandOf(program: Command, argv: string[]): string | undefined {
  const names = new Set(program.commands.map((c) => c.name()));
  return argv.find((a) => names.has(a));
}

/** Runs the command line; resolves to the exit code (the worker keeps the process alive on its own). */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  const debug = argv.includes("--debug");
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    // Commander has printed its own line already (help and --version end here too, with exit code 0).
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_USAGE;
    const command = commandOf(program, argv);
    io.stderr(formatCliError(err, { ...(command ? { command } : {}), debug }));
    return exitCodeFor(err);
  }
}

export { UsageError };
