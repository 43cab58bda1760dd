/**
 * In-page JavaScript, part 2 of 4: drawing on the canvas (edges, nodes, highlights) and labels, which never
 * overlap (placed boxes are kept in a coarse screen grid).
 */
export const DRAW_JS = String.raw`
  // ---- drawing ------------------------------------------------------------------------------------
  var pending = false;
  function requestDraw() {
    if (!pending) { pending = true; requestAnimationFrame(draw); }
  }

  // 0 = normal, 1 = faded (outside the selection/search), 2 = hidden-ish (outside the focused cluster)
  function nodeClass(i, emphasis) {
    if (state.focus >= 0 && nodes[i].c !== state.focus && i !== state.selected && !matchFlag[i]) return 2;
    if (!emphasis) return 0;
    return i === state.selected || neighbourFlag[i] || matchFlag[i] ? 0 : 1;
  }

  function draw() {
    pending = false;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = "#f7f8fa";
    ctx.fillRect(0, 0, width, height);
    if (N === 0) {
      ctx.fillStyle = "#667085";
      ctx.font = "14px system-ui, sans-serif";
      ctx.fillText("This graph has no nodes.", 20, 30);
      state.rendered = true;
      return;
    }
    var emphasis = state.selected >= 0 || state.matches.length > 0;
    var cls = new Uint8Array(N);
    for (var i = 0; i < N; i++) cls[i] = nodeClass(i, emphasis);

    drawEdges(cls);
    var drawn = drawNodes(cls);
    drawHighlights();
    drawLabels(cls);
    state.drawnNodes = drawn;
    state.rendered = true;
  }

  function drawEdges(cls) {
    var lw = Math.min(1.6, Math.max(0.6, view.scale * 0.5));
    // [normal, high] × [class 0, 1, 2]
    var styles = [
      ["rgba(110,120,140,0.28)", "rgba(110,120,140,0.08)", "rgba(110,120,140,0.035)"],
      ["rgba(45,55,75,0.65)", "rgba(45,55,75,0.16)", "rgba(45,55,75,0.06)"],
    ];
    for (var high = 0; high < 2; high++) {
      for (var level = 0; level < 3; level++) {
        ctx.beginPath();
        var any = false;
        for (var e = 0; e < E; e++) {
          var ed = edges[e];
          if (ed[3] !== high) continue;
          var a = ed[0], b = ed[1];
          if (a === state.selected || b === state.selected) continue; // drawn on top later
          if (Math.max(cls[a], cls[b]) !== level) continue;
          var x1 = sx(a), y1 = sy(a), x2 = sx(b), y2 = sy(b);
          if ((x1 < 0 && x2 < 0) || (y1 < 0 && y2 < 0) || (x1 > width && x2 > width) || (y1 > height && y2 > height)) continue;
          ctx.moveTo(x1, y1);
          ctx.lineTo(x2, y2);
          any = true;
        }
        if (!any) continue;
        ctx.strokeStyle = styles[high][level];
        ctx.lineWidth = high ? lw * 1.6 : lw;
        ctx.stroke();
      }
    }
    if (state.selected >= 0) {
      var s = state.selected;
      for (var p = adjStart[s]; p < adjStart[s + 1]; p++) {
        var se = edges[adjEdge[p]];
        ctx.beginPath();
        ctx.moveTo(sx(se[0]), sy(se[0]));
        ctx.lineTo(sx(se[1]), sy(se[1]));
        ctx.strokeStyle = se[3] ? "rgba(29,78,216,0.9)" : "rgba(29,78,216,0.5)";
        ctx.lineWidth = se[3] ? 2.2 : 1.3;
        ctx.stroke();
      }
    }
  }

  function drawNodes(cls) {
    var drawn = 0;
    var alphas = [1, 0.28, 0.1];
    for (var level = 2; level >= 0; level--) {
      ctx.globalAlpha = alphas[level];
      for (var c = 0; c < C; c++) {
        var list = members[c];
        ctx.beginPath();
        var any = false;
        for (var m = 0; m < list.length; m++) {
          var i = list[m];
          if (cls[i] !== level) continue;
          var x = sx(i), y = sy(i), r = nodeR(i);
          if (x < -r || y < -r || x > width + r || y > height + r) continue;
          ctx.moveTo(x + r, y);
          ctx.arc(x, y, r, 0, TAU);
          any = true;
          drawn++;
        }
        if (!any) continue;
        ctx.fillStyle = clusters[c].color;
        ctx.fill();
        if (level === 0 && view.scale * 1.8 >= 3.5) {
          ctx.strokeStyle = "rgba(255,255,255,0.9)";
          ctx.lineWidth = 1;
          ctx.stroke();
        }
      }
    }
    ctx.globalAlpha = 1;
    return drawn;
  }

  function ring(i, extra, color, lw) {
    ctx.beginPath();
    ctx.arc(sx(i), sy(i), nodeR(i) + extra, 0, TAU);
    ctx.strokeStyle = color;
    ctx.lineWidth = lw;
    ctx.stroke();
  }

  function drawHighlights() {
    for (var m = 0; m < state.matches.length; m++) ring(state.matches[m], 2, "#111827", 1.5);
    if (state.hover >= 0 && state.hover !== state.selected) ring(state.hover, 2, "#475467", 1.5);
    if (state.selected >= 0) {
      ring(state.selected, 1.5, "#ffffff", 2.5);
      ring(state.selected, 4, "#1d4ed8", 3);
    }
  }

  function haloText(text, x, y, color) {
    ctx.lineJoin = "round";
    ctx.strokeStyle = "rgba(247,248,250,0.95)";
    ctx.lineWidth = 4;
    ctx.strokeText(text, x, y);
    ctx.fillStyle = color;
    ctx.fillText(text, x, y);
  }

  // Labels never overlap: each placed label's box goes into a coarse screen grid that later labels check.
  function LabelBoxes() { this.cells = new Map(); }
  LabelBoxes.prototype.each = function (x, y, w, h, fn) {
    for (var gx = Math.floor(x / 80); gx <= Math.floor((x + w) / 80); gx++) {
      for (var gy = Math.floor(y / 16); gy <= Math.floor((y + h) / 16); gy++) {
        if (fn(gx + ":" + gy) === false) return false;
      }
    }
    return true;
  };
  LabelBoxes.prototype.free = function (x, y, w, h) {
    var cells = this.cells;
    return this.each(x, y, w, h, function (key) {
      var list = cells.get(key);
      if (!list) return true;
      for (var b = 0; b < list.length; b++) {
        var o = list[b];
        if (x < o[0] + o[2] && o[0] < x + w && y < o[1] + o[3] && o[1] < y + h) return false;
      }
      return true;
    });
  };
  LabelBoxes.prototype.take = function (x, y, w, h) {
    var cells = this.cells;
    this.each(x, y, w, h, function (key) {
      if (!cells.has(key)) cells.set(key, []);
      cells.get(key).push([x, y, w, h]);
    });
  };

  function drawLabels(cls) {
    var boxes = new LabelBoxes();
    // Selected node first, then cluster names (focused / biggest first), then other node labels.
    var strong = [];
    if (state.selected >= 0) {
      strong.push(state.selected);
      var near = neighbours(state.selected);
      for (var k = 0; k < near.length && k < 40; k++) strong.push(near[k].node);
    }
    for (var m = 0; m < state.matches.length && m < 60; m++) strong.push(state.matches[m]);
    if (strong.length) nodeLabel(boxes, strong[0], true);
    drawClusterLabels(boxes);
    for (var s = 1; s < strong.length; s++) nodeLabel(boxes, strong[s], true);
    if (view.scale < LABEL_SCALE) return;
    var placed = 0;
    for (var j = 0; j < N && placed < 400; j++) {
      var i = byDegree[j];
      if (cls[i] === 0 && nodeLabel(boxes, i, false)) placed++;
    }
  }

  function drawClusterLabels(boxes) {
    ctx.font = "600 13px " + FONT;
    ctx.textBaseline = "middle";
    var order = clusterOrder.slice();
    if (state.focus >= 0) order.unshift(state.focus);
    for (var o = 0; o < order.length; o++) {
      var c = order[o], cl = clusters[c];
      if (cl.size === 0 || (o > 0 && c === state.focus)) continue;
      var dim = state.focus >= 0 && state.focus !== c;
      var text = truncate(cl.name, 40);
      var w = ctx.measureText(text).width;
      var x = cl.x * view.scale + view.tx - w / 2;
      var y = cl.top * view.scale + view.ty - 14;
      if (x > width || x + w < 0 || y < -10 || y > height + 10) continue;
      if (!boxes.free(x - 16, y - 9, w + 20, 18)) continue;
      boxes.take(x - 16, y - 9, w + 20, 18);
      ctx.globalAlpha = dim ? 0.35 : 1;
      ctx.beginPath();
      ctx.arc(x - 9, y, 5, 0, TAU);
      ctx.fillStyle = cl.color;
      ctx.fill();
      haloText(text, x, y, "#1f2430");
    }
    ctx.globalAlpha = 1;
  }

  function nodeLabel(boxes, i, strong) {
    var x = sx(i), y = sy(i), r = nodeR(i);
    if (x < -200 || y < -20 || x > width + 20 || y > height + 20) return false;
    ctx.font = (strong ? "600 " : "") + "11px " + FONT;
    ctx.textBaseline = "middle";
    var text = truncate(nodes[i].t, strong ? 48 : 32);
    var w = ctx.measureText(text).width;
    var lx = x + r + 4, ly = y - 7;
    if (!boxes.free(lx, ly, w, 14)) return false;
    boxes.take(lx, ly, w, 14);
    haloText(text, lx, y, strong ? "#111827" : "#344054");
    return true;
  }
`;
