#!/usr/bin/env node
/**
 * The `graphnode-worker` command (see src/cli/program.ts, or `graphnode-worker --help`):
 *   worker                                   run the SQS task loop (configuration from the environment)
 *   run <envelope.json> --storage <dir>      run one request envelope locally; the result envelope is the last
 *                                            line of stdout, progress goes to stderr as JSON lines
 *   graph <input> --out <dir>                a knowledge graph from an export, locally (bars on a terminal,
 *                                            JSON lines elsewhere or with --json), ending with a summary
 *   schemas <dir>                            write the wire contract as JSON Schema files
 *   view <graph.json> [--out <file.html>]    write an offline HTML viewer of a graph.json and print its path
 */
import { runCli } from "./cli/program.js";

// `graphnode-worker graph … | head` closes the pipe early: that is the reader's choice, not an error to
// report with a stack. Anything else on these streams is reported as one line.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
    process.exitCode = 1;
  });
}

runCli(process.argv.slice(2)).then(
  (code) => {
    // Only set the code: the worker keeps running on its own handles, and output still being flushed to a
    // pipe must not be cut off by an early exit.
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`graphnode-worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
