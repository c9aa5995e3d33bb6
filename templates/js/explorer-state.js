/* The explorer's view as plain data, and as a URL hash.
 *
 * state = {
 *   landscape: "rosenbrock" | null,  formula: "x**2 + 3*sin(y)" | null  (one of the two)
 *   bounds: [[x0, x1], [y0, y1]] | null      (null: the landscape's own window)
 *   starts: [[x, y], …]                      (1-D: [[x], …])
 *   runs: [{optimizer: "adam", lr: 0.05, params: {betas: "0.9,0.99"}}, …]  (params: CLI text)
 *   schedule: "" | "exponential:gamma=0.99", steps: 500, tol: "1e-06", lossTol: "0",
 *   minibatch: false, batchSize: "1", seed: "0"   (data landscapes: stochastic gradients over
 *                                                  slices of batchSize samples, gdviz/batches.py)
 *   step: 120, speed: 1
 * }
 * Hash: #explore/l=rosenbrock&s=-1.5,2;0.5,1&r=adam:0.05:betas=0.9,0.99&r=momentum:0.0005
 *       &sch=exponential:gamma=0.99&n=500&tol=1e-06&ltol=0&mb=2:7&t=120&v=1
 * (f=<formula> instead of l=, b=x0,x1,y0,y1 for changed bounds, mb=<batch size>:<seed> when
 * minibatches are on), read back by fromHash. */
var gdvizExplorerState = (function () {
  "use strict";
  var PREFIX = "#explore/";
  var SPEEDS = [0.25, 0.5, 1, 2, 4];

  function clone(state) { return JSON.parse(JSON.stringify(state)); }

  /* A fresh view of ``landscape`` (a config entry) with the config's default runs. */
  function initial(data, entry) {
    var first = entry || data.landscapes.filter(function (l) { return l.name === data.initial.landscape; })[0];
    return {
      landscape: first.name, formula: null, bounds: null,
      starts: [first.starts[0].slice()],
      runs: data.initial.runs.map(function (r) { return { optimizer: r.optimizer, lr: lrFor(first, r.optimizer, data), params: {} }; }),
      schedule: "", steps: first.steps, tol: "1e-06", lossTol: "0",
      minibatch: false, batchSize: defaultBatchSize(first), seed: "0", step: 0, speed: 1
    };
  }
  /* A fifth of a data set, at least one sample (seed 000's five points: plain SGD). */
  function defaultBatchSize(entry) { return String(Math.max(1, Math.round((entry && entry.samples ? entry.samples : 5) / 5))); }
  function lrFor(entry, optimizer, data) {
    if (entry && entry.lrs && entry.lrs[optimizer] !== undefined) return entry.lrs[optimizer];
    var all = data.optimizers.concat(data.presets);
    var info = all.filter(function (o) { return o.name === optimizer; })[0];
    if (info && info.default_lr !== undefined) return info.default_lr;
    var preset = data.presets.filter(function (p) { return p.name === optimizer; })[0];
    return data.optimizers.filter(function (o) { return o.name === preset.optimizer; })[0].default_lr;
  }

  function num(v) { return String(v); }

  function toHash(state) {
    var q = new URLSearchParams();
    if (state.formula !== null && state.formula !== undefined) q.set("f", state.formula); else q.set("l", state.landscape);
    if (state.bounds) q.set("b", state.bounds.map(function (b) { return b.map(num).join(","); }).join(","));
    q.set("s", state.starts.map(function (s) { return s.map(num).join(","); }).join(";"));
    state.runs.forEach(function (r) {
      var parts = [r.optimizer, num(r.lr)];
      Object.keys(r.params || {}).forEach(function (k) { parts.push(k + "=" + r.params[k]); });
      q.append("r", parts.join(":"));
    });
    if (state.schedule) q.set("sch", state.schedule);
    q.set("n", num(state.steps));
    q.set("tol", state.tol);
    q.set("ltol", state.lossTol);
    if (state.minibatch) q.set("mb", state.batchSize + ":" + state.seed);
    if (state.step) q.set("t", num(state.step));
    if (state.speed !== 1) q.set("v", num(state.speed));
    return PREFIX + q.toString();
  }

  function finite(text) { var v = Number(text); return text !== "" && isFinite(v) ? v : null; }

  /* The view a hash describes, on top of ``base`` (unknown or broken parts are left out and
     listed in ``notes``), or null when the hash is not an explorer hash. */
  function fromHash(hash, base, data) {
    if (!hash || hash.indexOf(PREFIX) !== 0) return null;
    var q = new URLSearchParams(hash.slice(PREFIX.length)), state = clone(base), notes = [];
    var names = data.landscapes.map(function (l) { return l.name; });
    if (q.has("f")) { state.formula = q.get("f"); state.landscape = null; }
    else if (q.has("l")) {
      if (names.indexOf(q.get("l")) >= 0) { state.landscape = q.get("l"); state.formula = null; }
      else notes.push("unknown landscape '" + q.get("l") + "'");
    }
    var entry = data.landscapes.filter(function (l) { return l.name === state.landscape; })[0];
    if (entry && state.landscape !== base.landscape) {  // a link to another landscape: its own defaults
      state.starts = [entry.starts[0].slice()];
      state.steps = entry.steps;
      state.batchSize = defaultBatchSize(entry);
    }
    var dim = entry ? entry.variables.length : null;
    if (q.has("b")) {
      var b = q.get("b").split(",").map(finite);
      if (b.length % 2 === 0 && b.every(function (v) { return v !== null; })) {
        state.bounds = [];
        for (var i = 0; i < b.length; i += 2) state.bounds.push([b[i], b[i + 1]]);
      } else notes.push("bounds");
    } else state.bounds = null;
    if (q.has("s")) {
      var starts = q.get("s").split(";").filter(Boolean).map(function (s) { return s.split(",").map(finite); });
      starts = starts.filter(function (s) { return s.every(function (v) { return v !== null; }) && (dim === null || s.length === dim); });
      if (starts.length) state.starts = starts; else notes.push("starts");
    }
    if (q.has("r")) {
      var known = data.optimizers.map(function (o) { return o.name; }).concat(data.presets.map(function (p) { return p.name; }));
      state.runs = q.getAll("r").map(function (text) {
        var parts = text.split(":"), params = {};
        parts.slice(2).forEach(function (p) {
          var at = p.indexOf("=");
          if (at > 0) params[p.slice(0, at)] = p.slice(at + 1);
        });
        var lr = finite(parts[1] || "");
        return known.indexOf(parts[0]) >= 0 && lr !== null ? { optimizer: parts[0], lr: lr, params: params } : null;
      }).filter(Boolean);
    }
    if (q.has("sch")) state.schedule = q.get("sch"); else state.schedule = "";
    var n = finite(q.get("n") || "");
    if (n !== null && Number.isInteger(n) && n >= 0) state.steps = n;
    if (q.has("tol")) state.tol = q.get("tol");
    if (q.has("ltol")) state.lossTol = q.get("ltol");
    state.minibatch = q.has("mb");
    if (state.minibatch) {  // the texts as written: the explorer checks them with their messages
      var mb = q.get("mb"), colon = mb.indexOf(":");
      state.batchSize = colon < 0 ? mb : mb.slice(0, colon);
      if (colon >= 0) state.seed = mb.slice(colon + 1);
    }
    var t = finite(q.get("t") || "0");
    state.step = t !== null && t >= 0 ? Math.floor(t) : 0;
    var v = finite(q.get("v") || "1");
    state.speed = SPEEDS.indexOf(v) >= 0 ? v : 1;
    state.notes = notes;
    return state;
  }

  return { PREFIX: PREFIX, SPEEDS: SPEEDS, initial: initial, lrFor: lrFor, defaultBatchSize: defaultBatchSize, toHash: toHash, fromHash: fromHash, clone: clone };
})();
