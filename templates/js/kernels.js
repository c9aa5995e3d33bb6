/* The runtime of gdviz's generated landscape kernels (templates/js/landscapes.js).
 * pairwiseSum adds like numpy's np.add.reduce on a contiguous axis, so a data problem's mean
 * over samples rounds exactly as the Python core's np.mean does. */
var gdvizKernels = (function () {
  "use strict";
  /* numpy's pairwise summation (``np.add.reduce`` on a contiguous axis), so a mean over
     samples adds in numpy's order: blocks of 8 partial sums below 128 values, halves above. */
  function pairwiseSum(a, lo, n) {
    var i, res;
    if (n < 8) {
      res = 0.0;
      for (i = 0; i < n; i++) res += a[lo + i];
      return res;
    }
    if (n <= 128) {
      var r = [a[lo], a[lo + 1], a[lo + 2], a[lo + 3], a[lo + 4], a[lo + 5], a[lo + 6], a[lo + 7]];
      for (i = 8; i < n - (n % 8); i += 8) {
        for (var j = 0; j < 8; j++) r[j] += a[lo + i + j];
      }
      res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) res += a[lo + i];
      return res;
    }
    var n2 = Math.floor(n / 2);
    n2 -= n2 % 8;
    return pairwiseSum(a, lo, n2) + pairwiseSum(a, lo + n2, n - n2);
  }

  /* A data problem's mean over the samples ``rows`` (all samples when omitted) of the
     per-sample kernel ``sample`` with ``outputs`` values; writes the means into ``out``. */
  function sampleMean(sample, outputs, columns, params, rows, out) {
    var n = rows ? rows.length : columns[0].length, p = params.length, cols = columns.length;
    var store = scratch(outputs * n), tmp = scratch(outputs, 1), s, k, row;
    if (p === 2 && cols === 2) {  // every 2-D data problem (x, y columns): a direct call
      var a = params[0], b = params[1], c0 = columns[0], c1 = columns[1];
      for (s = 0; s < n; s++) {
        row = rows ? rows[s] : s;
        sample(a, b, c0[row], c1[row], tmp);
        for (k = 0; k < outputs; k++) store[k * n + s] = tmp[k];
      }
    } else {
      var call = new Array(p + cols + 1);  // one argument list, refilled per sample
      for (var i = 0; i < p; i++) call[i] = params[i];
      call[p + cols] = tmp;
      for (s = 0; s < n; s++) {
        row = rows ? rows[s] : s;
        for (var c = 0; c < cols; c++) call[p + c] = columns[c][row];
        sample.apply(null, call);
        for (k = 0; k < outputs; k++) store[k * n + s] = tmp[k];
      }
    }
    for (var m = 0; m < outputs; m++) out[m] = pairwiseSum(store, m * n, n) / n;
  }

  /* Reused scratch buffers (a mean allocates nothing per call): slot 0 the per-sample
     values, slot 1 one sample's outputs. */
  var buffers = [new Float64Array(0), new Float64Array(0)];
  function scratch(size, slot) {
    slot = slot || 0;
    if (buffers[slot].length < size) buffers[slot] = new Float64Array(size);
    return buffers[slot];
  }

  return { pairwiseSum: pairwiseSum, sampleMean: sampleMean, landscapes: {} };
})();
