/* The explorer's view as a TOML experiment (gdviz/experiments.py's format), which
 * `gdviz figures --config FILE.toml` and `gdviz report --config FILE.toml` accept: the same
 * landscape or formula, starts, steps, tolerances and one run per optimizer with its learning
 * rate, the hyperparameters that differ from its defaults, and the schedule; with minibatches,
 * the experiment's batch_size and seed (issue 10's names, as gdviz run --batch-size --seed).
 * The numbers are written as Python's repr writes them, so the file reads back to the page's
 * very floats. */
var gdvizExport = (function (py, hyper) {
  "use strict";

  function string(text) {
    return '"' + String(text).replace(/[\\"\u0000-\u001f\u007f]/g, function (c) {
      if (c === "\\") return "\\\\";
      if (c === '"') return '\\"';
      var h = c.charCodeAt(0).toString(16);
      return "\\u" + "0000".slice(h.length) + h;
    }) + '"';
  }
  function value(v) {
    if (typeof v === "boolean") return v ? "true" : "false";
    if (Array.isArray(v)) return "[" + v.map(value).join(", ") + "]";
    if (typeof v === "number") return Number.isInteger(v) && Math.abs(v) < 1e15 && !Object.is(v, -0) ? py.floatRepr(v) : py.floatRepr(v);
    return string(v);
  }
  function key(name) { return /^[A-Za-z0-9_-]+$/.test(name) ? name : string(name); }

  /* ``view``: {name, title, landscape | formula, starts, steps, tol, lossTol (numbers),
     batchSize (null: full batch) and seed,
     runs: [{optimizer, lr, optimizerObject (made), schedule (made or null)}]}. */
  function toml(view) {
    var table = "experiment." + key(view.name), lines = [];
    lines.push("# " + view.comment);
    lines.push("[" + table + "]");
    lines.push("title = " + string(view.title));
    if (view.formula !== null && view.formula !== undefined) lines.push("expr = " + string(view.formula));
    else lines.push("landscape = " + string(view.landscape));
    lines.push("starts = [" + view.starts.map(function (s) { return "[" + s.map(value).join(", ") + "]"; }).join(", ") + "]");
    lines.push("steps = " + view.steps);
    lines.push("grad_tol = " + value(view.tol));
    lines.push("loss_tol = " + value(view.lossTol));
    if (view.batchSize !== null && view.batchSize !== undefined) {
      lines.push("batch_size = " + view.batchSize);
      lines.push("seed = " + view.seed);
    }
    view.runs.forEach(function (run) {
      lines.push("");
      lines.push("[[" + table + ".runs]]");
      lines.push("optimizer = " + string(run.optimizer));
      lines.push("lr = " + value(run.lr));
      var changed = hyper.changed(run.optimizerObject), keys = Object.keys(changed);
      if (keys.length) lines.push("params = { " + keys.map(function (k) { return key(k) + " = " + value(changed[k]); }).join(", ") + " }");
      if (run.schedule) lines.push("schedule = " + string(hyper.scheduleText(run.schedule)));
    });
    return lines.join("\n") + "\n";
  }

  return { toml: toml, string: string };
})(gdvizPy, gdvizHyper);
