/* The optimizer core's update rules — gdviz/optimizers.py, operation for operation.
 *
 * Each rule performs the numpy kernel's float64 operations in the same order on one run's
 * coordinates (Float64Arrays of length d): torch's _single_tensor_* arithmetic, with torch's
 * lerp split at |w| = 0.5, v·β + ((1 − β)·g)·g for the squared averages and
 * p + (value·num)/den for addcdiv. Scalar powers and cosines go through gdvizScalars (the bits
 * CPython's C library gives). Names, defaults and the preset table come from the Python
 * registry through the page's data (gdvizOptimizers.configure). */
var gdvizOptimizers = (function (scalars) {
  "use strict";
  var pow = scalars.pow;

  /* ------------------------------------------------------------ shared pieces */
  function weightDecay(g, p, wd, t, d) {       // grad = grad.add(param, alpha=weight_decay)
    for (var i = 0; i < d; i++) { t[i] = p[i] * wd; g[i] = g[i] + t[i]; }
  }
  function decayWeights(p, lr, wd, d) {        // param.mul_(1 - lr * weight_decay)
    var f = 1 - lr * wd;
    for (var i = 0; i < d; i++) p[i] = p[i] * f;
  }
  function lerp(a, b, w, t, d) {               // a.lerp_(b, w)
    var i;
    if (Math.abs(w) < 0.5) {
      for (i = 0; i < d; i++) { t[i] = b[i] - a[i]; t[i] = t[i] * w; a[i] = a[i] + t[i]; }
    } else {
      var u = 1 - w;
      for (i = 0; i < d; i++) { t[i] = b[i] - a[i]; t[i] = t[i] * u; a[i] = b[i] - t[i]; }
    }
  }
  function emaSquare(v, g, beta, t, d) {       // v.mul_(beta).addcmul_(g, g, value=1 - beta)
    var u = 1 - beta;
    for (var i = 0; i < d; i++) { v[i] = v[i] * beta; t[i] = g[i] * u; t[i] = t[i] * g[i]; v[i] = v[i] + t[i]; }
  }
  function addcdiv(p, num, den, value, t, d) { // p.addcdiv_(num, den, value=value)
    for (var i = 0; i < d; i++) { t[i] = num[i] * value; t[i] = t[i] / den[i]; p[i] = p[i] + t[i]; }
  }
  function maximum(a, b, out, d) {             // np.maximum (NaN propagates)
    for (var i = 0; i < d; i++) out[i] = (a[i] >= b[i] || a[i] !== a[i]) ? a[i] : b[i];
  }

  /* ------------------------------------------------------------ the rules */
  function sgd(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], momentum = hp.momentum, i;
    if (hp.weight_decay !== 0) weightDecay(g, p, hp.weight_decay, t1, d);
    var direction = g;
    if (momentum !== 0) {
      var buf = st.momentum_buffer;
      if (step === 1) {
        for (i = 0; i < d; i++) buf[i] = g[i];
      } else {
        var keep = 1 - hp.dampening;
        for (i = 0; i < d; i++) { buf[i] = buf[i] * momentum; t1[i] = g[i] * keep; buf[i] = buf[i] + t1[i]; }
      }
      if (hp.nesterov) {
        for (i = 0; i < d; i++) { t1[i] = buf[i] * momentum; g[i] = g[i] + t1[i]; }
      } else {
        direction = buf;
      }
    }
    var rate = -lr;
    for (i = 0; i < d; i++) { t1[i] = direction[i] * rate; p[i] = p[i] + t1[i]; }
  }

  function adam(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], t2 = t[1], i;
    var beta1 = hp.betas[0], beta2 = hp.betas[1], wd = hp.weight_decay;
    if (wd !== 0) {
      if (hp.decoupled_weight_decay) decayWeights(p, lr, wd, d); else weightDecay(g, p, wd, t1, d);
    }
    lerp(st.exp_avg, g, 1 - beta1, t1, d);
    emaSquare(st.exp_avg_sq, g, beta2, t1, d);
    var bc1 = 1 - pow(beta1, step), bc2 = 1 - pow(beta2, step);
    var stepSize = lr / bc1, bc2Sqrt = pow(bc2, 0.5);
    var second = st.exp_avg_sq;
    if (hp.amsgrad) { second = st.max_exp_avg_sq; maximum(second, st.exp_avg_sq, second, d); }
    for (i = 0; i < d; i++) { t1[i] = Math.sqrt(second[i]); t1[i] = t1[i] / bc2Sqrt; t1[i] = t1[i] + hp.eps; }
    addcdiv(p, st.exp_avg, t1, -stepSize, t2, d);
  }

  function rmsprop(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], t2 = t[1], alpha = hp.alpha, i;
    if (hp.weight_decay !== 0) weightDecay(g, p, hp.weight_decay, t1, d);
    var sq = st.square_avg;
    emaSquare(sq, g, alpha, t1, d);
    if (hp.centered) {
      var ga = st.grad_avg;
      lerp(ga, g, 1 - alpha, t1, d);
      for (i = 0; i < d; i++) { t1[i] = ga[i] * ga[i]; t1[i] = sq[i] - t1[i]; t1[i] = Math.sqrt(t1[i]); }
    } else {
      for (i = 0; i < d; i++) t1[i] = Math.sqrt(sq[i]);
    }
    for (i = 0; i < d; i++) t1[i] = t1[i] + hp.eps;
    if (hp.momentum > 0) {
      var buf = st.momentum_buffer, rate = -lr;
      for (i = 0; i < d; i++) {
        buf[i] = buf[i] * hp.momentum; t2[i] = g[i] / t1[i]; buf[i] = buf[i] + t2[i];
        t2[i] = buf[i] * rate; p[i] = p[i] + t2[i];
      }
    } else {
      addcdiv(p, g, t1, -lr, t2, d);
    }
  }

  function adagrad(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], t2 = t[1], sum = st.sum, i;
    if (hp.weight_decay !== 0) weightDecay(g, p, hp.weight_decay, t1, d);
    var clr = lr / (1 + (step - 1) * hp.lr_decay);
    for (i = 0; i < d; i++) {
      t1[i] = g[i] * g[i]; sum[i] = sum[i] + t1[i]; t1[i] = Math.sqrt(sum[i]); t1[i] = t1[i] + hp.eps;
    }
    addcdiv(p, g, t1, -clr, t2, d);
  }

  function adadelta(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], t2 = t[1], rho = hp.rho, eps = hp.eps, i;
    if (hp.weight_decay !== 0) weightDecay(g, p, hp.weight_decay, t1, d);
    var sq = st.square_avg, acc = st.acc_delta;
    emaSquare(sq, g, rho, t1, d);
    for (i = 0; i < d; i++) {
      t1[i] = sq[i] + eps; t1[i] = Math.sqrt(t1[i]);
      t2[i] = acc[i] + eps; t2[i] = Math.sqrt(t2[i]);
      t2[i] = t2[i] / t1[i]; t2[i] = t2[i] * g[i];
    }
    emaSquare(acc, t2, rho, t1, d);
    var rate = -lr;
    for (i = 0; i < d; i++) { t1[i] = t2[i] * rate; p[i] = p[i] + t1[i]; }
  }

  function adamax(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], i;
    var beta1 = hp.betas[0], beta2 = hp.betas[1];
    if (hp.weight_decay !== 0) weightDecay(g, p, hp.weight_decay, t1, d);
    var avg = st.exp_avg, inf = st.exp_inf;
    lerp(avg, g, 1 - beta1, t1, d);
    for (i = 0; i < d; i++) { inf[i] = inf[i] * beta2; t1[i] = Math.abs(g[i]); t1[i] = t1[i] + hp.eps; }
    maximum(inf, t1, inf, d);
    var clr = lr / (1 - pow(beta1, step));
    addcdiv(p, avg, inf, -clr, t1, d);
  }

  function nadamMu(beta1, psi, step) {         // β1 (1 − ½ 0.96^(t ψ))
    return beta1 * (1.0 - 0.5 * pow(0.96, step * psi));
  }
  function nadamPrepare(hp, step, st) {        // mu_product *= mu (before the update)
    st.mu_product[0] = st.mu_product[0] * nadamMu(hp.betas[0], hp.momentum_decay, step);
  }
  function nadam(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], t2 = t[1], i;
    var beta1 = hp.betas[0], beta2 = hp.betas[1], psi = hp.momentum_decay, wd = hp.weight_decay;
    var bc2 = 1 - pow(beta2, step);
    if (wd !== 0) {
      if (hp.decoupled_weight_decay) decayWeights(p, lr, wd, d); else weightDecay(g, p, wd, t1, d);
    }
    var mu = nadamMu(beta1, psi, step), muNext = beta1 * (1.0 - 0.5 * pow(0.96, (step + 1) * psi));
    var product = st.mu_product[0];
    lerp(st.exp_avg, g, 1 - beta1, t1, d);
    emaSquare(st.exp_avg_sq, g, beta2, t1, d);
    var sq = st.exp_avg_sq;
    for (i = 0; i < d; i++) { t1[i] = sq[i] / bc2; t1[i] = Math.sqrt(t1[i]); t1[i] = t1[i] + hp.eps; }
    var productNext = product * muNext;
    var valueGrad = -lr * (1.0 - mu) / (1.0 - product);
    var valueAvg = (-lr * muNext) / (1.0 - productNext);
    addcdiv(p, g, t1, valueGrad, t2, d);
    addcdiv(p, st.exp_avg, t1, valueAvg, t2, d);
  }

  function radam(hp, step, lr, g, p, st, t, d) {
    var t1 = t[0], t2 = t[1], i;
    var beta1 = hp.betas[0], beta2 = hp.betas[1], wd = hp.weight_decay;
    if (wd !== 0) {
      if (hp.decoupled_weight_decay) decayWeights(p, lr, wd, d); else weightDecay(g, p, wd, t1, d);
    }
    var avg = st.exp_avg, sq = st.exp_avg_sq;
    lerp(avg, g, 1 - beta1, t1, d);
    emaSquare(sq, g, beta2, t1, d);
    var bc1 = 1 - pow(beta1, step), bc2 = 1 - pow(beta2, step);
    for (i = 0; i < d; i++) t2[i] = avg[i] / bc1;
    var rhoInf = 2 / (1 - beta2) - 1;
    var rhoT = rhoInf - 2 * step * pow(beta2, step) / bc2;
    for (i = 0; i < d; i++) t2[i] = t2[i] * lr;
    if (rhoT > 5.0) {
      var rect = pow((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT), 0.5);
      var scale = pow(bc2, 0.5);
      for (i = 0; i < d; i++) {
        t1[i] = Math.sqrt(sq[i]); t1[i] = t1[i] + hp.eps; t1[i] = 1 / t1[i]; t1[i] = t1[i] * scale;
        t2[i] = t2[i] * t1[i]; t2[i] = t2[i] * rect;
      }
    }
    for (i = 0; i < d; i++) p[i] = p[i] - t2[i];
  }

  /* Buffers each rule keeps (torch's state names), given its hyperparameters. */
  var RULES = {
    sgd: { kernel: sgd, buffers: function (hp) { return hp.momentum !== 0 ? ["momentum_buffer"] : []; } },
    adam: { kernel: adam, buffers: adamBuffers },
    adamw: { kernel: adam, buffers: adamBuffers },
    rmsprop: {
      kernel: rmsprop,
      buffers: function (hp) {
        var names = ["square_avg"];
        if (hp.momentum > 0) names.push("momentum_buffer");
        if (hp.centered) names.push("grad_avg");
        return names;
      }
    },
    adagrad: { kernel: adagrad, buffers: function () { return ["sum"]; } },
    adadelta: { kernel: adadelta, buffers: function () { return ["square_avg", "acc_delta"]; } },
    adamax: { kernel: adamax, buffers: function () { return ["exp_avg", "exp_inf"]; } },
    nadam: { kernel: nadam, buffers: function () { return ["exp_avg", "exp_avg_sq"]; }, prepare: nadamPrepare },
    radam: { kernel: radam, buffers: function () { return ["exp_avg", "exp_avg_sq"]; } }
  };
  function adamBuffers(hp) {
    return hp.amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];
  }

  /* A ready-to-step optimizer: ``rule`` holds the hyperparameters the kernel reads (torch's
     arguments plus the settings built into the optimizer, e.g. AdamW's decoupled decay). */
  function stepper(name, rule) {
    var r = RULES[name];
    if (!r) throw new Error("no update rule for " + name);
    return {
      name: name,
      init: function (d) {
        var st = {}, fill = name === "adagrad" ? rule.initial_accumulator_value : 0.0;
        r.buffers(rule).forEach(function (key) { st[key] = new Float64Array(d).fill(fill); });
        if (name === "nadam") st.mu_product = new Float64Array([1.0]);
        st.scratch = [new Float64Array(d), new Float64Array(d)];
        return st;
      },
      /* One update in place: mutates p and st, may overwrite g; step is 1-based. */
      update: function (g, st, p, step, lr, d) {
        if (r.prepare) r.prepare(rule, step, st);
        r.kernel(rule, step, lr, g, p, st, st.scratch, d);
      }
    };
  }

  return { stepper: stepper, names: Object.keys(RULES) };
})(gdvizScalars);
