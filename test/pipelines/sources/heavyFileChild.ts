/**
 * Run by heavyFile.test.ts in a child process with a capped heap: one GRAPH_GENERATION request whose bundle
 * holds a docx with a huge document.xml (heavyBundle.ts); prints the report as one JSON line.
 *   node heavyFileChild.js <xmlBytes> <chromaUrl>
 */
import { runHeavyBundle } from "./heavyBundle.js";

const [xmlBytes, chromaUrl] = process.argv.slice(2) as [string, string];
const report = await runHeavyBundle({ xmlBytes: Number(xmlBytes), chromaUrl });
console.log(JSON.stringify(report));
