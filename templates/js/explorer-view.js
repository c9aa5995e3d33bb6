/* The explorer's pictures and read-out, drawn from the live runs: the map (contour
 * background, axes, minima, each run's path up to the current step, the starts), the 1-D
 * curve, the loss chart (log scale when every loss is positive) and the table. Every number
 * shown is formatted by gdvizNumbers (the rules of gdviz/numbers.py) from a run's float64s. */
var gdvizView = (function (draw, numbers) {
  "use strict";
  var svg = draw.svg, clear = draw.clear;
  var STATUS = { converged: "converged", diverged: "diverged", max_steps: "step budget used" };
  var MARGIN = { left: 46, right: 10, top: 22, bottom: 34 };

  function isDark() { return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches; }

  /* The widths of the map and the loss chart, measured only when asked (mount, resize): a
     measurement forces the browser to lay the page out, which costs a control change its frame. */
  function measure(E) {
    E.widths = {
      stage: Math.round(E.ui.stage.getBoundingClientRect().width) || 600,
      loss: Math.round(E.ui.loss.getBoundingClientRect().width) || 600
    };
  }

  /* Sizes the map and its canvas to the stage; returns the plot box and the scales. */
  function layout(E) {
    if (!E.widths) measure(E);
    var width = Math.max(240, E.widths.stage), height = width;
    if (E.land.dim === 1) height = Math.round(width * 0.7);
    E.ui.map.setAttribute("viewBox", "0 0 " + width + " " + height);
    E.ui.map.setAttribute("width", width);
    E.ui.map.setAttribute("height", height);
    var box = { left: MARGIN.left, top: MARGIN.top, right: width - MARGIN.right, bottom: height - MARGIN.bottom, width: width, height: height };
    var b = E.bounds;
    E.sx = new draw.Scale(b[0][0], b[0][1], box.left, box.right);
    if (E.land.dim === 2) E.sy = new draw.Scale(b[1][0], b[1][1], box.bottom, box.top);
    E.box = box;
    var pad = 6;  // a path may run a little past the window's edge, not across the axes
    E.ui.clip.setAttribute("x", box.left - pad); E.ui.clip.setAttribute("y", box.top - pad);
    E.ui.clip.setAttribute("width", box.right - box.left + 2 * pad); E.ui.clip.setAttribute("height", box.bottom - box.top + 2 * pad);
    var canvas = E.ui.canvas;
    canvas.style.left = box.left + "px"; canvas.style.top = box.top + "px";
    canvas.style.width = (box.right - box.left) + "px"; canvas.style.height = (box.bottom - box.top) + "px";
    canvas.hidden = E.land.dim !== 2;
    return box;
  }

  /* The contour background of a 2-D landscape (recomputed when the landscape, window or
     colour scheme changes). */
  function contours(E) {
    if (E.land.dim !== 2) return;
    var scheme = isDark() ? "dark" : "light", key = E.landKey + "|" + E.bounds.join(",") + "|" + scheme;
    var canvas = E.ui.canvas, w = Math.round(E.box.right - E.box.left), h = Math.round(E.box.bottom - E.box.top);
    var scale = Math.min(2, window.devicePixelRatio || 1);
    key += "|" + Math.round(w * scale);
    if (E.contourKey === key) return;
    E.contourKey = key;
    canvas.width = Math.max(60, Math.round(w * scale)); canvas.height = Math.max(60, Math.round(h * scale));
    var grid = draw.field(E.land.value, E.bounds, 161);
    var lv = draw.levels(grid.z, E.entry ? E.entry.log_levels : false, 16);
    draw.paintContours(canvas, grid, lv, E.data.style.ramps[scheme], { color: scheme === "dark" ? "#e6edf3" : "#1f2328", alpha: 0.18 });
  }

  function axes(E) {
    var vars = E.land.variables, labels = { xName: vars[0], yName: vars[1] || "f(" + vars[0] + ")" };
    if (E.land.dim === 2) draw.axes(E.ui.axes, E.sx, E.sy, E.box, labels);
    else draw.axes(E.ui.axes, E.sx, E.sy1, E.box, labels);
  }

  /* The 1-D curve: f over the window, on y limits from the curve itself. */
  function curve(E) {
    clear(E.ui.minima);
    if (E.land.dim !== 1) { E.ui.curve = null; return; }
    var n = 400, xs = new Float64Array(n), ys = new Float64Array(n), p = new Float64Array(1);
    var lo = Infinity, hi = -Infinity, b = E.bounds[0];
    for (var i = 0; i < n; i++) {
      xs[i] = b[0] + (b[1] - b[0]) * i / (n - 1); p[0] = xs[i]; ys[i] = E.land.value(p);
      if (isFinite(ys[i])) { lo = Math.min(lo, ys[i]); hi = Math.max(hi, ys[i]); }
    }
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi === lo) hi = lo + 1;
    var pad = (hi - lo) * 0.06;
    E.sy1 = new draw.Scale(lo - pad, hi + pad, E.box.bottom, E.box.top);
    var px = new Float64Array(n), pyy = new Float64Array(n);
    for (var k = 0; k < n; k++) { px[k] = E.sx.to(xs[k]); pyy[k] = E.sy1.to(ys[k]); }
    svg("polyline", { "class": "gx-curve", points: draw.polyline(px, pyy, n - 1, 1e4) }, E.ui.minima);
  }

  function markers(E) {
    if (E.land.dim !== 2) return;
    clear(E.ui.minima);
    var entry = E.entry;
    if (!entry) return;
    entry.minima.forEach(function (m) {
      var g = svg("g", { "class": "gx-minimum", transform: "translate(" + E.sx.to(m[0]).toFixed(1) + "," + E.sy.to(m[1]).toFixed(1) + ")" }, E.ui.minima);
      svg("path", { d: "M-6,-6L6,6M-6,6L6,-6" }, g);
      svg("title", {}, g).textContent = "minimum at " + numbers.formatPoint(m);
    });
    entry.saddles.forEach(function (s) {
      svg("circle", { "class": "gx-saddle", cx: E.sx.to(s[0]), cy: E.sy.to(s[1]), r: 5 }, E.ui.minima);
    });
  }

  /* Screen coordinates of every run's points, and of its full-batch reference when it runs
     on minibatches (once per recompute). */
  function screen(E, r) {
    var n = r.losses.length, d = r.dim, px = new Float64Array(n), py = new Float64Array(n);
    for (var k = 0; k < n; k++) {
      px[k] = E.sx.to(r.points[k * d]);
      py[k] = d === 2 ? E.sy.to(r.points[k * d + 1]) : E.sy1.to(r.losses[k]);
    }
    return [px, py];
  }
  function project(E) {
    E.runs.forEach(function (run) {
      var xy = screen(E, run.result);
      run.px = xy[0]; run.py = xy[1];
      run.referenceLine = run.reference ? draw.polyline.apply(null, screen(E, run.reference).concat([run.reference.steps])) : null;
    });
  }

  /* The paths: one faint line for each whole run, and the run up to the current step on top
     (kept elements, new points; a finished run reuses its whole line's points). */
  function paths(E) {
    var n = E.runs.length;
    if (E.ui.paths.childNodes.length !== 2 * n || E.pathsFor !== E.runs) {
      clear(E.ui.ghosts); clear(E.ui.paths); clear(E.ui.heads);
      E.runs.forEach(function (run) {
        var color = E.data.style.optimizers[run.optimizer].color;
        run.ghost = draw.polyline(run.px, run.py, run.result.steps);
        svg("polyline", { "class": "gx-ghost", stroke: color, points: run.ghost }, E.ui.ghosts);
        if (run.referenceLine) svg("polyline", { "class": "gx-reference", stroke: color, points: run.referenceLine, "data-opt": run.optimizer }, E.ui.ghosts);
        svg("polyline", { "class": "gx-casing" }, E.ui.paths);
        svg("polyline", { "class": "gx-path", stroke: color, "data-opt": run.optimizer, "data-start": run.startIndex }, E.ui.paths);
        svg("circle", { "class": "gx-head", fill: color, r: 5.5 }, E.ui.heads);
      });
      E.pathsFor = E.runs;
    }
    var lines = E.ui.paths.childNodes, heads = E.ui.heads.childNodes;
    E.runs.forEach(function (run, i) {
      var stop = run.result.steps, k = Math.min(E.state.step, stop);
      var drawn = k >= stop ? run.ghost : draw.polyline(run.px, run.py, k);
      lines[2 * i].setAttribute("points", drawn);
      lines[2 * i + 1].setAttribute("points", drawn);
      var ok = isFinite(run.px[k]) && isFinite(run.py[k]);
      heads[i].setAttribute("visibility", ok ? "visible" : "hidden");
      if (ok) {
        heads[i].setAttribute("cx", draw.clamp(run.px[k], -1e4, 1e4));
        heads[i].setAttribute("cy", draw.clamp(run.py[k], -1e4, 1e4));
      }
    });
  }

  function starts(E) {
    clear(E.ui.starts);
    E.state.starts.forEach(function (s, i) {
      var x = E.sx.to(s[0]), y = E.land.dim === 2 ? E.sy.to(s[1]) : E.sy1.to(E.land.value(Float64Array.from(s)));
      var g = svg("g", {
        "class": "gx-start", tabindex: "0", role: "button", "data-index": i,
        transform: "translate(" + draw.clamp(x, -1e4, 1e4).toFixed(1) + "," + draw.clamp(isFinite(y) ? y : E.box.bottom, -1e4, 1e4).toFixed(1) + ")",
        "aria-label": "Start " + (i + 1) + " at " + numbers.formatPoint(s) + ": drag or use the arrow keys to move it, Delete removes it"
      }, E.ui.starts);
      svg("circle", { r: 9 }, g);
      svg("text", { y: 4, "text-anchor": "middle" }, g).textContent = String(i + 1);
    });
  }

  /* ------------------------------------------------------------ loss chart */
  function lossChart(E) {
    var ui = E.ui;
    if (!E.widths) measure(E);
    var width = Math.max(260, Math.min(E.widths.loss, 1200)), height = Math.round(Math.max(180, Math.min(300, width * 0.42)));
    ui.loss.setAttribute("viewBox", "0 0 " + width + " " + height);
    var box = { left: 56, right: width - 12, top: 10, bottom: height - 34 };
    var maxStep = Math.max(1, E.maxStep), lo = Infinity, hi = -Infinity, positive = true;
    E.runs.forEach(function (run) {
      [run.result, run.reference].forEach(function (r) {
        if (!r) return;
        var l = r.losses;
        for (var k = 0; k < l.length; k++) { if (l[k] <= 0) positive = false; if (isFinite(l[k])) { lo = Math.min(lo, l[k]); hi = Math.max(hi, l[k]); } }
      });
    });
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    var log = positive && lo > 0, sx = new draw.Scale(0, maxStep, box.left, box.right), sy, f;
    if (log) {
      var top = Math.ceil(Math.log10(hi)), bottom = Math.max(Math.floor(Math.log10(lo)), top - 16);
      if (top <= bottom) top = bottom + 1;
      sy = new draw.Scale(bottom, top, box.bottom, box.top);
      f = function (v) { return sy.to(Math.max(Math.log10(v), bottom)); };
    } else {
      if (hi === lo) hi = lo + 1;
      sy = new draw.Scale(lo, hi, box.bottom, box.top);
      f = function (v) { return sy.to(v); };
    }
    E.lossScale = { sx: sx, f: f, box: box };
    clear(ui.lossAxes); clear(ui.lossGhosts); clear(ui.lossLines);
    if (log) {
      var every = Math.max(1, Math.ceil((sy.d1 - sy.d0) / 5));
      for (var e = sy.d1; e >= sy.d0; e -= every) {
        var y = sy.to(e);
        svg("line", { "class": "gx-grid-line", x1: box.left, x2: box.right, y1: y, y2: y }, ui.lossAxes);
        svg("text", { "class": "gx-tick-label", x: box.left - 8, y: y + 4, "text-anchor": "end" }, ui.lossAxes).textContent = draw.powerOfTen(e);
      }
      var xs = new draw.Scale(0, maxStep, box.left, box.right);
      draw.ticks(0, maxStep, 5).forEach(function (t) {
        var x = xs.to(t), anchor = x > box.right - 16 ? "end" : x < box.left + 8 ? "start" : "middle";
        svg("text", { "class": "gx-tick-label", x: x, y: box.bottom + 18, "text-anchor": anchor }, ui.lossAxes).textContent = String(t);
      });
    } else {
      draw.axes(ui.lossAxes, sx, sy, box, null);
    }
    svg("text", { "class": "gx-axis-name", x: box.right, y: box.bottom + 32, "text-anchor": "end" }, ui.lossAxes).textContent = "step";
    var dashed = E.runs.some(function (run) { return run.reference; }) ? " The dashed lines are the same runs on the full data set." : "";
    ui.lossCaption.textContent = (log ? "Loss per step, logarithmic scale; the faint lines are the rest of each run."
      : "Loss per step, linear scale (some losses are ≤ 0, so no log scale); the faint lines are the rest of each run.") + dashed;
    E.runs.forEach(function (run) {
      var l = run.result.losses, n = l.length, xs2 = new Float64Array(n), ys = new Float64Array(n);
      for (var k = 0; k < n; k++) { xs2[k] = sx.to(k); ys[k] = f(l[k]); }
      run.lx = xs2; run.ly = ys;
      var color = E.data.style.optimizers[run.optimizer].color;
      run.lossGhost = draw.polyline(xs2, ys, n - 1);
      svg("polyline", { "class": "gx-loss-ghost", stroke: color, points: run.lossGhost }, ui.lossGhosts);
      if (run.reference) {
        var rl = run.reference.losses, m = Math.min(rl.length, maxStep + 1), rx = new Float64Array(m), ry = new Float64Array(m);
        for (var j = 0; j < m; j++) { rx[j] = sx.to(j); ry[j] = f(rl[j]); }
        svg("polyline", { "class": "gx-reference", stroke: color, "data-opt": run.optimizer, points: draw.polyline(rx, ry, m - 1) }, ui.lossGhosts);
      }
      svg("polyline", { "class": "gx-loss-line", stroke: color, "data-opt": run.optimizer, points: "" }, ui.lossLines);
    });
  }

  function lossProgress(E) {
    var lines = E.ui.lossLines.childNodes, s = E.lossScale;
    E.runs.forEach(function (run, i) {
      var k = Math.min(E.state.step, run.result.steps);
      lines[i].setAttribute("points", k >= run.result.steps ? run.lossGhost : draw.polyline(run.lx, run.ly, k));
    });
    var x = s.sx.to(Math.min(E.state.step, E.maxStep));
    E.ui.cursor.setAttribute("x1", x); E.ui.cursor.setAttribute("x2", x);
    E.ui.cursor.setAttribute("y1", s.box.top); E.ui.cursor.setAttribute("y2", s.box.bottom);
  }

  /* ------------------------------------------------------------ read-out */
  var COLUMNS = [["start", "point"], ["lr", "num"], ["status", ""], ["stop", "num"], ["final", "num"], ["loss", "num"], ["point", "point"]];

  /* One row per run; the rows are rebuilt when the runs change, their cells updated per step. */
  function readout(E) {
    var body = E.ui.readout;
    if (E.readoutFor !== E.runs) {
      clear(body);
      var heads = body.parentNode.tHead.rows[0].cells;  // each cell's label, for the phone's cards
      E.runs.forEach(function (run) {
        var style = E.data.style.optimizers[run.optimizer], tr = document.createElement("tr");
        tr.setAttribute("data-opt", run.optimizer); tr.setAttribute("data-start", run.startIndex);
        var th = document.createElement("th"), sw = document.createElement("span");
        th.scope = "row"; sw.className = "swatch"; sw.style.background = style.color;
        th.appendChild(sw); th.appendChild(document.createTextNode(style.label));
        tr.appendChild(th);
        COLUMNS.forEach(function (c, i) {
          var td = document.createElement("td");
          td.setAttribute("data-col", c[0]);
          td.setAttribute("data-label", heads[i + 1].textContent);
          if (c[1]) td.className = c[1];
          if (c[0] === "status") td.appendChild(document.createElement("span"));
          tr.appendChild(td);
        });
        var r = run.result, cells = tr.childNodes;
        cells[1].textContent = numbers.formatPoint(run.job.start);
        cells[2].textContent = numbers.formatNumber(run.job.lr, 4);
        cells[4].textContent = String(r.steps);
        cells[5].textContent = numbers.formatNumber(r.losses[r.losses.length - 1]);
        body.appendChild(tr);
      });
      E.readoutFor = E.runs;
    }
    var rows = body.childNodes;
    E.runs.forEach(function (run, i) {
      var r = run.result, k = Math.min(E.state.step, r.steps), d = r.dim, cells = rows[i].childNodes;
      var done = E.state.step >= r.steps, badge = cells[3].firstChild;
      badge.className = "status status-" + (done ? r.status : "running");
      badge.textContent = done ? STATUS[r.status] : "running";
      badge.setAttribute("data-status", r.status);
      cells[6].textContent = numbers.formatNumber(r.losses[k]);
      cells[7].textContent = numbers.formatPoint(Array.prototype.slice.call(r.points, k * d, k * d + d));
    });
  }

  return {
    measure: measure, layout: layout, contours: contours, axes: axes, curve: curve, markers: markers, project: project,
    paths: paths, starts: starts, lossChart: lossChart, lossProgress: lossProgress, readout: readout,
    STATUS: STATUS, isDark: isDark
  };
})(gdvizDraw, gdvizNumbers);
