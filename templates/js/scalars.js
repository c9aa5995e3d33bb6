/* The optimizers' and schedules' scalar library calls, with the bits CPython computes.
 *
 * Python evaluates ``beta ** step``, ``0.96 ** (step·ψ)``, ``bias_correction2 ** 0.5`` and the
 * cosine schedule's ``math.cos`` with the C library (glibc: not correctly rounded, ~0.1 % of
 * results are 1 ulp off the true value). Chromium's V8 calls that same C ``pow`` for every
 * exponent except 2 and 0.5, which it replaces by ``x * x`` and ``sqrt(x)``, and its
 * ``Math.cos`` is glibc's algorithm. So:
 *
 *   pow(x, y)  = Math.pow(x, y) for y ∉ {2, 0.5};
 *                for y ∈ {2, 0.5}: the C library's value from a table gdviz writes into the
 *                page (gdviz.report.page_scalars: every base the default and common
 *                hyperparameters produce, where glibc differs from x·x or √x), else x·x or √x;
 *   cos(x)     = Math.cos(x).
 *
 * The table makes the defaults exact in every browser for those two exponents; the other
 * results are C's own in Chromium. tests/test_page_core.py measures both claims. */
var gdvizScalars = (function () {
  "use strict";
  var table = Object.create(null);
  var view = new DataView(new ArrayBuffer(8));

  /* The 16 hex digits of a double's bits (the table's key; Python: struct.pack(">d").hex()). */
  function bits(x) {
    view.setFloat64(0, x);
    var hi = view.getUint32(0).toString(16), lo = view.getUint32(4).toString(16);
    return "00000000".slice(hi.length) + hi + "00000000".slice(lo.length) + lo;
  }
  function fromBits(text) {
    view.setUint32(0, parseInt(text.slice(0, 8), 16));
    view.setUint32(4, parseInt(text.slice(8), 16));
    return view.getFloat64(0);
  }

  var tabulated = { betas: [], steps: 0 };

  /* Install the build's table {pow: {"2": {bits(x): bits(x ** 2)}, "0.5": {…}}, betas, steps}. */
  function setTable(data) {
    table = Object.create(null);
    var powers = (data && data.pow) || {};
    Object.keys(powers).forEach(function (y) {
      var entries = powers[y], out = Object.create(null);
      Object.keys(entries).forEach(function (key) { out[key] = fromBits(entries[key]); });
      table[y] = out;
    });
    tabulated = { betas: (data && data.betas) || [], steps: (data && data.steps) || 0 };
    var cal = (data && data.calibration) || { pow: [], cos: [] };
    library.pow = cal.pow.length > 0 && cal.pow.every(function (c) { return bits(Math.pow(fromBits(c[0]), fromBits(c[1]))) === c[2]; });
    library.cos = cal.cos.length > 0 && cal.cos.every(function (c) { return bits(Math.cos(fromBits(c[0]))) === c[1]; });
  }
  /* Whether this browser's Math.pow and Math.cos gave the build's C-library values. */
  var library = { pow: false, cos: false };

  function pow(x, y) {
    if (y === 2 || y === 0.5) {
      var known = table[y === 2 ? "2" : "0.5"];
      if (known) {
        var hit = known[bits(x)];
        if (hit !== undefined) return hit;
      }
      return y === 2 ? x * x : Math.sqrt(x + 0);
    }
    return Math.pow(x, y);
  }

  function cos(x) { return Math.cos(x); }

  /* Whether the table covers the powers of this β₂ (and β₁) for ``steps`` updates. */
  function covers(betas, steps) {
    return steps <= tabulated.steps && betas.every(function (b) { return tabulated.betas.indexOf(b) >= 0; });
  }

  return {
    pow: pow, cos: cos, bits: bits, fromBits: fromBits, setTable: setTable, covers: covers,
    library: function () { return { pow: library.pow, cos: library.cos }; }
  };
})();
