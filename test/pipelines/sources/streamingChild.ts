/**
 * Run in a child process with a capped heap by streaming.test.ts:
 *   stream <dir>  iterate the bundle, dropping items; print counts
 *   keep <dir>    load the bundle keeping every item; print counts and retained heap
 *   parse <dir>   the non-streaming control: JSON.parse the whole input.json
 */
import { readFileSync } from "node:fs";
import v8 from "node:v8";
import vm from "node:vm";
import { iterateBundle, loadBundle } from "../../../src/pipelines/sources/index.js";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const [mode, dir] = process.argv.slice(2) as [string, string];

const counts = { items: 0, messages: 0, chars: 0 };
const count = (item: { numSections: number; texts: { text: string }[] }) => {
  counts.items++;
  counts.messages += item.numSections;
  for (const t of item.texts) counts.chars += t.text.length;
};

if (mode === "stream") {
  for await (const item of iterateBundle(dir)) count(item);
  console.log(JSON.stringify(counts));
} else if (mode === "keep") {
  gc();
  const before = process.memoryUsage().heapUsed;
  const items = await loadBundle(dir);
  gc();
  const retained = process.memoryUsage().heapUsed - before;
  for (const item of items) count(item);
  console.log(JSON.stringify({ ...counts, retained }));
} else if (mode === "parse") {
  const all = JSON.parse(readFileSync(`${dir}/input.json`, "utf8")) as unknown[];
  console.log(JSON.stringify({ items: all.length }));
}
