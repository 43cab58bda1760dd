/**
 * A worker process for process-level tests: the production assembly (config from the environment, startWorker,
 * the same SIGTERM/SIGINT handling as `graphnode-worker worker`) with the scripted test handler registered for
 * GRAPH_GENERATION_REQUEST. Prints "ready <healthPort>" on stdout once it polls.
 */
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/runtime/logger.js";
import { startWorker, stopOnSignals } from "../../src/runtime/worker.js";
import { createHandlerRegistry } from "../../src/tasks/registry.js";
import { scriptedHandler } from "./scriptedHandler.js";

const config = loadConfig(process.env, { requireQueues: true });
const log = createLogger({ level: config.logLevel });
const worker = await startWorker(config, log, { handlers: createHandlerRegistry([scriptedHandler()]) });
stopOnSignals(worker, log);
process.stdout.write(`ready ${worker.healthPort}\n`);
