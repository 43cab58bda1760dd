/**
 * The handler of a task type whose pipeline does not exist yet: a clear FAILED result (NOT_IMPLEMENTED),
 * never a fake success.
 */
import { terminal } from "../contract/errors.js";
import type { RequestTaskType } from "../contract/taskTypes.js";
import type { TaskHandler } from "./types.js";

export function notImplemented(type: RequestTaskType): TaskHandler {
  return {
    type,
    async run() {
      throw terminal("NOT_IMPLEMENTED", `${type} is not implemented yet in graphnode-worker`);
    },
  };
}
