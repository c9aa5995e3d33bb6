/* Drawing for the explorer: the contour background (computed in the page from the landscape's
 * own kernel, with the levels of gdviz.figures.primitives.contour_levels and the shared
 * landscape ramps), the map's axes, paths and markers, the 1-D curve and the loss chart.
 * Pure drawing: numbers come from the runs and the landscape; nothing here computes a step. */
var gdvizDraw = (function (numbers) {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function svg(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    for (var k in attrs) if (attrs[k] !== undefined && attrs[k] !== null) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function clamp(v, lo, hi) { return v < lo ? lo : v > hi ? hi : v; }

  /* ------------------------------------------------------------ scales */
  function Scale(d0, d1, r0, r1) { this.d0 = d0; this.d1 = d1; this.r0 = r0; this.r1 = r1; }
  Scale.prototype.to = function (v) { return this.r0 + (v - this.d0) / (this.d1 - this.d0) * (this.r1 - this.r0); };
  Scale.prototype.from = function (r) { return this.d0 + (r - this.r0) / (this.r1 - this.r0) * (this.d1 - this.d0); };

  /* About ``count`` round tick values covering [lo, hi]. */
  function ticks(lo, hi, count) {
    var span = hi - lo;
    if (!(span > 0)) return [lo];
    var step = Math.pow(10, Math.floor(Math.log10(span / count))), err = count / span * step;
    if (err <= 0.15) step *= 10; else if (err <= 0.35) step *= 5; else if (err <= 0.75) step *= 2;
    var out = [], first = Math.ceil(lo / step - 1e-9);
    for (var k = first; k * step <= hi + step * 1e-9; k++) out.push(Number((k * step).toPrecision(12)));
    return out;
  }

  /* ------------------------------------------------------------ contours */
  /* Loss on an n×n grid over ``bounds`` (row 0 at the lowest y). */
  function field(value, bounds, n) {
    var z = new Float64Array(n * n), p = new Float64Array(2);
    var x0 = bounds[0][0], x1 = bounds[0][1], y0 = bounds[1][0], y1 = bounds[1][1];
    for (var j = 0; j < n; j++) {
      p[1] = y0 + (y1 - y0) * j / (n - 1);
      for (var i = 0; i < n; i++) {
        p[0] = x0 + (x1 - x0) * i / (n - 1);
        z[j * n + i] = value(p);
      }
    }
    return { z: z, n: n };
  }

  function quantile(sorted, q) {  // numpy's default (linear) quantile
    var pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  }

  /* contour_levels(z, log, count): log-spaced from the 0.1 % quantile (at least 1e-5 of the
     maximum) when ``log`` and the loss is non-negative, else evenly spaced. */
  function levels(z, log, count) {
    count = count || 16;
    var finite = Array.prototype.filter.call(z, isFinite).sort(function (a, b) { return a - b; });
    if (!finite.length) return { values: [0, 1], log: false };
    var lo = finite[0], hi = finite[finite.length - 1], values = [], k;
    if (log && lo >= 0 && hi > 0) {
      var floor = Math.max(quantile(finite, 0.001), hi * 1e-5, 2.2250738585072014e-308);
      for (k = 0; k < count; k++) values.push(Math.exp(Math.log(floor) + (Math.log(hi) - Math.log(floor)) * k / (count - 1)));
      return { values: values, log: true };
    }
    if (hi === lo) hi = lo + 1;
    for (k = 0; k < count; k++) values.push(lo + (hi - lo) * k / (count - 1));
    return { values: values, log: false };
  }

  function rgb(hex) { return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)]; }

  /* Paint filled bands and thin level lines into ``canvas`` (its backing size). */
  function paintContours(canvas, grid, lv, ramp, line) {
    var w = canvas.width, h = canvas.height, ctx = canvas.getContext("2d");
    var img = ctx.createImageData(w, h), data = img.data, n = grid.n, z = grid.z;
    var colors = ramp.map(rgb), L = lv.values, count = L.length, bands = new Int16Array(w * h);
    var lineRGB = rgb(line.color);
    for (var py = 0; py < h; py++) {
      var gy = (h - 1 - py) / (h - 1) * (n - 1), j0 = Math.min(Math.floor(gy), n - 2), fy = gy - j0;
      for (var px = 0; px < w; px++) {
        var gx = px / (w - 1) * (n - 1), i0 = Math.min(Math.floor(gx), n - 2), fx = gx - i0;
        var a = z[j0 * n + i0], b = z[j0 * n + i0 + 1], c = z[(j0 + 1) * n + i0], d = z[(j0 + 1) * n + i0 + 1];
        var v = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
        var band;
        if (!(v === v)) band = -2;
        else if (v < L[0]) band = -1;
        else if (v >= L[count - 1]) band = count - 1;
        else { var lo = 0, hi = count - 1; while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (v >= L[mid]) lo = mid; else hi = mid; } band = lo; }
        bands[py * w + px] = band;
      }
    }
    for (var k = 0; k < w * h; k++) {
      var bd = bands[k], t = bd === -2 ? 0 : clamp((bd + 0.5) / (count - 1), 0, 1);
      var col = colors[Math.round(t * (colors.length - 1))];
      var r = col[0], g = col[1], bl = col[2];
      var x = k % w, edge = (x > 0 && bands[k - 1] !== bd) || (k >= w && bands[k - w] !== bd);
      if (edge) { r += (lineRGB[0] - r) * line.alpha; g += (lineRGB[1] - g) * line.alpha; bl += (lineRGB[2] - bl) * line.alpha; }
      data[4 * k] = r; data[4 * k + 1] = g; data[4 * k + 2] = bl; data[4 * k + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  /* ------------------------------------------------------------ polylines */
  /* "x,y x,y …" of the first ``upto + 1`` points, skipping points less than half a pixel from
     the last one kept (the drawn path, not the numbers). */
  function polyline(xs, ys, upto, limit) {
    var out = [], lx = NaN, ly = NaN;
    limit = limit || 1e5;
    for (var k = 0; k <= upto; k++) {
      var x = xs[k], y = ys[k];
      if (!(isFinite(x) && isFinite(y))) break;
      x = clamp(x, -limit, limit); y = clamp(y, -limit, limit);
      if (k && k < upto && Math.abs(x - lx) < 0.5 && Math.abs(y - ly) < 0.5) continue;
      out.push(Math.round(x * 10) / 10 + "," + Math.round(y * 10) / 10);
      lx = x; ly = y;
    }
    return out.join(" ");
  }

  /* ------------------------------------------------------------ axes */
  function axes(group, sx, sy, box, labels) {
    clear(group);
    var xt = ticks(sx.d0, sx.d1, Math.max(2, Math.round((box.right - box.left) / 90)));
    var yt = ticks(sy.d0, sy.d1, Math.max(2, Math.round((box.bottom - box.top) / 70)));
    xt.forEach(function (v) {
      var x = sx.to(v);
      if (x < box.left - 0.5 || x > box.right + 0.5) return;
      svg("line", { "class": "gx-tick", x1: x, x2: x, y1: box.bottom, y2: box.bottom + 5 }, group);
      svg("text", { "class": "gx-tick-label", x: x, y: box.bottom + 18, "text-anchor": "middle" }, group).textContent = numbers.formatNumber(v, 3);
    });
    yt.forEach(function (v) {
      var y = sy.to(v);
      if (y < box.top - 0.5 || y > box.bottom + 0.5) return;
      svg("line", { "class": "gx-tick", x1: box.left - 5, x2: box.left, y1: y, y2: y }, group);
      svg("text", { "class": "gx-tick-label", x: box.left - 8, y: y + 4, "text-anchor": "end" }, group).textContent = labels && labels.y ? labels.y(v) : numbers.formatNumber(v, 3);
    });
    if (labels && labels.xName) svg("text", { "class": "gx-axis-name", x: box.right, y: box.bottom + 32, "text-anchor": "end" }, group).textContent = labels.xName;
    if (labels && labels.yName) svg("text", { "class": "gx-axis-name", x: box.left - 8, y: box.top - 9, "text-anchor": "end" }, group).textContent = labels.yName;
  }

  /* A power of ten as the page writes it: 1, 10, 10², 10⁻³. */
  function powerOfTen(e) { return e === 0 ? "1" : e === 1 ? "10" : "10" + numbers.superscript(String(e)).replace(/-/g, "⁻"); }

  return {
    svg: svg, clear: clear, clamp: clamp, Scale: Scale, ticks: ticks, field: field, levels: levels,
    paintContours: paintContours, polyline: polyline, axes: axes, powerOfTen: powerOfTen
  };
})(gdvizNumbers);
