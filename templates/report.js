/* gdviz report: the interactive explorer. Plain JS, no framework, no network.
 * Data: the JSON in #explorer-data (gdviz.report.explorer.build_explorer). Paths are base64
 * int16 coordinates in each landscape's window, losses base64 float32. Every outcome shown
 * (status, stop step, final loss, final point) is a string formatted by gdviz from the core's
 * float64 values; per-step numbers are read from the embedded arrays.
 */
(function () {
  "use strict";
  var root = document.getElementById("explorer");
  var source = document.getElementById("explorer-data");
  if (!root || !source) return;
  var data = JSON.parse(source.textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var QUANT = 32766, OFF_MAP = 32767;
  var MAP = 1000;
  /* The loss chart is drawn in CSS pixels (its viewBox follows its width) so text stays legible. */
  var PLOT = { left: 52, right: 470, top: 12, bottom: 200, width: 480, height: 240 };

  var $ = function (id) { return document.getElementById(id); };
  var ui = {
    landscape: $("ex-landscape"), starts: $("ex-starts"), lr: $("ex-lr"), lrText: $("ex-lr-text"),
    play: $("ex-play"), back: $("ex-back"), step: $("ex-step"), reset: $("ex-reset"),
    count: $("ex-step-count"), total: $("ex-step-total"), scrub: $("ex-scrub"),
    bg: $("ex-bg"), minima: $("ex-minima"), paths: $("ex-paths"), ghosts: $("ex-ghosts"),
    startsLayer: $("ex-starts-layer"), caption: $("ex-map-caption"), loss: $("ex-loss"),
    lossAxes: $("ex-loss-axes"), lossLines: $("ex-loss-lines"), lossGhosts: $("ex-loss-ghosts"),
    cursor: $("ex-loss-cursor"), readout: $("ex-readout")
  };
  var boxes = Array.prototype.slice.call(root.querySelectorAll("input[name=ex-opt]"));
  var state = { land: 0, start: 0, lr: data.centre, step: 0, playing: false, last: 0, carry: 0 };

  /* ---------------------------------------------------------------- decoding */
  function bytes(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }
  var decoded = new Map();
  function run(landIndex, opt, lrIndex, startIndex) {
    var key = [landIndex, opt, lrIndex, startIndex].join("/");
    if (decoded.has(key)) return decoded.get(key);
    var land = data.landscapes[landIndex];
    var raw = land.runs[opt].paths[lrIndex][startIndex];
    var codes = new Int16Array(bytes(raw.p));
    var w = land.window, n = codes.length / 2;
    var xs = new Float64Array(n), ys = new Float64Array(n);
    for (var k = 0; k < n; k++) {
      var cx = codes[2 * k], cy = codes[2 * k + 1];
      xs[k] = Math.abs(cx) === OFF_MAP ? NaN : w[0][0] + (cx / QUANT + 1) / 2 * (w[0][1] - w[0][0]);
      ys[k] = Math.abs(cy) === OFF_MAP ? NaN : w[1][0] + (cy / QUANT + 1) / 2 * (w[1][1] - w[1][0]);
    }
    var result = {
      xs: xs, ys: ys, losses: new Float32Array(bytes(raw.l)), stop: raw.stop,
      status: raw.status, finalLoss: raw.final_loss, finalPoint: raw.final_point
    };
    decoded.set(key, result);
    return result;
  }

  /* ---------------------------------------------------------------- numbers */
  var SUP = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
  function fmt(v, digits) {
    digits = digits || 4;
    if (Number.isNaN(v)) return "—";
    if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
    if (v === 0) return "0";
    var a = Math.abs(v), text;
    if (a >= 1e-3 && a < 1e5) {
      text = String(Number(v.toPrecision(digits)));
    } else {
      var parts = v.toExponential(digits - 1).split("e");
      var mant = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
      var exp = String(parseInt(parts[1], 10)).replace(/[-0-9]/g, function (c) { return SUP[c]; });
      text = mant + " × 10" + exp;
    }
    return text.replace(/-/g, "−");
  }
  function pow10(e) {
    if (e === 0) return "1";
    if (e === 1) return "10";
    return "10" + String(e).replace(/[-0-9]/g, function (c) { return SUP[c]; });
  }
  var STATUS = { converged: "converged", diverged: "diverged", max_steps: "step budget used" };

  /* ---------------------------------------------------------------- geometry */
  function land() { return data.landscapes[state.land]; }
  function px(x) { var b = land().bounds[0]; return (x - b[0]) / (b[1] - b[0]) * MAP; }
  function py(y) { var b = land().bounds[1]; return MAP - (y - b[0]) / (b[1] - b[0]) * MAP; }
  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function clampCoord(v) { return Math.max(-1e5, Math.min(1e5, v)); }
  function enabled() {
    return data.optimizers.filter(function (o) {
      return boxes.some(function (b) { return b.value === o.name && b.checked; });
    });
  }

  /* ---------------------------------------------------------------- set-up per landscape */
  function setupLandscape() {
    var L = land();
    ui.bg.setAttribute("href", L.image);
    clear(ui.minima);
    L.minima.forEach(function (m) {
      var g = el("g", { "class": "minimum", transform: "translate(" + px(m[0]) + "," + py(m[1]) + ")" }, ui.minima);
      el("path", { d: "M-11,-11L11,11M-11,11L11,-11" }, g);
    });
    clear(ui.starts);
    clear(ui.startsLayer);
    if (state.start >= L.starts.length) state.start = 0;
    L.starts.forEach(function (s, i) {
      var label = document.createElement("label");
      label.className = "chip";
      var input = document.createElement("input");
      input.type = "radio"; input.name = "ex-start"; input.value = String(i);
      input.checked = i === state.start;
      input.addEventListener("change", function () { state.start = i; state.step = 0; draw(); });
      label.appendChild(input);
      label.appendChild(document.createTextNode("(" + fmt(s[0], 3) + ", " + fmt(s[1], 3) + ")"));
      ui.starts.appendChild(label);
      var dot = el("circle", { "class": "start-dot", cx: px(s[0]), cy: py(s[1]), r: 13 }, ui.startsLayer);
      el("title", {}, dot).textContent = "Start (" + fmt(s[0], 3) + ", " + fmt(s[1], 3) + ") — click to choose";
      dot.addEventListener("click", function () {
        state.start = i; state.step = 0;
        ui.starts.querySelectorAll("input")[i].checked = true;
        draw();
      });
    });
    ui.total.textContent = String(L.steps);
    ui.scrub.max = String(L.steps);
    ui.caption.textContent = L.title + ": " + L.pretty + ". " + L.description +
      " Crosses mark the minima, circles the starting points.";
  }

  /* ---------------------------------------------------------------- drawing */
  function pathPoints(r, upto) {
    var out = [];
    for (var k = 0; k <= upto; k++) {
      if (Number.isNaN(r.xs[k]) || Number.isNaN(r.ys[k])) break;
      out.push(clampCoord(px(r.xs[k])).toFixed(1) + "," + clampCoord(py(r.ys[k])).toFixed(1));
    }
    return out.join(" ");
  }

  function lossPoints(r, upto, steps, range) {
    var pts = [];
    for (var j = 0; j <= upto; j++) pts.push(lx(j, steps).toFixed(1) + "," + ly(r.losses[j], range).toFixed(1));
    return pts.join(" ");
  }

  function lossRange(runs) {
    var lo = Infinity, hi = -Infinity;
    runs.forEach(function (r) {
      for (var k = 0; k <= r.stop; k++) {
        var v = r.losses[k];
        if (v > 0 && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
    });
    if (!Number.isFinite(lo)) { lo = 1e-6; hi = 1; }
    var top = Math.ceil(Math.log10(hi)), bottom = Math.floor(Math.log10(lo));
    bottom = Math.max(bottom, top - 14);
    if (top <= bottom) top = bottom + 1;
    return [bottom, top];
  }

  function sizeLossChart() {
    var width = Math.round(ui.loss.getBoundingClientRect().width) || 480;
    width = Math.max(260, Math.min(width, 900));
    var height = Math.round(Math.max(190, Math.min(280, width * 0.55)));
    PLOT = { left: 50, right: width - 14, top: 12, bottom: height - 36, width: width, height: height };
    ui.loss.setAttribute("viewBox", "0 0 " + width + " " + height);
  }

  function drawLossAxes(range, steps) {
    clear(ui.lossAxes);
    var span = range[1] - range[0];
    var every = Math.max(1, Math.ceil(span / 4));
    for (var e = range[1]; e >= range[0]; e -= every) {
      var y = ly(Math.pow(10, e), range);
      el("line", { "class": "grid", x1: PLOT.left, x2: PLOT.right, y1: y, y2: y }, ui.lossAxes);
      var label = el("text", { "class": "tick", x: PLOT.left - 8, y: y + 4, "text-anchor": "end" }, ui.lossAxes);
      label.textContent = pow10(e);
    }
    [0, Math.round(steps / 2), steps].forEach(function (k) {
      var t = el("text", { "class": "tick", x: lx(k, steps), y: PLOT.bottom + 18, "text-anchor": k === 0 ? "start" : (k === steps ? "end" : "middle") }, ui.lossAxes);
      t.textContent = String(k);
    });
    var name = el("text", { "class": "axis-name", x: (PLOT.left + PLOT.right) / 2, y: PLOT.bottom + 32, "text-anchor": "middle" }, ui.lossAxes);
    name.textContent = "step";
    var yname = el("text", { "class": "axis-name", x: 12, y: (PLOT.top + PLOT.bottom) / 2, "text-anchor": "middle", transform: "rotate(-90 12 " + (PLOT.top + PLOT.bottom) / 2 + ")" }, ui.lossAxes);
    yname.textContent = "loss";
  }
  function lx(k, steps) { return PLOT.left + k / Math.max(1, steps) * (PLOT.right - PLOT.left); }
  function ly(v, range) {
    var e = Math.log10(Math.max(v, Math.pow(10, range[0])));
    e = Math.min(e, range[1]);
    return PLOT.bottom - (e - range[0]) / (range[1] - range[0]) * (PLOT.bottom - PLOT.top);
  }

  function draw() {
    var L = land();
    var steps = L.steps;
    state.step = Math.max(0, Math.min(state.step, steps));
    var chosen = enabled();
    var runs = chosen.map(function (o) { return run(state.land, o.name, state.lr, state.start); });
    clear(ui.paths);
    clear(ui.ghosts);
    clear(ui.lossLines);
    clear(ui.lossGhosts);
    var range = lossRange(runs);
    drawLossAxes(range, steps);
    chosen.forEach(function (o, i) {
      var r = runs[i], k = Math.min(state.step, r.stop);
      el("polyline", { "class": "ghost", points: pathPoints(r, r.stop), stroke: o.color }, ui.ghosts);
      el("polyline", { "class": "loss-ghost", points: lossPoints(r, r.stop, steps, range), stroke: o.color }, ui.lossGhosts);
      var drawn = pathPoints(r, k);
      el("polyline", { "class": "casing", points: drawn }, ui.paths);
      el("polyline", { "class": "path", "data-opt": o.name, points: drawn, stroke: o.color }, ui.paths);
      if (!Number.isNaN(r.xs[k]) && !Number.isNaN(r.ys[k])) {
        el("circle", { "class": "head", cx: clampCoord(px(r.xs[k])), cy: clampCoord(py(r.ys[k])), r: 11, fill: o.color }, ui.paths);
      }
      el("polyline", { "class": "loss", "data-opt": o.name, points: lossPoints(r, k, steps, range), stroke: o.color }, ui.lossLines);
    });
    ui.cursor.setAttribute("x1", lx(state.step, steps));
    ui.cursor.setAttribute("x2", lx(state.step, steps));
    ui.cursor.setAttribute("y1", PLOT.top);
    ui.cursor.setAttribute("y2", PLOT.bottom);
    ui.count.textContent = String(state.step);
    ui.scrub.value = String(state.step);
    ui.lrText.textContent = state.lr === data.centre ? "×1, each optimizer's usual rate"
      : "×" + data.factors[state.lr] + " each optimizer's usual rate";
    readout(chosen, runs);
  }

  function readout(chosen, runs) {
    var rows = ui.readout.querySelectorAll("tr");
    Array.prototype.forEach.call(rows, function (row) {
      var name = row.getAttribute("data-opt");
      var i = chosen.findIndex(function (o) { return o.name === name; });
      var cells = {};
      Array.prototype.forEach.call(row.querySelectorAll("td"), function (td) { cells[td.getAttribute("data-col")] = td; });
      var lrs = land().runs[name].lr_text;
      cells.lr.textContent = lrs[state.lr];
      row.classList.toggle("off", i < 0);
      if (i < 0) {
        cells.loss.textContent = "—"; cells.point.textContent = "hidden"; cells.status.textContent = "";
        return;
      }
      var r = runs[i], k = Math.min(state.step, r.stop);
      cells.loss.textContent = fmt(r.losses[k]);
      cells.point.textContent = Number.isNaN(r.xs[k]) || Number.isNaN(r.ys[k]) ? "off the map"
        : "(" + fmt(r.xs[k], 3) + ", " + fmt(r.ys[k], 3) + ")";
      var done = state.step >= r.stop;
      clear(cells.status);
      var badge = document.createElement("span");
      if (done) {
        badge.className = "status status-" + r.status;
        badge.textContent = r.status === "max_steps" ? STATUS.max_steps + " (" + r.stop + ")"
          : STATUS[r.status] + " at step " + r.stop;
      } else {
        badge.className = "status status-running";
        badge.textContent = "running";
      }
      cells.status.appendChild(badge);
      if (done) {
        var fin = document.createElement("span");
        fin.className = "final";
        fin.textContent = "final loss " + r.finalLoss + " at " + r.finalPoint;
        cells.status.appendChild(fin);
      }
    });
  }

  /* ---------------------------------------------------------------- playback */
  function setPlaying(on) {
    state.playing = on;
    ui.play.textContent = on ? "Pause" : "Play";
    ui.play.setAttribute("aria-pressed", on ? "true" : "false");
    if (on) {
      if (state.step >= land().steps) state.step = 0;
      state.last = performance.now();
      state.carry = 0;
      requestAnimationFrame(tick);
    }
  }
  function tick(now) {
    if (!state.playing) return;
    var steps = land().steps;
    var perSecond = Math.max(12, steps / 8);
    state.carry += (now - state.last) / 1000 * perSecond;
    state.last = now;
    var whole = Math.floor(state.carry);
    if (whole > 0) {
      state.carry -= whole;
      state.step = Math.min(steps, state.step + whole);
      draw();
    }
    if (state.step >= steps) { setPlaying(false); return; }
    requestAnimationFrame(tick);
  }

  /* ---------------------------------------------------------------- wiring */
  ui.landscape.addEventListener("change", function () {
    state.land = Number(ui.landscape.value); state.step = 0; state.start = 0;
    setupLandscape(); draw();
  });
  ui.lr.addEventListener("input", function () { state.lr = Number(ui.lr.value); draw(); });
  ui.scrub.addEventListener("input", function () { state.step = Number(ui.scrub.value); draw(); });
  boxes.forEach(function (b) { b.addEventListener("change", draw); });
  ui.play.addEventListener("click", function () { setPlaying(!state.playing); });
  ui.step.addEventListener("click", function () { setPlaying(false); state.step += 1; draw(); });
  ui.back.addEventListener("click", function () { setPlaying(false); state.step -= 1; draw(); });
  ui.reset.addEventListener("click", function () { setPlaying(false); state.step = 0; draw(); });

  var resizeTimer = 0;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () { sizeLossChart(); draw(); }, 100);
  });

  state.land = Number(ui.landscape.value) || 0;
  sizeLossChart();
  state.lr = Number(ui.lr.value);
  setupLandscape();
  draw();
  root.setAttribute("data-ready", "true");
})();
