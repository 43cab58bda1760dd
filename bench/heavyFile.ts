/**
 * `npm run bench:heavyfile`: one GRAPH_GENERATION request whose bundle holds a ~2.7 MB docx with a 190 MB
 * word/document.xml (issue 10, point 7), through the production runner and handler with a real CPU pool and
 * a real Chroma; reports the main thread's event-loop delay (p50/p99/max), wall time and memory.
 *
 *   HEAVY_XML_MB=190 (size of document.xml)   CPU_THREADS=1 (pool threads)
 *
 * Run on a tree before the fix (text extraction on the main thread) for the comparison: the same script
 * works there, the report says which jobs ran on the pool.
 */
import { runHeavyBundle } from "../test/pipelines/sources/heavyBundle.js";
import { getTestChroma } from "../test/support/chroma.js";

const xmlMb = Number(process.env.HEAVY_XML_MB ?? 190);
const chroma = await getTestChroma();
try {
  const report = await runHeavyBundle({
    xmlBytes: xmlMb * 1024 * 1024,
    chromaUrl: chroma.url,
    threads: Number(process.env.CPU_THREADS ?? 1),
  });
  const status = (report.outcome as { envelope?: { payload?: { status?: string } } }).envelope?.payload
    ?.status;
  const docNode = report.graph?.nodes.find((n) => n.orig_id.startsWith("01J0HEAVY"));
  const round = (n: number) => Math.round(n * 10) / 10;
  console.log(
    JSON.stringify(
      {
        docx_mb: round(report.docxBytes / 1024 / 1024),
        document_xml_mb: round(report.xmlBytes / 1024 / 1024),
        status: status ?? report.outcome,
        doc_node_metadata: docNode?.metadata ?? null,
        pool_jobs: report.jobs.map((j) => `${j.job} ${Math.round(j.endMs - j.startMs)} ms`),
        wall_s: round((report.taskEndMs - report.taskStartMs) / 1000),
        event_loop_delay_ms: {
          p50: round(report.loopDelayMs.p50),
          p99: round(report.loopDelayMs.p99),
          max: round(report.loopDelayMs.max),
        },
        main_heap_growth_mb: round(report.heapUsedGrowthMb),
        peak_rss_mb: round(report.maxRssMb),
        peak_rss_growth_mb: round(report.maxRssGrowthMb),
      },
      null,
      2,
    ),
  );
} finally {
  await chroma.stop();
}
