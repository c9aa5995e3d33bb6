/* The live explorer: a self-contained component that mounts into any element.
 *
 *   var explorer = gdvizExplorer.mount(element, {
 *     data: <gdviz.report.explorer.explorer_config()>,   // required
 *     state: <a view, see explorer-state.js> | null,       // default: the URL hash or data.initial
 *     hash: true,                                        // keep the view in location.hash
 *     onChange: function (state) {}                      // after every change of the view
 *   });
 *   explorer.getState(); explorer.setState(state); explorer.runs(); explorer.destroy();
 *
 * Every change recomputes every run with the page core (gdvizRun.execute on jobs checked with
 * the CLI's own rules and messages), then redraws. */
var gdvizExplorer = (function (core, hyper, run, formula, py, states, controls, view, exporter, numbers) {
  "use strict";
  var exactness = core.exactness;

  function ExpressionMessage(e) { return e && (e.name === "ExpressionError" || e.name === "ValueError") ? e.message : null; }

  function mount(root, options) {
    options = options || {};
    var data = options.data;
    if (core.data() !== data) core.configure(data);
    var E = { data: data, options: options, ui: controls.build(root, data), runs: [], maxStep: 0, timer: 0, playing: false };
    var base = states.initial(data);
    var fromHash = options.hash ? states.fromHash(window.location.hash, base, data) : null;
    E.state = fromHash || (options.state ? Object.assign(states.clone(base), states.clone(options.state)) : base);
    E.ui.copyLink.hidden = !options.hash; // a link keeps the view only where the hash is read
    wire(E);
    apply(E, { landscape: true, controls: true });
    root.setAttribute("data-ready", "true");
    if (fromHash && options.hash && root.scrollIntoView) root.scrollIntoView();
    var onHash = function () {
      var next = states.fromHash(window.location.hash, E.state, data);
      if (next && states.toHash(next) !== states.toHash(E.state)) { E.state = next; apply(E, { landscape: true, controls: true, quiet: true }); }
    };
    if (options.hash) window.addEventListener("hashchange", onHash);
    var onResize = function () { clearTimeout(E.resizeTimer); E.resizeTimer = setTimeout(function () { E.contourKey = null; E.widths = null; redrawAll(E); }, 120); };
    window.addEventListener("resize", onResize);
    var scheme = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
    var onScheme = function () { E.contourKey = null; redrawAll(E); };
    if (scheme && scheme.addEventListener) scheme.addEventListener("change", onScheme);
    return {
      getState: function () { return states.clone(E.state); },
      setState: function (state) { E.state = Object.assign(states.clone(E.state), states.clone(state)); apply(E, { landscape: true, controls: true }); },
      runs: function () { return E.runs.map(function (r) { return { optimizer: r.optimizer, start: r.job.start.slice(), job: r.job, result: r.result, exact: r.exact }; }); },
      toml: function () { return exportText(E); },
      destroy: function () {
        setPlaying(E, false);
        window.removeEventListener("hashchange", onHash);
        window.removeEventListener("resize", onResize);
        if (scheme && scheme.removeEventListener) scheme.removeEventListener("change", onScheme);
        while (root.firstChild) root.removeChild(root.firstChild);
      }
    };
  }

  /* ------------------------------------------------------------ the landscape */
  function entryOf(E, name) { return E.data.landscapes.filter(function (l) { return l.name === name; })[0] || null; }

  function loadLandscape(E) {
    var s = E.state, ui = E.ui;
    ui.formula.message.textContent = "";
    if (s.formula !== null && s.formula !== undefined) {
      try {
        E.land = formula.parse(s.formula);
        E.entry = null;
        E.landKey = "f:" + E.land.name;
        ui.formula.input.value = s.formula;
      } catch (e) {
        var message = ExpressionMessage(e);
        if (message === null) throw e;
        ui.formula.input.value = s.formula;
        ui.formula.message.textContent = message;
        s.formula = null;
        s.landscape = s.landscape || E.data.initial.landscape;
      }
    }
    if (s.formula === null || s.formula === undefined) {
      E.entry = entryOf(E, s.landscape) || entryOf(E, E.data.initial.landscape);
      s.landscape = E.entry.name;
      E.land = run.getLandscape(E.entry.name);
      E.landKey = "l:" + E.entry.name;
    }
    ui.landscape.value = s.formula !== null && s.formula !== undefined ? "" : s.landscape;
    ui.formula.wrap.hidden = ui.landscape.value !== "";
    var own = E.entry ? E.entry.bounds : null;
    if (!own) { var d = E.data.formula.default_bounds; own = E.land.variables.map(function () { return d.slice(); }); }
    if (s.bounds && (s.bounds.length !== E.land.dim || !s.bounds.every(function (b) { return b[0] < b[1]; }))) s.bounds = null;
    E.bounds = s.bounds || own;
    s.starts = s.starts.filter(function (p) { return p.length === E.land.dim && p.every(isFinite); }).slice(0, E.data.limits.explorer_max_starts);
    if (!s.starts.length) s.starts = [defaultStart(E)];
    E.ui.window.forEach(function (input, i) {
      var axis = Math.floor(i / 2);
      input.parentNode.hidden = axis >= E.land.dim;
      if (axis < E.land.dim) input.value = py.floatRepr(E.bounds[axis][i % 2]).replace(/\.0$/, "");
    });
    E.ui.caption.textContent = caption(E);
    var n = E.land.samples || 0;
    E.ui.batch.hidden = !n;
    if (!n) s.minibatch = false;
    else E.ui.batchLabel.textContent = "stochastic gradients: one step per minibatch of the " + n + " samples";
  }

  function defaultStart(E) {
    if (E.entry && E.entry.starts.length) return E.entry.starts[0].slice();
    return E.bounds.map(function (b, i) { return round(b[0] + (b[1] - b[0]) * (i === 0 ? 0.2 : 0.8), (b[1] - b[0]) / 400); });
  }

  function caption(E) {
    var vars = E.land.variables.join(", "), text;
    if (E.entry) text = E.entry.title + ": L(" + vars + ") = " + E.entry.pretty + ". " + E.entry.description;
    else text = "Your landscape: f(" + vars + ") = " + E.land.pretty + ".";
    return text + (E.land.dim === 2 ? " Click the map to add a start, drag a start to move it; crosses mark the known minima."
      : " Click the plot to add a start, drag a start along the curve.");
  }

  /* A coordinate rounded to the largest power of ten not above ``pixel`` (a click's resolution). */
  function round(v, pixel) {
    var q = Math.pow(10, Math.floor(Math.log10(Math.abs(pixel))));
    return Number((Math.round(v / q) * q).toPrecision(12));
  }

  /* ------------------------------------------------------------ checking the controls */
  function nonnegative(text) {
    var v = py.parseFloat(text);
    if (v === null) throw hyper.ValueError("'" + text + "' is not a number");
    if (!isFinite(v) || v < 0) throw hyper.ValueError("must be a finite number ≥ 0");
    return v;
  }
  function stepsOf(text, limit) {
    var n = py.parseInt(text);
    if (n === null) throw hyper.ValueError(py.strRepr(text) + " is not a valid integer range.");
    if (n < 0 || n > limit) throw hyper.ValueError(n + " is not in the range 0<=x<=" + limit + ".");
    return n;
  }
  /* click's IntRange(min=low) wording (the page's seeds stop at 2⁵³ − 1). */
  function wholeOf(text, low) {
    var n = py.parseInt(text);
    if (n === null) throw hyper.ValueError(py.strRepr(text) + " is not a valid integer range.");
    if (n < low) throw hyper.ValueError(n + " is not in the range x>=" + low + ".");
    if (!Number.isSafeInteger(n)) throw hyper.ValueError(text + " is beyond the page's whole numbers (at most 2**53 - 1)");
    return n;
  }
  function attempt(message, fn) {
    try { return { value: fn() }; } catch (e) {
      if (e.name !== "ValueError" && e.name !== "ExpressionError") throw e;
      message.textContent = e.message;
      return { error: e.message };
    }
  }

  /* Every job of the view (one per enabled optimizer × start), or the fields at fault. */
  function jobs(E) {
    var s = E.state, ui = E.ui, ok = true;
    [ui.steps.message, ui.tol.message, ui.lossTol.message, ui.scheduleMessage, ui.batchSize.message, ui.seed.message].forEach(function (m) { m.textContent = ""; });
    Object.keys(ui.optimizers).forEach(function (name) {
      var row = ui.optimizers[name];
      row.message.textContent = "";
      Object.keys(row.fields).forEach(function (key) { if (row.fields[key].message) row.fields[key].message.textContent = ""; });
    });
    var steps = attempt(ui.steps.message, function () { return stepsOf(String(s.steps), E.data.limits.explorer_max_steps); });
    var tol = attempt(ui.tol.message, function () { return nonnegative(s.tol); });
    var lossTol = attempt(ui.lossTol.message, function () { return nonnegative(s.lossTol); });
    var schedule = attempt(ui.scheduleMessage, function () { return s.schedule ? hyper.parseSchedule(s.schedule) : null; });
    var batch = { value: null }, seed = { value: 0 };
    if (s.minibatch && E.land.samples) {
      batch = attempt(ui.batchSize.message, function () { return wholeOf(String(s.batchSize), 1); });
      seed = attempt(ui.seed.message, function () { return wholeOf(String(s.seed), 0); });
    }
    [steps, tol, lossTol, schedule, batch, seed].forEach(function (r) { if ("error" in r) ok = false; });
    var list = [];
    s.runs.forEach(function (r) {
      var row = ui.optimizers[r.optimizer];
      if (!row) return;
      var values = {}, fine = true;
      Object.keys(row.fields).forEach(function (key) {
        var f = row.fields[key];
        if (!(key in (r.params || {}))) return;
        var parsed = attempt(f.message || row.message, function () { return hyper.parseHyperparameter(r.optimizer, key, r.params[key]); });
        if ("error" in parsed) fine = false; else values[key] = parsed.value;
      });
      var made = fine ? attempt(row.message, function () { return hyper.makeOptimizer(r.optimizer, values); }) : { error: true };
      var lr = "error" in made ? { error: true } : attempt(row.message, function () { var v = py.parseFloat(String(r.lr)); if (v === null) throw hyper.ValueError("'" + r.lr + "' is not a number"); hyper.validateLr(v); return v; });
      if ("error" in made || "error" in lr) { ok = false; return; }
      s.starts.forEach(function (start, i) {
        list.push({
          optimizer: r.optimizer, startIndex: i,
          job: {
            landscape: E.land, optimizer: made.value, start: start.slice(), lr: lr.value, steps: steps.value,
            schedule: schedule.value, gradTol: tol.value, lossTol: lossTol.value,
            batchSize: batch.value, seed: seed.value
          }
        });
      });
    });
    return ok ? list : null;
  }

  /* ------------------------------------------------------------ recompute and redraw */
  function recompute(E) {
    var list = jobs(E);
    E.invalid = list === null;
    if (E.invalid) return false;
    E.problems = [];
    E.runs = list.map(function (item) {
      var result = null, reference = null;
      try {
        result = run.execute(item.job);
        if (item.job.batchSize !== null) reference = run.execute(Object.assign({}, item.job, { batchSize: null, plan: null }));
      } catch (e) {
        if (e.name !== "ValueError") throw e;
        var note = "start " + (item.startIndex + 1) + ": " + e.message;
        if (E.problems.indexOf(note) < 0) E.problems.push(note);
      }
      return { optimizer: item.optimizer, startIndex: item.startIndex, job: item.job, result: result, reference: reference, exact: exactness(item.job) };
    }).filter(function (r) { return r.result !== null; });
    E.maxStep = E.runs.reduce(function (m, r) { return Math.max(m, r.result.steps); }, 0);
    E.state.step = Math.max(0, Math.min(E.state.step, E.maxStep));
    return true;
  }

  function redrawAll(E) {
    view.layout(E);
    view.curve(E);
    view.contours(E);
    view.axes(E);
    view.markers(E);
    view.project(E);
    view.lossChart(E);
    frame(E);
  }

  /* What changes with the step: paths, heads, loss progress, counter, read-out. */
  function frame(E) {
    view.paths(E);
    view.starts(E);
    view.lossProgress(E);
    view.readout(E);
    E.ui.scrub.max = String(Math.max(1, E.maxStep));
    E.ui.scrub.value = String(E.state.step);
    E.ui.counter.textContent = "step " + E.state.step + " of " + E.maxStep;
    claim(E);
  }

  function claim(E) {
    if (E.invalid) {
      E.ui.claim.textContent = "A field above needs fixing (its message says why); the pictures and the table show the last valid view.";
      return;
    }
    var bit = E.runs.filter(function (r) { return r.exact === "bit"; }).length, close = E.runs.length - bit;
    var batched = E.runs.filter(function (r) { return r.result.plan; })[0];
    var parts = [];
    if (bit) parts.push(bit === E.runs.length ? "every number is what gdviz run computes, bit for bit" : bit + " run" + (bit > 1 ? "s are" : " is") + " bit for bit what gdviz run computes");
    if (close) parts.push((close === E.runs.length ? "every run agrees" : close + " run" + (close > 1 ? "s agree" : " agrees")) + " with gdviz run to 10⁻¹² (sin, cos, exp, log or a formula's derivative: the browser's maths library rounds differently)");
    var text = E.runs.length ? "Computed live in your browser by gdviz's optimizer core: " + parts.join("; ") + "." : "Choose an optimizer to start.";
    batchNote(E, batched);
    if (batched) {
      var plan = batched.result.plan;
      text += " Each step averages the gradient over " + plan.size + " of the " + plan.n + " samples: every epoch walks numpy.random.default_rng(" + plan.seed + ").permutation(" + plan.n + ") in slices of " + plan.size + " (gdviz's minibatch contract); the loss shown is the full data set's, the dashed lines are the full-batch runs.";
    }
    if (E.problems && E.problems.length) text = "No run from " + E.problems.join("; ") + ". " + text;
    E.ui.claim.textContent = text;
  }

  /* Under the minibatch controls, what the first noisy run did, from its numbers: the range of
     its full-data loss over the last quarter of its steps against the full-batch run's end. */
  function batchNote(E, batched) {
    var note = E.ui.batchNote, n = E.land.samples;
    if (!n) { note.textContent = ""; return; }
    if (!batched) { note.textContent = E.state.minibatch ? "" : "Off: every step uses all " + n + " samples (full batch)."; return; }
    var r = batched.result, ref = batched.reference, last = r.steps, from = Math.floor(last * 3 / 4);
    if (last < 4 || !ref) { note.textContent = ""; return; }
    var lo = Infinity, hi = -Infinity;
    for (var k = from; k <= last; k++) { lo = Math.min(lo, r.losses[k]); hi = Math.max(hi, r.losses[k]); }
    var label = E.data.style.optimizers[batched.optimizer].label;
    note.textContent = label + ", start " + (batched.startIndex + 1) + ": over steps " + from + "–" + last + " the full-data loss runs from " +
      numbers.formatNumber(lo) + " to " + numbers.formatNumber(hi) + "; on the full batch it ends at " +
      numbers.formatNumber(ref.losses[ref.losses.length - 1]) + " (step " + ref.steps + ", " + view.STATUS[ref.status] + ").";
  }

  /* Re-read the whole view: landscape, controls, runs, pictures, hash. */
  function apply(E, what) {
    what = what || {};
    if (what.landscape) { loadLandscape(E); E.widths = null; }
    if (what.controls) syncControls(E);
    recompute(E);
    redrawAll(E);
    if (!what.quiet) changed(E);
  }

  function changed(E) {
    if (E.options.hash) {
      clearTimeout(E.hashTimer);
      E.hashTimer = setTimeout(function () {
        var hash = states.toHash(E.state);
        if (window.location.hash !== hash && window.history && window.history.replaceState) window.history.replaceState(null, "", hash);
      }, 150);
    }
    if (E.options.onChange) E.options.onChange(states.clone(E.state));
    if (!E.ui.exportBox.hidden) E.ui.toml.value = exportText(E);
  }

  /* ------------------------------------------------------------ the controls' values */
  function syncControls(E) {
    var s = E.state, ui = E.ui;
    var enabled = {};
    s.runs.forEach(function (r) { enabled[r.optimizer] = r; });
    Object.keys(ui.optimizers).forEach(function (name) {
      var row = ui.optimizers[name], r = enabled[name];
      row.box.checked = Boolean(r);
      row.row.classList.toggle("off", !r);
      var lr = r ? r.lr : states.lrFor(E.entry, name, E.data);
      row.text.value = String(lr);
      row.range.value = String(lr > 0 ? Math.log10(lr) : -6);
      row.text.disabled = row.range.disabled = !r;
      var preset = hyper.presetInfo(name), torch = hyper.optimizerInfo(preset ? preset.optimizer : name);
      torch.params.forEach(function (p) {
        var f = row.fields[p.name], given = r && r.params && p.name in r.params;
        var fixed = preset && p.name in preset.fixed ? preset.fixed[p.name] : undefined;
        var shown = given ? r.params[p.name] : fixed !== undefined ? fixed : p.default;
        if (f.kind === "bool") f.input.checked = given ? ["true", "yes", "on", "1"].indexOf(String(r.params[p.name]).toLowerCase()) >= 0 : Boolean(shown);
        else f.input.value = Array.isArray(shown) ? shown.map(String).join(", ") : String(shown);
      });
    });
    var kind = s.schedule ? py.strip(s.schedule.split(":")[0]).toLowerCase() : "constant";
    if (!hyper.scheduleInfo(kind)) kind = "constant";
    ui.scheduleKind.value = kind;
    controls.scheduleFields(ui, hyper.scheduleInfo(kind));
    var given = {};
    (s.schedule.split(":")[1] || "").split(",").forEach(function (item) {
      var at = item.indexOf("=");
      if (at > 0) given[py.strip(item.slice(0, at))] = py.strip(item.slice(at + 1));
    });
    Object.keys(ui.scheduleInputs).forEach(function (k) { ui.scheduleInputs[k].value = given[k] !== undefined ? given[k] : ""; });
    wireSchedule(E);
    ui.batchOn.checked = Boolean(s.minibatch);
    ui.batchSize.input.value = String(s.batchSize);
    ui.seed.input.value = String(s.seed);
    ui.batchSize.input.disabled = ui.seed.input.disabled = ui.nextSeed.disabled = !s.minibatch;
    ui.steps.input.value = String(s.steps);
    ui.tol.input.value = s.tol;
    ui.lossTol.input.value = s.lossTol;
    ui.speed.value = String(s.speed);
    startList(E);
  }

  function startList(E) {
    var list = E.ui.startList;
    while (list.firstChild) list.removeChild(list.firstChild);
    E.state.starts.forEach(function (s, i) {
      var li = controls.el("li", { "class": "gx-start-item" }, list);
      var f = controls.field(li, "start " + (i + 1), {});
      f.input.value = s.map(function (v) { return String(v); }).join(", ");
      f.input.addEventListener("change", function () {
        var parts = f.input.value.split(",").map(py.parseFloat);
        if (parts.length !== E.land.dim || parts.some(function (v) { return v === null || !isFinite(v); })) {
          f.message.textContent = "write " + E.land.dim + " finite number" + (E.land.dim > 1 ? "s separated by a comma" : "");
          return;
        }
        E.state.starts[i] = parts;
        E.state.step = 0;
        apply(E, { controls: true });
      });
      var remove = controls.el("button", { type: "button", "class": "gx-small", "aria-label": "Remove start " + (i + 1) }, li, "×");
      remove.disabled = E.state.starts.length === 1;
      remove.addEventListener("click", function () { removeStart(E, i); });
    });
    E.ui.addStart.input.disabled = E.state.starts.length >= E.data.limits.explorer_max_starts;
    E.ui.addStart.input.placeholder = E.land.dim === 2 ? "x, y" : "x";
  }

  function addStart(E, point) {
    if (E.state.starts.length >= E.data.limits.explorer_max_starts) E.state.starts.shift();
    E.state.starts.push(point);
    E.state.step = 0;
    apply(E, { controls: true });
  }
  function removeStart(E, i) {
    if (E.state.starts.length <= 1) return;
    E.state.starts.splice(i, 1);
    apply(E, { controls: true });
  }

  function setPlaying(E, on) {
    E.playing = on;
    E.ui.play.textContent = on ? "Pause" : "Play";
    E.ui.play.setAttribute("aria-pressed", on ? "true" : "false");
    if (!on) { cancelAnimationFrame(E.timer); return; }
    if (E.state.step >= E.maxStep) E.state.step = 0;
    var last = performance.now(), carry = 0;
    var tick = function (now) {
      if (!E.playing) return;
      carry += (now - last) / 1000 * Math.max(10, E.maxStep / 10) * E.state.speed;
      last = now;
      var whole = Math.floor(carry);
      if (whole > 0) { carry -= whole; E.state.step = Math.min(E.maxStep, E.state.step + whole); frame(E); }
      if (E.state.step >= E.maxStep) { setPlaying(E, false); changed(E); return; }
      E.timer = requestAnimationFrame(tick);
    };
    E.timer = requestAnimationFrame(tick);
  }

  function exportText(E) {
    var list = jobs(E);
    if (list === null) return "# A field of this view needs fixing (its message says why); then export it.\n";
    var byOptimizer = [];
    list.forEach(function (item) { if (item.startIndex === 0) byOptimizer.push(item); });
    var s = E.state, title = E.entry ? E.entry.title : E.land.pretty;
    return exporter.toml({
      name: "explorer", comment: "gdviz explorer view: " + states.toHash(s),
      title: "Explorer view: " + title, landscape: s.landscape, formula: s.formula,
      starts: s.starts, steps: list.length ? list[0].job.steps : s.steps,
      tol: list.length ? list[0].job.gradTol : 0, lossTol: list.length ? list[0].job.lossTol : 0,
      batchSize: list.length ? list[0].job.batchSize : null, seed: list.length ? list[0].job.seed : 0,
      runs: byOptimizer.map(function (item) { return { optimizer: item.optimizer, lr: item.job.lr, optimizerObject: item.job.optimizer, schedule: item.job.schedule }; })
    });
  }

  function wireSchedule(E) {
    Object.keys(E.ui.scheduleInputs).forEach(function (k) {
      E.ui.scheduleInputs[k].addEventListener("change", function () { E.state.schedule = scheduleText(E); apply(E, {}); });
    });
  }
  function scheduleText(E) {
    var kind = E.ui.scheduleKind.value, inputs = E.ui.scheduleInputs, items = [];
    Object.keys(inputs).forEach(function (k) { if (py.strip(inputs[k].value)) items.push(k + "=" + py.strip(inputs[k].value)); });
    if (kind === "constant") return "";
    return items.length ? kind + ":" + items.join(",") : kind;
  }

  /* ------------------------------------------------------------ events */
  function wire(E) {
    gdvizPointer.wire(E, { addStart: addStart, removeStart: removeStart, round: round, apply: apply, frame: frame });
    var ui = E.ui;
    ui.landscape.addEventListener("change", function () {
      var name = ui.landscape.value, s = E.state;
      if (name === "") {
        ui.formula.wrap.hidden = false;
        ui.formula.input.focus();
        if (!ui.formula.input.value) ui.formula.input.value = "x**2 + 3*sin(y)";
        tryFormula(E);
        return;
      }
      var entry = entryOf(E, name);
      s.landscape = name; s.formula = null; s.bounds = null; s.starts = [entry.starts[0].slice()]; s.steps = entry.steps; s.step = 0;
      s.batchSize = states.defaultBatchSize(entry);
      s.runs.forEach(function (r) { r.lr = states.lrFor(entry, r.optimizer, E.data); });
      apply(E, { landscape: true, controls: true });
    });
    var formulaTimer = 0;
    ui.formula.input.addEventListener("input", function () { clearTimeout(formulaTimer); formulaTimer = setTimeout(function () { tryFormula(E); }, 250); });
    ui.formula.input.addEventListener("change", function () { clearTimeout(formulaTimer); tryFormula(E); });
    ui.window.forEach(function (input) { input.addEventListener("change", function () { setWindow(E); }); });
    ui.windowReset.addEventListener("click", function () { E.state.bounds = null; apply(E, { landscape: true }); });
    Object.keys(ui.optimizers).forEach(function (name) { wireOptimizer(E, name); });
    ui.scheduleKind.addEventListener("change", function () {
      controls.scheduleFields(ui, hyper.scheduleInfo(ui.scheduleKind.value));
      wireSchedule(E);
      E.state.schedule = scheduleText(E);
      apply(E, {});
    });
    [["steps", "steps"], ["tol", "tol"], ["lossTol", "lossTol"]].forEach(function (pair) {
      ui[pair[0]].input.addEventListener("change", function () { E.state[pair[1]] = pair[1] === "steps" ? ui.steps.input.value : ui[pair[0]].input.value; apply(E, {}); });
    });
    ui.batchOn.addEventListener("change", function () { E.state.minibatch = ui.batchOn.checked; E.state.step = 0; apply(E, { controls: true }); });
    ui.batchSize.input.addEventListener("change", function () { E.state.batchSize = ui.batchSize.input.value; E.state.step = 0; apply(E, {}); });
    ui.seed.input.addEventListener("change", function () { E.state.seed = ui.seed.input.value; E.state.step = 0; apply(E, {}); });
    ui.nextSeed.addEventListener("click", function () {
      var n = py.parseInt(String(E.state.seed));
      E.state.seed = String(n !== null && n >= 0 && Number.isSafeInteger(n + 1) ? n + 1 : 0);
      E.state.step = 0;
      apply(E, { controls: true });
    });
    ui.addStart.input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      var parts = ui.addStart.input.value.split(",").map(py.parseFloat);
      if (parts.length !== E.land.dim || parts.some(function (v) { return v === null || !isFinite(v); })) {
        ui.addStart.message.textContent = "write " + E.land.dim + " finite number" + (E.land.dim > 1 ? "s separated by a comma" : "");
        return;
      }
      ui.addStart.input.value = "";
      ui.addStart.message.textContent = "";
      addStart(E, parts);
    });
    ui.play.addEventListener("click", function () { setPlaying(E, !E.playing); });
    ui.back.addEventListener("click", function () { setPlaying(E, false); E.state.step = Math.max(0, E.state.step - 1); frame(E); changed(E); });
    ui.forward.addEventListener("click", function () { setPlaying(E, false); E.state.step = Math.min(E.maxStep, E.state.step + 1); frame(E); changed(E); });
    ui.reset.addEventListener("click", function () { setPlaying(E, false); E.state.step = 0; frame(E); changed(E); });
    ui.scrub.addEventListener("input", function () { E.state.step = Number(ui.scrub.value); frame(E); });
    ui.scrub.addEventListener("change", function () { changed(E); });
    ui.speed.addEventListener("change", function () { E.state.speed = Number(ui.speed.value); changed(E); });
    ui.copyLink.addEventListener("click", function () {
      var link = window.location.href.split("#")[0] + states.toHash(E.state);
      copy(link, ui.shareMessage, "Link copied: " + link);
    });
    ui.exportButton.addEventListener("click", function () {
      var open = ui.exportBox.hidden;
      ui.exportBox.hidden = !open;
      ui.exportButton.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { ui.toml.value = exportText(E); ui.download.href = "data:application/toml;charset=utf-8," + encodeURIComponent(ui.toml.value); }
    });
    ui.copyToml.addEventListener("click", function () { copy(ui.toml.value, ui.shareMessage, "TOML copied."); });
  }

  function copy(text, message, done) {
    var fallback = function () { message.textContent = done.indexOf("Link") === 0 ? done : "Select the text and copy it."; };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(function () { message.textContent = done; }, fallback);
    else fallback();
  }

  function tryFormula(E) {
    var text = E.ui.formula.input.value;
    try { formula.parse(text); } catch (e) {
      var message = ExpressionMessage(e);
      if (message === null) throw e;
      E.ui.formula.message.textContent = message;
      return;
    }
    var s = E.state;
    s.formula = text; s.landscape = null; s.bounds = null; s.step = 0;
    apply(E, { landscape: true, controls: true });
  }

  function setWindow(E) {
    var v = E.ui.window.map(function (input) { return py.parseFloat(input.value); });
    var bounds = [];
    for (var axis = 0; axis < E.land.dim; axis++) {
      var lo = v[2 * axis], hi = v[2 * axis + 1];
      if (lo === null || hi === null || !isFinite(lo) || !isFinite(hi) || !(lo < hi)) {
        E.ui.windowMessage.textContent = "each axis needs two finite numbers, from < to";
        return;
      }
      bounds.push([lo, hi]);
    }
    E.ui.windowMessage.textContent = "";
    E.state.bounds = bounds;
    apply(E, { landscape: true });
  }

  function wireOptimizer(E, name) {
    var row = E.ui.optimizers[name];
    var find = function () { return E.state.runs.filter(function (r) { return r.optimizer === name; })[0]; };
    row.box.addEventListener("change", function () {
      if (row.box.checked) {
        var order = Object.keys(E.ui.optimizers);
        E.state.runs.push({ optimizer: name, lr: states.lrFor(E.entry, name, E.data), params: {} });
        E.state.runs.sort(function (a, b) { return order.indexOf(a.optimizer) - order.indexOf(b.optimizer); });
      } else {
        E.state.runs = E.state.runs.filter(function (r) { return r.optimizer !== name; });
      }
      apply(E, { controls: true });
    });
    row.range.addEventListener("input", function () {
      var r = find();
      if (!r) return;
      r.lr = Number(Math.pow(10, Number(row.range.value)).toPrecision(3));
      row.text.value = String(r.lr);
      apply(E, { quiet: true });
    });
    row.range.addEventListener("change", function () { changed(E); });
    row.text.addEventListener("change", function () {
      var r = find();
      if (!r) return;
      r.lr = row.text.value;
      var v = py.parseFloat(row.text.value);
      if (v !== null && v > 0 && isFinite(v)) { r.lr = v; row.range.value = String(Math.log10(v)); }
      apply(E, {});
    });
    Object.keys(row.fields).forEach(function (key) {
      var f = row.fields[key];
      f.input.addEventListener("change", function () {
        var r = find();
        if (!r) return;
        r.params = r.params || {};
        r.params[key] = f.kind === "bool" ? (f.input.checked ? "true" : "false") : f.input.value;
        apply(E, {});
      });
    });
  }

  return { mount: mount, exactness: exactness };
})(gdvizCore, gdvizHyper, gdvizRun, gdvizFormula, gdvizPy, gdvizExplorerState, gdvizControls, gdvizView, gdvizExport, gdvizNumbers);
