/* window.gdviz.run(spec): `gdviz run --format json` in the page.
 *
 * spec fields (the CLI's options; values as JSON — numbers, strings, booleans, arrays):
 *   landscape | expr   a built-in landscape name, or a formula in x (and y)
 *   optimizer          "sgd", "adam", … or a preset "gd", "momentum", "nesterov"   (required)
 *   start              [x] or [x, y] (or the CLI's text "x,y")                     (required)
 *   params             {torch name: value}, e.g. {momentum: 0.9, betas: [0.9, 0.99]}
 *   lr, schedule, steps, tol, loss_tol                 as --lr, --schedule, --steps, --tol, --loss-tol
 *   batch_size, seed   minibatches on a data landscape (as --batch-size, --seed; gdviz/batches.py):
 *                      each epoch walks default_rng(seed).permutation(n) in slices of batch_size
 * Returns the document `gdviz run --format json` prints: {spec, variables, status, steps,
 * final, records: [{step, x, y, loss, grad_norm, lr}, …]}; a minibatch run adds epoch and
 * batch_loss to each record (the loss at that step's point on the slice of the next update),
 * batch_size and seed to the spec, and batches: [{epoch, indices}, …], one slice per record.
 * A bad spec throws an Error whose
 * message is the CLI's one-line message without "Error: " (e.g. "Invalid value for '--param':
 * invalid eps for adam: -1.0 (must be ≥ 0)"). Each value is read as the text the CLI would get
 * (String(number), arrays joined by commas) and checked in the CLI's order. */
var gdvizRun = (function (py, hyper, descent, formula) {
  "use strict";
  var LANDSCAPES = {}, NAMES = [], LIMITS = { max_steps: 10000000, default_steps: 100, grad_tol: 1e-6 };
  var OPTIONS = [
    ["landscape", ["--landscape", "-l"]], ["expr", ["--expr", "-e"]], ["optimizer", ["--optimizer"]],
    ["start", ["--start", "-s"]], ["steps", ["--steps", "-n"]], ["lr", ["--lr"]], ["params", ["--param", "-p"]],
    ["schedule", ["--schedule"]], ["tol", ["--tol"]], ["loss_tol", ["--loss-tol"]],
    ["batch_size", ["--batch-size"]], ["seed", ["--seed"]]
  ];
  var LONG = [];  // gdviz run's long options, for click's "Did you mean" (the configuration's cli_options)
  var CLI_ONLY = ["format", "output", "quiet", "verbose", "help"];

  /* Built-in landscapes: the catalogue entries (name, variables, …) with their page kernels. */
  function configure(data) {
    LANDSCAPES = {};
    NAMES = data.names.slice();
    data.landscapes.forEach(function (entry) {
      var kernel = gdvizKernels.landscapes[entry.name];
      if (kernel) LANDSCAPES[entry.name] = landscape(entry, kernel);
    });
    if (data.limits) Object.assign(LIMITS, data.limits);
    LONG = (data.cli_options || []).slice();
  }
  function landscape(entry, kernel) {
    var fn = kernel.valueAndGradient, d = kernel.dim;
    return {
      name: entry.name, variables: entry.variables, dim: d, formula: false, exact: kernel.exact, entry: entry,
      samples: kernel.columns ? kernel.columns[0].length : 0,  // a data problem's n (0: a formula)
      evaluate: d === 1 ? function (p, out) { fn(p[0], out); } : function (p, out, rows) { fn(p[0], p[1], out, rows); },
      value: function (p) { var out = new Float64Array(d + 1); if (d === 1) kernel.value(p[0], out); else kernel.value(p[0], p[1], out); return out[0]; }
    };
  }
  function getLandscape(name) {
    if (LANDSCAPES[name]) return LANDSCAPES[name];
    if (NAMES.indexOf(name) >= 0) throw usage("landscape '" + name + "' has more than two variables: the page draws 1-D and 2-D landscapes (use gdviz run)");
    throw valueError(py.unknownNameMessage("landscape", name, NAMES));
  }

  /* ------------------------------------------------------------ click's messages */
  function usage(message) { var e = new Error(message); e.name = "UsageError"; return e; }
  function valueError(message) { var e = new Error(message); e.name = "ValueError"; return e; }
  function bad(hint, message) { return usage("Invalid value for " + hint + ": " + message); }
  function optionHint(key) {
    return OPTIONS.filter(function (o) { return o[0] === key; })[0][1].map(function (n) { return "'" + n + "'"; }).join(" / ");
  }
  function convert(key, fn) {
    try { return fn(); } catch (e) {
      if (e.name === "ValueError" || e.name === "ExpressionError") throw bad(optionHint(key), e.message);
      throw e;
    }
  }

  /* A JSON value as the text the CLI receives. */
  function text(value) {
    if (typeof value === "string") return value;
    if (typeof value === "boolean") return value ? "true" : "false";
    if (Array.isArray(value)) return value.map(text).join(",");
    return String(value);
  }

  function number(key, raw, nonnegative) {
    return convert(key, function () {
      var v = py.parseFloat(raw);
      if (v === null) throw valueError("'" + raw + "' is not a number");
      if (!isFinite(v) || (nonnegative && v < 0)) throw valueError(nonnegative ? "must be a finite number ≥ 0" : "must be finite");
      return v;
    });
  }

  /* click's IntRange(min=low): a whole number ≥ low (seeds beyond 2⁵³ stay exact as text). */
  function whole(key, raw, low) {
    return convert(key, function () {
      var n = py.parseInt(raw);
      if (n === null) throw valueError(py.strRepr(raw) + " is not a valid integer range.");
      if (n < low) throw valueError(n + " is not in the range x>=" + low + ".");
      if (!Number.isSafeInteger(n)) throw valueError(raw + " is beyond the page's whole numbers (at most 2**53 - 1)");
      return n;
    });
  }

  /* The minibatch plan of a job (null: full batch); the last few plans are kept, so the
     explorer's runs (every optimizer and start, one seed) share theirs. */
  var PLANS = [];
  function planOf(job) {
    if (job.batchSize === null || job.batchSize === undefined) return null;
    var key = [job.landscape.samples, job.batchSize, job.seed, job.steps].join("|");
    for (var i = 0; i < PLANS.length; i++) if (PLANS[i].key === key) return PLANS[i].plan;
    var plan = gdvizRandom.batchPlan(job.landscape.samples, job.batchSize, job.seed, job.steps + 1);
    PLANS.unshift({ key: key, plan: plan });
    PLANS.length = Math.min(PLANS.length, 4);
    return plan;
  }

  /* ------------------------------------------------------------ the command */
  function parseArgs(spec) {
    if (spec === null || typeof spec !== "object" || Array.isArray(spec)) throw usage("window.gdviz.run takes an object such as {landscape: \"bowl\", optimizer: \"adam\", start: [1, 2]}");
    Object.keys(spec).forEach(function (key) {
      if (CLI_ONLY.indexOf(key) >= 0) throw usage("'" + key + "' is a gdviz run option the page API does not take: it returns the JSON document");
      if (!OPTIONS.some(function (o) { return o[0] === key; })) {
        var opt = "--" + key.replace(/_/g, "-"), close = py.getCloseMatches(opt, LONG);
        var suggest = close.length === 1 ? " Did you mean '" + close[0] + "'?" : close.length ? " (Did you mean one of: " + close.sort().map(function (c) { return "'" + c + "'"; }).join(", ") + "?)" : "";
        throw usage("No such option '" + opt + "'." + suggest);
      }
    });
    var given = function (key) { return spec[key] !== undefined && spec[key] !== null; };
    var args = {};
    OPTIONS.forEach(function (o) {
      var key = o[0];
      if (!given(key)) return;
      var raw = spec[key];
      switch (key) {
        case "landscape": args.surface = convert(key, function () { return getLandscape(text(raw)); }); break;
        case "expr": args.formula = convert(key, function () { return formula.parse(text(raw)); }); break;
        case "optimizer": args.optimizer = text(raw); break;
        case "start":
          args.start = convert(key, function () {
            var t = text(raw), parts = t.split(",").map(py.parseFloat);
            if (parts.some(function (v) { return v === null; })) {
              throw valueError("'" + t + "' is not a list of numbers (write X or X,Y; use --start=-1.5,2 for negative numbers)");
            }
            if (!parts.every(isFinite)) throw valueError("coordinates must be finite");
            return parts;
          });
          break;
        case "steps":
          args.steps = convert(key, function () {
            var t = text(raw), n = py.parseInt(t);
            if (n === null) throw valueError(py.strRepr(t) + " is not a valid integer range.");
            if (n < 0 || n > LIMITS.max_steps) throw valueError(n + " is not in the range 0<=x<=" + LIMITS.max_steps + ".");
            return n;
          });
          break;
        case "lr": args.lr = number(key, text(raw), false); break;
        case "params": {
          var items = Array.isArray(raw) ? raw.map(text) : typeof raw === "object"
            ? Object.keys(raw).map(function (k) { return k + "=" + text(raw[k]); }) : [text(raw)];
          args.params = items.map(function (item) {
            return convert(key, function () {
              var at = item.indexOf("=");
              if (at < 0 || !py.strip(item.slice(0, at))) throw valueError("'" + item + "' is not KEY=VALUE");
              return [py.strip(item.slice(0, at)), py.strip(item.slice(at + 1))];
            });
          });
          break;
        }
        case "schedule": args.schedule = convert(key, function () { return hyper.parseSchedule(text(raw)); }); break;
        case "tol": args.tol = number(key, text(raw), true); break;
        case "loss_tol": args.lossTol = number(key, text(raw), true); break;
        case "batch_size": args.batchSize = whole(key, text(raw), 1); break;
        case "seed": args.seed = whole(key, text(raw), 0); break;
      }
    });
    if (args.optimizer === undefined) throw usage("Missing option '--optimizer'.");
    if (args.start === undefined) throw usage("Missing option '--start' / '-s'.");
    return args;
  }

  function prepare(spec) {
    var args = parseArgs(spec);
    if ((args.surface === undefined) === (args.formula === undefined)) throw usage("give exactly one of --landscape NAME or --expr FORMULA");
    var land = args.surface || args.formula;
    if (args.start.length !== land.dim) {
      throw bad("'--start'", land.name + " has " + land.dim + " variable(s) (" + land.variables.join(", ") + "), got " + args.start.length + " coordinate(s)");
    }
    var name = args.optimizer, values = {}, names = hyper.names();
    (args.params || []).forEach(function (pair) {
      try { values[pair[0]] = hyper.parseHyperparameter(name, pair[0], pair[1]); } catch (e) {
        if (e.name !== "ValueError") throw e;
        throw bad(names.indexOf(py.strip(name).toLowerCase()) >= 0 ? "'--param'" : "'--optimizer'", e.message);
      }
    });
    var optimizer;
    try { optimizer = hyper.makeOptimizer(name, values); } catch (e) {
      if (e.name !== "ValueError") throw e;
      throw bad(Object.keys(values).length && names.indexOf(name) >= 0 ? "'--param'" : "'--optimizer'", e.message);
    }
    if (args.batchSize !== undefined && !land.samples) {
      throw bad("'--batch-size'", land.name + " has no data set: minibatches need a data landscape (see `gdviz list landscapes`)");
    }
    var lr = args.lr === undefined ? hyper.defaultLr(name) : args.lr;
    try { hyper.validateLr(lr); } catch (e) { throw bad("'--lr'", e.message); }
    return {
      landscape: land, optimizer: optimizer, start: args.start, lr: lr,
      steps: args.steps === undefined ? LIMITS.default_steps : args.steps,
      schedule: args.schedule || null,
      gradTol: args.tol === undefined ? LIMITS.grad_tol : args.tol, lossTol: args.lossTol || 0,
      batchSize: args.batchSize === undefined ? null : args.batchSize, seed: args.seed === undefined ? 0 : args.seed
    };
  }

  /* ------------------------------------------------------------ the JSON document */
  function records(run, variables) {
    var rows = [], d = run.dim;
    for (var k = 0; k < run.losses.length; k++) {
      var row = { step: k };
      for (var i = 0; i < d; i++) row[variables[i]] = run.points[k * d + i];
      row.loss = run.losses[k]; row.grad_norm = run.gradNorms[k]; row.lr = run.lrs[k];
      if (run.plan) { row.epoch = run.plan.epochs[k]; row.batch_loss = run.batchLosses[k]; }
      rows.push(row);
    }
    return rows;
  }

  function document(job, run) {
    var hp = {};
    Object.keys(job.optimizer.hyperparams).forEach(function (k) {
      var v = job.optimizer.hyperparams[k];
      hp[k] = Array.isArray(v) ? v.slice() : v;
    });
    var rows = records(run, job.landscape.variables);
    var out = {
      spec: {
        landscape: job.landscape.name, optimizer: job.optimizer.preset || job.optimizer.name, lr: job.lr,
        start: job.start.slice(), steps: job.steps, hyperparams: hp,
        schedule: job.schedule ? hyper.scheduleText(job.schedule) : null,
        grad_tol: job.gradTol, loss_tol: job.lossTol, expression: Boolean(job.landscape.formula)
      },
      variables: job.landscape.variables.slice(), status: run.status, steps: run.steps,
      final: Object.assign({}, rows[rows.length - 1]), records: rows
    };
    if (run.plan) {
      out.spec.batch_size = run.plan.size; out.spec.seed = run.plan.seed;
      out.batches = [];
      for (var k = 0; k < rows.length; k++) out.batches.push({ epoch: run.plan.epochs[k], indices: Array.from(run.plan.rows(k)) });
    }
    return out;
  }

  /* The run itself, for callers that already hold a checked job (the explorer). */
  function execute(job) {
    return descent.descend(job.landscape, job.optimizer, job.start, {
      lr: job.lr, steps: job.steps, schedule: job.schedule, gradTol: job.gradTol, lossTol: job.lossTol,
      plan: job.plan !== undefined ? job.plan : planOf(job)
    });
  }

  function run(spec) {
    var job = prepare(spec), result;
    try { result = execute(job); } catch (e) {
      if (e.name === "ValueError") throw bad("'--start'", e.message);  // the CLI's hint for a bad start
      throw e;
    }
    return document(job, result);
  }

  return {
    run: run, prepare: prepare, execute: execute, planOf: planOf, configure: configure, getLandscape: getLandscape,
    landscapes: function () { return LANDSCAPES; }
  };
})(gdvizPy, gdvizHyper, gdvizDescent, gdvizFormula);
