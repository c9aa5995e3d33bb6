/* Learning-rate schedules — gdviz/schedules.py's recursions, operation for operation
 * (torch.optim.lr_scheduler's chainable forms): element k of rates() is the rate update k + 1
 * uses; element 0 is the rate after the scheduler's constructor. */
var gdvizSchedules = (function (scalars) {
  "use strict";
  var cos = scalars.cos;

  function same(p, lr0) { return lr0; }
  function mod(a, m) { var r = a % m; return r < 0 ? r + m : r; }  // Python's %

  var RULES = {
    constant: { initial: same, next: function (p, lr) { return lr; } },
    exponential: { initial: same, next: function (p, lr) { return lr * p.gamma; } },
    step: {
      initial: same,
      next: function (p, lr, lr0, k) { return k === 0 || k % p.step_size !== 0 ? lr : lr * p.gamma; }
    },
    cosine: {
      initial: same,
      next: function (p, lr, lr0, k) {
        var T = p.T_max, etaMin = p.eta_min;
        if (mod(k - 1 - T, 2 * T) === 0) return lr + (lr0 - etaMin) * (1 - cos(Math.PI / T)) / 2;
        var factor = (1 + cos(Math.PI * k / T)) / (1 + cos(Math.PI * (k - 1) / T));
        return factor * (lr - etaMin) + etaMin;
      }
    },
    "inverse-time": {
      initial: function (p, lr0) { return lr0 * inverseTime(p, 0); },
      next: function (p, lr, lr0, k) { return lr0 * inverseTime(p, k); }
    },
    warmup: {
      initial: function (p, lr0) { return lr0 * p.start_factor; },
      next: function (p, lr, lr0, k) {
        var start = p.start_factor, end = p.end_factor, total = p.total_iters;
        if (k > total) return lr;
        return lr * (1.0 + (end - start) / (total * start + (k - 1) * (end - start)));
      }
    }
  };
  function inverseTime(p, k) { return 1.0 / (1.0 + p.decay_rate * k / p.decay_steps); }

  /* The first n rates for base rate lr0 as a Float64Array (kind and params already checked). */
  function rates(kind, params, lr0, n) {
    var rule = RULES[kind], out = new Float64Array(n);
    if (n === 0) return out;
    var lr = rule.initial(params, lr0);
    out[0] = lr;
    for (var k = 1; k < n; k++) { lr = rule.next(params, lr, lr0, k); out[k] = lr; }
    return out;
  }

  return { rates: rates, kinds: Object.keys(RULES) };
})(gdvizScalars);
