/**
 * The examples printed in BACKEND-CONTRACT.md, copied verbatim (section in each comment) so the tests hold
 * the schemas to the document. Only change: the features example's `"… 384 floats"` placeholder is filled
 * with real numbers by `featuresExample()`.
 */

/** §2.1 minimal graph-generation message. */
export const graphGenerationMessage = `{"taskId":"task_u1_01J0000000000000000000000A","taskType":"GRAPH_GENERATION_REQUEST","timestamp":"2026-06-12T10:00:00.000Z",
 "payload":{"userId":"u1","s3Key":"graph-generation/task_u1_01J0000000000000000000000A/","bucket":"taco5-graphnode-graphdata-s3",
            "includeSummary":true,"summaryLanguage":"en","language":"en","inputType":"auto","minClusters":3,"maxClusters":8}}`;

/** §2.1 input.json. */
export const inputJson = `[{"id":"c1","conversation_id":"c1","conversationId":"c1","title":"GNN chat","create_time":1760000000,"update_time":1760000060,
  "mapping":{"m1":{"id":"m1","message":{"id":"m1","author":{"role":"user"},"content":{"content_type":"text","parts":["What is a GNN?"]}},"parent":null,"children":["m2"]},
             "m2":{"id":"m2","message":{"id":"m2","author":{"role":"assistant"},"content":{"content_type":"text","parts":["A graph neural network..."]}},"parent":"m1","children":[]}}}]`;

/** §2.1 notes.json. */
export const notesJson = `{"source_nodes":[{"id":"n1","title":"LLM note","sections":[{"id":"n1","content":"# LLMs\\nGraphs help."}],"source_type":"markdown","create_time":1760000000,"update_time":1760000000}]}`;

/** §2.2 batch.json. */
export const addNodeBatchJson = `{"userId":"u1","existingClusters":[{"id":"cluster_1","name":"Graph ML","description":"","size":3,"themes":["GNN"]}],
 "conversations":[{"id":"c2","conversation_id":"c2","conversationId":"c2","title":"New chat","create_time":1760100000,"update_time":1760100010,"mapping":{}}],
 "notes":[{"noteId":"n2","title":"New note","content":"# KG\\ntext"}],
 "files":[{"fileId":"01KT1AKKD3VPE7YGN7QXT46T2E","title":"spec.docx","s3Key":"user-files/u1/01KT1AKKD3VPE7YGN7QXT46T2E.docx","mimeType":"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}]}`;

/** §2.4 microscope-from-node message. */
export const microscopeFromNodeMessage = `{"taskId":"task_microscope_node_u1_01J0000000000000000000000B_block","taskType":"MICROSCOPE_INGEST_FROM_NODE_REQUEST","timestamp":"2026-06-12T10:00:00.000Z",
 "payload":{"user_id":"u1","node_id":"n1","node_type":"note","group_id":"01J0000000000000000000000G","language":"en",
            "ingest_mode":"from_graphnode","block_mode":true,"generate_micro_graphs":true}}`;

/** §3.1 progress message. */
export const progressMessage = `{"taskId":"task_u1_…","taskType":"GRAPH_GENERATION_PROGRESS","timestamp":"2026-06-12T10:01:00.000Z","payload":{"userId":"u1","currentStage":"[1단계] 임베딩 생성 중","progressPercent":33,"etaSeconds":12}}`;

/** §3.2.a minimal valid graph output. */
export const graphJson = `{"nodes":[{"id":0,"orig_id":"c1","cluster_id":"cluster_1","cluster_name":"Graph ML","num_sections":2,"source_type":"chat","timestamp":"2026-06-12T10:00:00.000Z","keywords":[{"term":"gnn","score":0.8}],"top_keywords":["gnn"]},
          {"id":1,"orig_id":"n1","cluster_id":"cluster_1","cluster_name":"Graph ML","num_sections":1,"source_type":"markdown","timestamp":null,"keywords":[],"top_keywords":[]},
          {"id":2,"orig_id":"01KT1AJS0YPC4C3805641TKH5E","cluster_id":"cluster_1","cluster_name":"Graph ML","num_sections":1,"source_type":"pdf","timestamp":null,"keywords":[],"top_keywords":[]}],
 "edges":[{"source":0,"target":1,"weight":0.82,"type":"semantic","is_intra_cluster":true,"confidence":"high"}],
 "subclusters":[{"id":"subcluster_1","cluster_id":"cluster_1","node_ids":[0,1],"representative_node_id":0,"size":2,"density":1.0,"top_keywords":["gnn"]}],
 "metadata":{"generated_at":"2026-06-12T10:05:00.000Z","total_nodes":3,"total_edges":1,"total_clusters":1,"language":"en",
             "clusters":{"cluster_1":{"name":"Graph ML","description":"Graph learning topics","size":3,"key_themes":["GNN","knowledge graphs"]}}}}`;

/** §3.2.b features.json, with the "… 384 floats" placeholder filled in. */
export function featuresExample(): Record<string, unknown> {
  const embedding = Array.from({ length: 384 }, (_, i) => Math.sin(i + 1) / 20);
  return JSON.parse(`{"conversations":[{"id":0,"orig_id":"c1","keywords":[{"term":"gnn","score":0.8}],"create_time":1760000000,"update_time":1760000060,"num_sections":2,"source_type":"chat"}],
 "embeddings":[${JSON.stringify(embedding)}],
 "metadata":{}}`);
}

/** §3.2.c summary.json. */
export const summaryJson = `{"overview":{"total_source_nodes":3,"time_span":"2026-06-01 ~ 2026-06-12","primary_interests":["graph ML"],"conversation_style":"exploratory","most_active_period":"N/A","summary_text":"Mostly graph learning."},
 "clusters":[{"cluster_id":"cluster_1","name":"Graph ML","size":3,"density":0.5,"centrality":1.0,"recency":"active","top_keywords":["gnn"],"key_themes":["GNN"],"common_question_types":["how-to"],"insight_text":"…","notable_conversations":["c1"]}],
 "patterns":[],"connections":[],"recommendations":[],"generated_at":"2026-06-12T10:06:00.000Z","detail_level":"standard"}`;

/** §3.4 AddNode result.json. */
export const addNodeResultJson = `{"userId":"u1","processedCount":2,
 "results":[{"conversationId":"c2","nodes":[{"id":"u1_c2","userId":"u1","origId":"c2","clusterId":"cluster_1","clusterName":"Graph ML","numMessages":2,"timestamp":null}],
             "edges":[{"source":"u1_c2","target":"u1_c1","weight":0.71,"type":"insight","intraCluster":true}],
             "assignedCluster":{"clusterId":"cluster_1","isNewCluster":false,"confidence":0.9,"reasoning":"same topic","name":"Graph ML","themes":["GNN"]}},
            {"noteId":"n2","nodes":[{"id":"u1_n2","userId":"u1","origId":"n2","clusterId":"cluster_9","clusterName":"Knowledge Graphs","numSections":1}],"edges":[],
             "assignedCluster":{"clusterId":"cluster_9","isNewCluster":true,"confidence":0.8,"reasoning":"new topic","name":"Knowledge Graphs","themes":["KG"]},"skipped":false}]}`;

/** §3.5 standardized.json. */
export const standardizedJson = `[{"nodes":[{"name":"GNN","type":"Method","description":"Graph neural network","source_chunk_id":0}],
  "edges":[{"start":"GNN","target":"Message passing","type":"uses","description":"GNNs use message passing","source_chunk_id":0,"evidence":"…","confidence":0.9}]}]`;

/** §3.5 block_graph.json. */
export const blockGraphJson = `{"block_graph":{"blocks":[{"block_id":"b1","title":"Intro","summary":"…","key_concepts":["GNN"],"order_index":0,"turn_range":null,"raw_text":"…",
                           "micro_graph":{"nodes":[{"id":"mn1","name":"GNN","type":"Concept","description":"…","source_chunk_id":0}],"edges":[]}}],
                "edges":[],"paths":[["b1"]],"ordering_rationale":"single block"}}`;

/** §3.5 minimal microscope result message. */
export const microscopeResultMessage = `{"taskId":"task_microscope_node_u1_01J0000000000000000000000B_nonblock","taskType":"MICROSCOPE_INGEST_FROM_NODE_RESULT","timestamp":"2026-06-12T10:03:00.000Z",
 "payload":{"user_id":"u1","group_id":"01J0000000000000000000000G","status":"COMPLETED","source_id":"n1","chunks_count":1,
            "standardized_s3_key":"results/microscope/u1/task_microscope_node_u1_01J0000000000000000000000B_nonblock/standardized.json"}}`;

/** A fresh deep copy, so a test can mutate an example. */
export function json<T = Record<string, unknown>>(text: string): T {
  return JSON.parse(text) as T;
}
