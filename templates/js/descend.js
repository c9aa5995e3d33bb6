/* descend(): gdviz/descent.py's loop for one run, step for step.
 *
 * For k = 0, 1, …: check ‖g_k‖ < grad_tol (converged, no update from θ_k), update with the
 * schedule's rate η_k, evaluate L(θ_{k+1}) and ∇L(θ_{k+1}); a non-finite point, loss or gradient
 * norm, or a loss above DIVERGENCE_FACTOR·max(1, |L(θ₀)|), ends the run as diverged at θ_k (the
 * bad point is dropped); a start whose loss or gradient is not finite is an error; |L(θ_{k+1}) − L(θ_k)| < loss_tol is converged at θ_{k+1}; after ``steps``
 * updates the run ends as max_steps. The gradient norm is √(g₁² + g₂² + …), summed in order.
 *
 * A landscape here is {dim, variables, evaluate(point, out[, rows])} writing [L, ∂L/∂θ₁, …]
 * into out; a data landscape averages over the samples ``rows`` when given (all otherwise).
 *
 * Minibatches (options.plan, a gdvizRandom.batchPlan of steps + 1 slices; gdviz/batches.py's
 * contract, descent.py's rows): update k + 1 uses the gradient averaged over slice k at θ_k
 * instead of the full gradient; everything else — the recorded loss and gradient norm, the
 * stopping rules, divergence — is the full data set's, so a noisy run is judged by the loss it
 * is meant to lower. Row k keeps slice k's own loss at θ_k as batchLosses[k] (the slice of the
 * next update; what a torch training loop prints). */
var gdvizDescent = (function (optimizers, schedules, py) {
  "use strict";
  var FACTOR = 1e8;

  function configure(limits) { if (limits && limits.divergence_factor) FACTOR = limits.divergence_factor; }

  function norm(out, d) {
    var s = out[1] * out[1];
    for (var i = 2; i <= d; i++) s = s + out[i] * out[i];
    return Math.sqrt(s);
  }

  /* A start where the loss, the gradient or its norm is not finite is an error, not a run. */
  function checkStart(out, d, gnorm) {
    var bad = null;
    if (!isFinite(out[0])) bad = ["loss", out[0]];
    else {
      for (var i = 1; i <= d && !bad; i++) if (!isFinite(out[i])) bad = ["gradient", out[i]];
      if (!bad && !isFinite(gnorm)) bad = ["gradient norm", gnorm];
    }
    if (bad) {
      var error = new Error("the " + bad[0] + " at the start is not finite (" + py.floatRepr(bad[1]) + ")");
      error.name = "ValueError";
      throw error;
    }
  }

  /* Growable per-step records (a run that stops early never allocates its whole budget). */
  function Records(d, budget) {
    this.d = d;
    this.capacity = Math.min(budget, 1024);
    this.points = new Float64Array(this.capacity * d);
    this.losses = new Float64Array(this.capacity);
    this.gradNorms = new Float64Array(this.capacity);
    this.lrs = new Float64Array(this.capacity);
    this.batchLosses = new Float64Array(this.capacity);
    this.length = 0;
  }
  Records.prototype.push = function (p, loss, gnorm, lr, batchLoss) {
    if (this.length === this.capacity) {
      var size = this.capacity * 2, d = this.d, grow = function (a, n) { var b = new Float64Array(n); b.set(a); return b; };
      this.points = grow(this.points, size * d); this.losses = grow(this.losses, size);
      this.gradNorms = grow(this.gradNorms, size); this.lrs = grow(this.lrs, size);
      this.batchLosses = grow(this.batchLosses, size);
      this.capacity = size;
    }
    var k = this.length;
    for (var i = 0; i < this.d; i++) this.points[k * this.d + i] = p[i];
    this.losses[k] = loss; this.gradNorms[k] = gnorm; this.lrs[k] = lr; this.batchLosses[k] = batchLoss;
    this.length = k + 1;
  };

  /* One run. ``optimizer`` is a gdvizHyper.makeOptimizer result, ``schedule`` a made schedule
     or null; ``options.plan`` a minibatch plan or null. Returns {points, losses, gradNorms,
     lrs, status, steps, dim} (typed arrays of steps + 1 rows), with batchLosses and the plan
     when minibatched. */
  function descend(landscape, optimizer, start, options) {
    var d = landscape.dim, steps = options.steps, lr0 = options.lr;
    var gradTol = options.gradTol || 0, lossTol = options.lossTol || 0;
    var table = options.schedule ? schedules.rates(options.schedule.kind, options.schedule.params, lr0, steps + 1) : null;
    var rate = function (k) { return table ? table[k] : lr0; };
    var rule = optimizers.stepper(optimizer.name, optimizer.rule);
    var p = Float64Array.from(start), previous = new Float64Array(d), g = new Float64Array(d);
    var out = new Float64Array(d + 1), plan = options.plan || null, slice = plan ? new Float64Array(d + 1) : null;
    landscape.evaluate(p, out);
    var loss = out[0], gnorm = norm(out, d);
    checkStart(out, d, gnorm);
    if (plan) landscape.evaluate(p, slice, plan.rows(0));
    var limit = options.maxLoss !== undefined && options.maxLoss !== null ? options.maxLoss : FACTOR * Math.max(1.0, Math.abs(loss));
    var records = new Records(d, steps + 1);
    records.push(p, loss, gnorm, rate(0), plan ? slice[0] : NaN);
    var state = rule.init(d), status = "max_steps", stop = steps;
    for (var k = 0; k < steps; k++) {
      if (gradTol > 0 && gnorm < gradTol) { status = "converged"; stop = k; break; }
      previous.set(p);
      var previousLoss = loss, lr = rate(k), source = plan ? slice : out;
      for (var i = 0; i < d; i++) g[i] = source[i + 1];
      rule.update(g, state, p, k + 1, lr, d);
      landscape.evaluate(p, out);
      loss = out[0]; gnorm = norm(out, d);
      if (plan) landscape.evaluate(p, slice, plan.rows(k + 1));
      var batchLoss = plan ? slice[0] : NaN;
      var pointFinite = true;
      for (var j = 0; j < d; j++) if (!isFinite(p[j])) pointFinite = false;
      if (!pointFinite || !isFinite(loss) || !isFinite(gnorm) || !(loss <= limit)) {
        p.set(previous);
        landscape.evaluate(p, out);
        status = "diverged"; stop = k;
        break;
      }
      if (lossTol > 0 && Math.abs(loss - previousLoss) < lossTol) {
        records.push(p, loss, gnorm, rate(k + 1), batchLoss);  // the point it converged at, with its rate
        status = "converged"; stop = k + 1;
        break;
      }
      records.push(p, loss, gnorm, rate(k + 1), batchLoss);
    }
    var n = records.length, result = {
      dim: d, status: status, steps: stop,
      points: records.points.subarray(0, n * d), losses: records.losses.subarray(0, n),
      gradNorms: records.gradNorms.subarray(0, n), lrs: records.lrs.subarray(0, n)
    };
    if (plan) { result.plan = plan; result.batchLosses = records.batchLosses.subarray(0, n); }
    return result;
  }

  return { descend: descend, configure: configure, factor: function () { return FACTOR; } };
})(gdvizOptimizers, gdvizSchedules, gdvizPy);
