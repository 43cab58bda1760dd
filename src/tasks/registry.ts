/**
 * Every request task type the worker answers, with its handler. A type whose pipeline is not built yet is
 * still registered and answers FAILED/NOT_IMPLEMENTED, so no request is ever left without a result.
 * ADD_CONVERSATION_REQUEST is resolved to ADD_NODE_REQUEST by the runtime (canonicalRequestType).
 */
import { canonicalRequestType, REQUEST_TASK_TYPES, type RequestTaskType } from "../contract/taskTypes.js";
import { addNodeHandler } from "./addNode.js";
import { graphGenerationHandler } from "./graphGeneration/handler.js";
import { graphSummaryHandler } from "./graphSummary.js";
import { microscopeIngestFromNodeHandler, microscopeIngestHandler } from "./microscopeIngest.js";
import { microscopeQueryHandler } from "./microscopeQuery.js";
import { microscopeRelatedQuestionsHandler } from "./microscopeRelatedQuestions.js";
import { microscopeSynthesizeHandler } from "./microscopeSynthesize.js";
import { notImplemented } from "./notImplemented.js";
import type { HandlerRegistry, TaskHandler } from "./types.js";

const implemented: TaskHandler[] = [
  graphGenerationHandler(),
  addNodeHandler(),
  graphSummaryHandler(),
  microscopeIngestHandler(),
  microscopeIngestFromNodeHandler(),
  microscopeQueryHandler(),
  microscopeSynthesizeHandler(),
  microscopeRelatedQuestionsHandler(),
];

export function createHandlerRegistry(overrides: TaskHandler[] = []): HandlerRegistry {
  const map = new Map<RequestTaskType, TaskHandler>();
  for (const type of REQUEST_TASK_TYPES) {
    const canonical = canonicalRequestType(type);
    if (canonical === type) map.set(type, notImplemented(type));
  }
  for (const h of [...implemented, ...overrides]) map.set(canonicalRequestType(h.type), h);
  return map;
}
