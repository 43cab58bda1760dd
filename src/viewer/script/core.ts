/**
 * In-page JavaScript, part 1 of 4 (joined by ../pageScript.ts into one function scope): the data, derived
 * indexes (adjacency, degrees, search text), the state, and small helpers the other parts use.
 */
export const CORE_JS = String.raw`
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = data.nodes, edges = data.edges, clusters = data.clusters;
  var N = nodes.length, E = edges.length, C = clusters.length;
  var SPACING = data.spacing;
  var LABEL_SCALE = 16 / SPACING; // node labels appear once neighbours are ~16 px apart
  var TAU = Math.PI * 2;

  // ---- derived data -------------------------------------------------------------------------------
  var deg = new Int32Array(N);
  for (var e = 0; e < E; e++) { deg[edges[e][0]]++; deg[edges[e][1]]++; }
  var adjStart = new Int32Array(N + 1);
  for (var i = 0; i < N; i++) adjStart[i + 1] = adjStart[i] + deg[i];
  var adjFill = adjStart.slice(0, N);
  var adjEdge = new Int32Array(2 * E);
  for (e = 0; e < E; e++) { adjEdge[adjFill[edges[e][0]]++] = e; adjEdge[adjFill[edges[e][1]]++] = e; }

  var radius = new Float32Array(N);
  for (i = 0; i < N; i++) radius[i] = 1.8 + 0.6 * Math.sqrt(deg[i]);
  var members = clusters.map(function () { return []; });
  for (i = 0; i < N; i++) members[nodes[i].c].push(i);
  var byDegree = Array.from({ length: N }, function (_, j) { return j; })
    .sort(function (a, b) { return deg[b] - deg[a] || a - b; });
  var clusterOrder = clusters.map(function (_, c) { return c; })
    .sort(function (a, b) { return clusters[b].size - clusters[a].size || a - b; });
  var titleLower = nodes.map(function (n) { return n.t.toLowerCase(); });
  var keywordLower = nodes.map(function (n) { return n.k.map(function (k) { return k[0].toLowerCase(); }); });
  var origLower = nodes.map(function (n) { return (n.o || "").toLowerCase(); });

  // ---- state --------------------------------------------------------------------------------------
  var view = { scale: 1, tx: 0, ty: 0, fitScale: 1 };
  var state = {
    selected: -1, focus: -1, hover: -1, matches: [], matchPos: 0,
    rendered: false, drawnNodes: 0, fitted: false,
  };
  var matchFlag = new Uint8Array(N);
  var neighbourFlag = new Uint8Array(N);

  var canvas = document.getElementById("canvas");
  var ctx = canvas.getContext("2d");
  var stage = document.getElementById("stage");
  var tooltip = document.getElementById("tooltip");
  var panel = document.getElementById("panel");
  var legendList = document.getElementById("legend-list");
  var searchInput = document.getElementById("search");
  var searchCount = document.getElementById("search-count");
  var width = 0, height = 0, dpr = 1;
  var FONT = getComputedStyle(document.documentElement).fontFamily || "sans-serif";

  // ---- small helpers ------------------------------------------------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function swatch(color) { var s = el("span", "swatch"); s.style.background = color; return s; }
  function truncate(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }
  function sx(i) { return nodes[i].x * view.scale + view.tx; }
  function sy(i) { return nodes[i].y * view.scale + view.ty; }
  function nodeR(i) { return Math.max(1.6, radius[i] * Math.min(view.scale, 2.5)); }
  function formatWeight(w) { return w.toFixed(2); }
  function formatTime(ts) {
    if (!ts) return "none";
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(ts);
    return m ? m[1] + " " + m[2] + (m[5] === "Z" ? " UTC" : m[5] ? " " + m[5] : "") : ts;
  }
  function neighbours(i) {
    var out = [];
    for (var p = adjStart[i]; p < adjStart[i + 1]; p++) {
      var ed = edges[adjEdge[p]];
      out.push({ node: ed[0] === i ? ed[1] : ed[0], weight: ed[2], high: ed[3] === 1 });
    }
    out.sort(function (a, b) { return b.weight - a.weight || a.node - b.node; });
    return out;
  }
`;
