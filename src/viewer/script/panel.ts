/**
 * In-page JavaScript, part 4 of 4: the legend, the side panel, the read-only `window.__graphView` for tests,
 * and start-up.
 */
export const PANEL_JS = String.raw`
  // ---- legend and panel ---------------------------------------------------------------------------
  function buildLegend() {
    clusterOrder.forEach(function (c) {
      var cl = clusters[c];
      var li = el("li");
      li.setAttribute("data-cluster", String(c));
      li.title = cl.description ? cl.name + ": " + cl.description : cl.name;
      li.appendChild(swatch(cl.color));
      li.appendChild(el("span", "name", cl.name));
      li.appendChild(el("span", "size", cl.size));
      li.tabIndex = 0;
      li.addEventListener("click", function () { toggleFocus(c); });
      li.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); toggleFocus(c); }
      });
      legendList.appendChild(li);
    });
  }

  function nodeList(items) {
    var ul = el("ul", "neighbours");
    var shown = Math.min(items.length, 200);
    for (var k = 0; k < shown; k++) {
      (function (item) {
        var li = el("li");
        li.setAttribute("data-node", String(nodes[item.node].id));
        li.appendChild(swatch(clusters[nodes[item.node].c].color));
        li.appendChild(el("span", "t", nodes[item.node].t));
        var w = el("span", "w", item.weight === undefined ? item.note : formatWeight(item.weight));
        if (item.high) w.appendChild(el("span", "badge", "high"));
        li.appendChild(w);
        li.title = nodes[item.node].t;
        li.addEventListener("click", function () { select(item.node, true); });
        ul.appendChild(li);
      })(items[k]);
    }
    if (items.length > shown) ul.appendChild(el("li", "muted", "… and " + (items.length - shown) + " more"));
    return ul;
  }
  function facts(pairs) {
    var dl = el("dl");
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "") return;
      dl.appendChild(el("dt", null, p[0]));
      dl.appendChild(el("dd", null, p[1]));
    });
    return dl;
  }
  function chips(list) {
    var div = el("div", "chips");
    list.forEach(function (c) {
      var chip = el("span", "chip", c[0]);
      if (c[1] !== null && c[1] !== undefined) chip.appendChild(el("small", null, c[1]));
      div.appendChild(chip);
    });
    return div;
  }

  function renderPanel() {
    panel.textContent = "";
    if (state.selected >= 0) renderNode(state.selected);
    else if (state.focus >= 0) renderCluster(state.focus);
    else renderOverview();
  }
  function renderNode(i) {
    var n = nodes[i], cl = clusters[n.c];
    panel.appendChild(el("h2", "title", n.t));
    var cluster = el("div", "cluster");
    cluster.id = "panel-cluster";
    cluster.appendChild(swatch(cl.color));
    cluster.appendChild(el("span", null, cl.name));
    cluster.title = "Show this cluster";
    cluster.addEventListener("click", function () { setFocus(n.c); });
    panel.appendChild(cluster);
    panel.appendChild(el("p", "desc", cl.description || ""));
    if (n.k.length) {
      panel.appendChild(el("h2", "section", "Keywords"));
      panel.appendChild(chips(n.k.map(function (k) { return [k[0], k[1] ? k[1].toFixed(2) : null]; })));
    }
    panel.appendChild(el("h2", "section", "Details"));
    panel.appendChild(facts([
      ["Source type", n.s || "unknown"],
      ["Timestamp", formatTime(n.ts)],
      ["Source id", n.o],
      ["Sections", n.n],
      ["Node id", n.id],
    ]));
    var near = neighbours(i);
    panel.appendChild(el("h2", "section", "Neighbours (" + near.length + ")"));
    if (near.length) panel.appendChild(nodeList(near));
    else panel.appendChild(el("p", "muted", "No edges."));
  }
  function renderCluster(c) {
    var cl = clusters[c];
    var title = el("h2", "title with-swatch");
    title.appendChild(swatch(cl.color));
    title.appendChild(el("span", null, cl.name));
    panel.appendChild(title);
    panel.appendChild(el("p", "desc", cl.description || ""));
    panel.appendChild(facts([
      ["Nodes", cl.size + (cl.declaredSize !== null && cl.declaredSize !== cl.size ? " (metadata says " + cl.declaredSize + ")" : "")],
      ["Cluster id", cl.id],
    ]));
    if (cl.themes.length) {
      panel.appendChild(el("h2", "section", "Key themes"));
      panel.appendChild(chips(cl.themes.map(function (t) { return [t, null]; })));
    }
    var top = members[c].slice().sort(function (a, b) { return deg[b] - deg[a] || a - b; }).slice(0, 30);
    panel.appendChild(el("h2", "section", "Most connected"));
    panel.appendChild(nodeList(top.map(function (j) { return { node: j, note: deg[j] + " edges" }; })));
  }
  function renderOverview() {
    panel.appendChild(el("h2", "title", data.title));
    var highCount = 0;
    for (var e = 0; e < E; e++) highCount += edges[e][3];
    panel.appendChild(facts([
      ["Nodes", N],
      ["Edges", E + " (" + highCount + " high confidence)"],
      ["Clusters", clusters.filter(function (c) { return c.size > 0; }).length],
      ["Generated", formatTime(data.generatedAt)],
      ["Language", data.language],
      ["Dropped edges", data.droppedEdges ? data.droppedEdges + " (unknown node or self-loop)" : null],
    ]));
    panel.appendChild(el("p", "muted",
      "Click a node to see its details, search by title or keyword, or pick a cluster on the left. " +
      "Drag to pan, scroll to zoom, Enter for the next match, Esc to clear."));
  }

  // ---- start --------------------------------------------------------------------------------------
  var api = {
    screenPosition: function (id) {
      for (var i = 0; i < N; i++) {
        if (nodes[i].id === id) {
          var rect = canvas.getBoundingClientRect();
          return { x: rect.left + sx(i), y: rect.top + sy(i) };
        }
      }
      return null;
    },
  };
  Object.defineProperties(api, {
    nodeCount: { get: function () { return N; }, enumerable: true },
    edgeCount: { get: function () { return E; }, enumerable: true },
    clusterCount: { get: function () { return C; }, enumerable: true },
    rendered: { get: function () { return state.rendered; }, enumerable: true },
    drawnNodes: { get: function () { return state.drawnNodes; }, enumerable: true },
    selected: { get: function () { return state.selected >= 0 ? nodes[state.selected].id : null; }, enumerable: true },
    focusedCluster: { get: function () { return state.focus >= 0 ? clusters[state.focus].id : null; }, enumerable: true },
    matchCount: { get: function () { return state.matches.length; }, enumerable: true },
  });
  Object.defineProperty(window, "__graphView", { value: Object.freeze(api), writable: false });

  buildLegend();
  renderPanel();
  new ResizeObserver(resize).observe(stage);
  resize();
`;
