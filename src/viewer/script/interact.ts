/**
 * In-page JavaScript, part 3 of 4: fit, pan, zoom, hit-testing, selection, cluster focus and search.
 */
export const INTERACT_JS = String.raw`
  // ---- view: fit, pan, zoom -----------------------------------------------------------------------
  function fitBounds(x0, y0, x1, y1) {
    var pad = 40;
    var s = Math.min((width - 2 * pad) / Math.max(1, x1 - x0), (height - 2 * pad) / Math.max(1, y1 - y0));
    view.scale = Math.max(0.02, Math.min(s, 8));
    view.tx = width / 2 - ((x0 + x1) / 2) * view.scale;
    view.ty = height / 2 - ((y0 + y1) / 2) * view.scale;
    requestDraw();
  }
  function fitAll() {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (var c = 0; c < C; c++) {
      var cl = clusters[c];
      if (cl.size === 0) continue;
      x0 = Math.min(x0, cl.x - cl.r); x1 = Math.max(x1, cl.x + cl.r);
      y0 = Math.min(y0, cl.y - cl.r - 30); y1 = Math.max(y1, cl.y + cl.r);
    }
    if (x0 === Infinity) { x0 = -50; y0 = -50; x1 = 50; y1 = 50; }
    fitBounds(x0, y0, x1, y1);
    view.fitScale = view.scale;
  }
  function fitCluster(c) {
    var cl = clusters[c];
    fitBounds(cl.x - cl.r, cl.y - cl.r - 30, cl.x + cl.r, cl.y + cl.r);
  }
  function zoomAt(px, py, factor) {
    var next = Math.max(view.fitScale * 0.25, Math.min(view.scale * factor, 16));
    view.tx = px - (px - view.tx) * (next / view.scale);
    view.ty = py - (py - view.ty) * (next / view.scale);
    view.scale = next;
    requestDraw();
  }
  function centreOn(i) {
    if (view.scale < LABEL_SCALE) view.scale = LABEL_SCALE * 1.25;
    view.tx = width / 2 - nodes[i].x * view.scale;
    view.ty = height / 2 - nodes[i].y * view.scale;
    requestDraw();
  }
  function resize() {
    var rect = canvas.getBoundingClientRect();
    dpr = window.devicePixelRatio || 1;
    width = rect.width;
    height = rect.height;
    canvas.width = Math.max(1, Math.round(width * dpr));
    canvas.height = Math.max(1, Math.round(height * dpr));
    if (!state.fitted && width > 0 && height > 0) { state.fitted = true; fitAll(); }
    requestDraw();
  }

  function hitTest(px, py) {
    var best = -1, bestD = Infinity;
    for (var i = 0; i < N; i++) {
      var dx = sx(i) - px, dy = sy(i) - py;
      var d = Math.sqrt(dx * dx + dy * dy);
      if (d <= Math.max(nodeR(i), 4) + 3 && d < bestD) { best = i; bestD = d; }
    }
    return best;
  }

  var drag = null;
  function localPoint(ev) {
    var rect = canvas.getBoundingClientRect();
    return { x: ev.clientX - rect.left, y: ev.clientY - rect.top };
  }
  canvas.addEventListener("pointerdown", function (ev) {
    canvas.setPointerCapture(ev.pointerId);
    drag = { x: ev.clientX, y: ev.clientY, tx: view.tx, ty: view.ty, moved: false };
  });
  canvas.addEventListener("pointermove", function (ev) {
    if (drag) {
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!drag.moved && dx * dx + dy * dy > 16) { drag.moved = true; canvas.classList.add("dragging"); }
      if (drag.moved) {
        view.tx = drag.tx + dx;
        view.ty = drag.ty + dy;
        tooltip.style.display = "none";
        requestDraw();
      }
      return;
    }
    var p = localPoint(ev);
    var hit = hitTest(p.x, p.y);
    if (hit !== state.hover) { state.hover = hit; requestDraw(); }
    canvas.classList.toggle("pointing", hit >= 0);
    if (hit >= 0) {
      tooltip.textContent = nodes[hit].t + "  ·  " + clusters[nodes[hit].c].name;
      tooltip.style.display = "block";
      tooltip.style.left = Math.min(p.x + 14, width - 330) + "px";
      tooltip.style.top = p.y + 14 + "px";
    } else tooltip.style.display = "none";
  });
  canvas.addEventListener("pointerleave", function () {
    tooltip.style.display = "none";
    if (state.hover >= 0) { state.hover = -1; requestDraw(); }
  });
  canvas.addEventListener("pointerup", function (ev) {
    if (!drag) return;
    var wasClick = !drag.moved;
    drag = null;
    canvas.classList.remove("dragging");
    if (!wasClick) return;
    var p = localPoint(ev);
    var hit = hitTest(p.x, p.y);
    if (hit >= 0) select(hit, false);
    else clearSelection();
  });
  canvas.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var p = localPoint(ev);
    var unit = ev.deltaMode === 1 ? 0.05 : ev.deltaMode === 2 ? 1 : 0.0015;
    zoomAt(p.x, p.y, Math.exp(-ev.deltaY * unit));
  }, { passive: false });
  document.getElementById("zoom-in").addEventListener("click", function () { zoomAt(width / 2, height / 2, 1.5); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomAt(width / 2, height / 2, 1 / 1.5); });
  document.getElementById("zoom-fit").addEventListener("click", function () {
    if (state.focus >= 0) fitCluster(state.focus); else fitAll();
  });

  // ---- selection, focus, search -------------------------------------------------------------------
  function select(i, centre) {
    if (state.selected >= 0) {
      for (var p = adjStart[state.selected]; p < adjStart[state.selected + 1]; p++) {
        var ed = edges[adjEdge[p]];
        neighbourFlag[ed[0]] = 0; neighbourFlag[ed[1]] = 0;
      }
    }
    state.selected = i;
    if (i >= 0) {
      for (var q = adjStart[i]; q < adjStart[i + 1]; q++) {
        var e2 = edges[adjEdge[q]];
        neighbourFlag[e2[0]] = 1; neighbourFlag[e2[1]] = 1;
      }
      if (centre) centreOn(i);
    }
    renderPanel();
    requestDraw();
  }
  function clearSelection() { select(-1, false); }

  function setFocus(c) {
    state.focus = c;
    if (c >= 0 && state.selected >= 0 && nodes[state.selected].c !== c) select(-1, false);
    var items = legendList.children;
    for (var k = 0; k < items.length; k++) {
      var idx = Number(items[k].getAttribute("data-cluster"));
      items[k].classList.toggle("active", idx === c);
      items[k].classList.toggle("dim", c >= 0 && idx !== c);
    }
    if (c >= 0) fitCluster(c); else fitAll();
    renderPanel();
    requestDraw();
  }
  function toggleFocus(c) { setFocus(state.focus === c ? -1 : c); }

  function runSearch(query) {
    for (var m = 0; m < state.matches.length; m++) matchFlag[state.matches[m]] = 0;
    state.matches = [];
    state.matchPos = 0;
    var q = query.trim().toLowerCase();
    if (q) {
      var ranked = [];
      for (var i = 0; i < N; i++) {
        var t = titleLower[i];
        var rank = t === q ? 0 : t.indexOf(q) === 0 ? 1 : t.indexOf(q) > 0 ? 2 : -1;
        if (rank < 0) {
          var kws = keywordLower[i];
          for (var k = 0; k < kws.length; k++) {
            if (kws[k] === q) { rank = 3; break; }
            if (rank < 0 && kws[k].indexOf(q) >= 0) rank = 4;
          }
        }
        if (rank < 0 && origLower[i] && origLower[i].indexOf(q) >= 0) rank = 5;
        if (rank >= 0) ranked.push([rank, i]);
      }
      ranked.sort(function (a, b) { return a[0] - b[0] || deg[b[1]] - deg[a[1]] || a[1] - b[1]; });
      state.matches = ranked.map(function (r) { return r[1]; });
      for (m = 0; m < state.matches.length; m++) matchFlag[state.matches[m]] = 1;
    }
    updateSearchCount(q);
    if (state.matches.length > 0) select(state.matches[0], true);
    else requestDraw();
  }
  function updateSearchCount(q) {
    var n = state.matches.length;
    searchCount.textContent = !q ? "" : n === 0 ? "no match" : (state.matchPos + 1) + " of " + n + (n === 1 ? " match" : " matches");
  }
  var searchTimer = 0;
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { runSearch(searchInput.value); }, 120);
  });
  searchInput.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      clearTimeout(searchTimer);
      if (state.matches.length === 0) { runSearch(searchInput.value); return; }
      var n = state.matches.length;
      state.matchPos = (state.matchPos + (ev.shiftKey ? n - 1 : 1)) % n;
      updateSearchCount(searchInput.value.trim());
      select(state.matches[state.matchPos], true);
    } else if (ev.key === "Escape") {
      searchInput.value = "";
      runSearch("");
    }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape" || ev.target === searchInput) return;
    if (state.selected >= 0) clearSelection();
    else if (state.focus >= 0) setFocus(-1);
  });
`;
