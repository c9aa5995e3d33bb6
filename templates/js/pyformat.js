/* Python's textual conventions, so the page writes numbers and messages exactly as gdviz's
 * Python code does: repr() of floats and strings, float() and int() parsing of text, the
 * "g"/"e"/"f" format specs (correctly rounded, ties to even, on the exact binary value), and
 * difflib.get_close_matches for "did you mean …?" (gdviz.names).
 * Tested against Python in tests/test_page_numbers.py. */
var gdvizPy = (function () {
  "use strict";

  /* ------------------------------------------------------------ exact decimal digits */
  var view = new DataView(new ArrayBuffer(8));

  /* |x| (finite, non-zero) as {s, e}: |x| = Number(s) × 10^e exactly, s without leading zeros. */
  function exactDecimal(x) {
    view.setFloat64(0, x);
    var hi = view.getUint32(0), lo = view.getUint32(4);
    var exp = (hi >>> 20) & 0x7ff;
    var mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (exp === 0) exp = 1; else mant |= 1n << 52n;
    var e2 = exp - 1075;
    if (e2 >= 0) return { s: (mant << BigInt(e2)).toString(), e: 0 };
    var digits = (mant * 5n ** BigInt(-e2)).toString();
    return { s: digits, e: e2 };
  }

  /* Round the digit string ``s`` (a non-negative integer) keeping ``keep`` leading digits,
     ties to even; returns {s, carry} where carry says the kept part grew by one digit. */
  function roundDigits(s, keep) {
    if (keep >= s.length) return { s: s + "0".repeat(keep - s.length), carry: false };
    if (keep < 0) return { s: "", carry: false };
    var head = s.slice(0, keep), rest = s.slice(keep);
    var first = rest.charCodeAt(0) - 48;
    var up = first > 5 || (first === 5 && (/[1-9]/.test(rest.slice(1)) ||
      (head.length > 0 && (head.charCodeAt(head.length - 1) - 48) % 2 === 1)));
    if (!up) return { s: head, carry: false };
    var digits = head.split(""), i = digits.length - 1;
    while (i >= 0 && digits[i] === "9") { digits[i] = "0"; i -= 1; }
    if (i >= 0) { digits[i] = String.fromCharCode(digits[i].charCodeAt(0) + 1); return { s: digits.join(""), carry: false }; }
    return { s: "1" + digits.join(""), carry: true };
  }

  function sign(x) { return x < 0 || Object.is(x, -0) ? "-" : ""; }
  function special(x) {
    if (x !== x) return "nan";
    if (x === Infinity) return "inf";
    if (x === -Infinity) return "-inf";
    return null;
  }

  /* ``p`` significant digits of |x| (x finite, non-zero): {digits, X} with X the decimal
     exponent of the first digit after rounding. */
  function significant(x, p) {
    var d = exactDecimal(x);
    var X = d.s.length - 1 + d.e;
    var r = roundDigits(d.s, p);
    if (r.carry) { X += 1; r.s = r.s.slice(0, p); }
    return { digits: r.s, X: X };
  }

  /* format(x, ".{p}e") */
  function formatE(x, p) {
    var sp = special(x);
    if (sp !== null) return sp;
    var digits, X;
    if (x === 0) { digits = "0".repeat(p + 1); X = 0; } else {
      var r = significant(x, p + 1); digits = r.digits; X = r.X;
    }
    var mantissa = digits.charAt(0) + (p > 0 ? "." + digits.slice(1) : "");
    var ex = Math.abs(X) < 10 ? "0" + Math.abs(X) : String(Math.abs(X));
    return sign(x) + mantissa + "e" + (X < 0 ? "-" : "+") + ex;
  }

  /* format(x, ".{f}f") */
  function formatF(x, f) {
    var sp = special(x);
    if (sp !== null) return sp;
    var n;
    if (x === 0) n = "0"; else {
      var d = exactDecimal(x);
      var shift = d.e + f;
      if (shift >= 0) n = d.s + "0".repeat(shift); else {
        var keep = d.s.length + shift;
        var s = keep < 0 ? "0".repeat(-keep) + d.s : d.s;
        var r = roundDigits(s, Math.max(keep, 0));
        n = r.s === "" ? "0" : r.s;
      }
    }
    n = n.replace(/^0+(?=\d)/, "");
    if (f > 0) {
      if (n.length <= f) n = "0".repeat(f - n.length + 1) + n;
      n = n.slice(0, n.length - f) + "." + n.slice(n.length - f);
    }
    return sign(x) + n;
  }

  /* format(x, ".{p}g") */
  function formatG(x, p) {
    var sp = special(x);
    if (sp !== null) return sp;
    var P = p === 0 ? 1 : p;
    if (x === 0) return sign(x) + "0";
    var X = significant(x, P).X;
    var text;
    if (X >= -4 && X < P) {
      text = formatF(x, P - 1 - X);
      if (text.indexOf(".") >= 0) text = text.replace(/0+$/, "").replace(/\.$/, "");
      return text;
    }
    text = formatE(x, P - 1);
    var parts = text.split("e");
    var m = parts[0].indexOf(".") >= 0 ? parts[0].replace(/0+$/, "").replace(/\.$/, "") : parts[0];
    return m + "e" + parts[1];
  }

  /* ------------------------------------------------------------ repr */
  /* Shortest round-trip digits (ECMAScript's Number::toString picks the same digits as
     Python's repr) laid out as Python's repr does: exponent form below 1e-4 and from 1e16. */
  function floatRepr(x) {
    var sp = special(x);
    if (sp !== null) return sp;
    if (x === 0) return sign(x) + "0.0";
    var text = String(Math.abs(x));
    var m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
    var all = m[1] + (m[2] || ""), exp = m[3] ? parseInt(m[3], 10) : 0;
    var lead = all.length - all.replace(/^0+/, "").length;
    var digits = all.slice(lead).replace(/0+$/, "");
    var point = m[1].length - lead + exp;  // digits before the decimal point
    var X = point - 1;  // decimal exponent of the first digit
    var out;
    if (X < -4 || X >= 16) {
      var e = Math.abs(X) < 10 ? "0" + Math.abs(X) : String(Math.abs(X));
      out = digits.charAt(0) + (digits.length > 1 ? "." + digits.slice(1) : "") + "e" + (X < 0 ? "-" : "+") + e;
    } else if (point <= 0) {
      out = "0." + "0".repeat(-point) + digits;
    } else if (digits.length <= point) {
      out = digits + "0".repeat(point - digits.length) + ".0";
    } else {
      out = digits.slice(0, point) + "." + digits.slice(point);
    }
    return sign(x) + out;
  }

  var NONPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
  function hex(code, width) {
    var h = code.toString(16);
    return "0".repeat(Math.max(0, width - h.length)) + h;
  }

  /* repr() of a str. */
  function strRepr(text) {
    var quote = text.indexOf("'") >= 0 && text.indexOf('"') < 0 ? '"' : "'";
    var out = quote;
    for (var i = 0; i < text.length; i++) {
      var code = text.codePointAt(i);
      if (code > 0xffff) i += 1;
      var ch = String.fromCodePoint(code);
      if (ch === quote || ch === "\\") out += "\\" + ch;
      else if (ch === "\t") out += "\\t";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (code < 0x20 || code === 0x7f) out += "\\x" + hex(code, 2);
      else if (code < 0x7f) out += ch;
      else if (!NONPRINTABLE.test(ch)) out += ch;
      else if (code <= 0xff) out += "\\x" + hex(code, 2);
      else if (code <= 0xffff) out += "\\u" + hex(code, 4);
      else out += "\\U" + hex(code, 8);
    }
    return out + quote;
  }

  /* repr() of a JSON-like value as Python would hold it: numbers that are whole are ints
     (json.loads gives ints for them), booleans True/False, arrays lists, strings str. */
  function repr(value) {
    if (value === true) return "True";
    if (value === false) return "False";
    if (value === null || value === undefined) return "None";
    if (typeof value === "string") return strRepr(value);
    if (Array.isArray(value)) return "[" + value.map(repr).join(", ") + "]";
    if (typeof value === "number") return Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < 1e16
      ? String(value) : floatRepr(value);
    return String(value);
  }

  /* ------------------------------------------------------------ parsing */
  var DIGITS = "\\d(?:_?\\d)*";
  var FLOAT_RE = new RegExp("^[+-]?(?:(?:" + DIGITS + ")(?:\\.(?:" + DIGITS + ")?)?|\\.(?:" + DIGITS + "))(?:[eE][+-]?" + DIGITS + ")?$");
  var SPECIAL_RE = /^([+-]?)(inf|infinity|nan)$/i;
  var INT_RE = new RegExp("^[+-]?(?:" + DIGITS + ")$");
  /* Python's str.strip() whitespace (str.isspace). */
  var SPACE = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
  var STRIP_RE = new RegExp("^[" + SPACE + "]+|[" + SPACE + "]+$", "g");

  function strip(text) { return String(text).replace(STRIP_RE, ""); }

  /* float(text), or null where Python raises ValueError. */
  function parseFloatText(text) {
    var t = strip(text);
    var sp = SPECIAL_RE.exec(t);
    if (sp) {
      if (sp[2].toLowerCase() === "nan") return NaN;
      return sp[1] === "-" ? -Infinity : Infinity;
    }
    if (!FLOAT_RE.test(t)) return null;
    return parseFloat(t.replace(/_/g, ""));
  }

  /* int(text) for a str, or null where Python raises ValueError. */
  function parseIntText(text) {
    var t = strip(text);
    if (!INT_RE.test(t)) return null;
    return Number(BigInt(t.replace(/_/g, "")));
  }

  /* ------------------------------------------------------------ difflib */
  function matchingTotal(a, b) {
    var b2j = new Map();
    for (var j = 0; j < b.length; j++) {
      var list = b2j.get(b[j]);
      if (!list) { list = []; b2j.set(b[j], list); }
      list.push(j);
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0;
      var j2len = new Map();
      for (var i = alo; i < ahi; i++) {
        var next = new Map();
        var js = b2j.get(a[i]) || [];
        for (var n = 0; n < js.length; n++) {
          var jj = js[n];
          if (jj < blo) continue;
          if (jj >= bhi) break;
          var k = (j2len.get(jj - 1) || 0) + 1;
          next.set(jj, k);
          if (k > bestsize) { besti = i - k + 1; bestj = jj - k + 1; bestsize = k; }
        }
        j2len = next;
      }
      return [besti, bestj, bestsize];
    }
    var total = 0, queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      var q = queue.pop();
      var m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        total += m[2];
        if (q[0] < m[0] && q[2] < m[1]) queue.push([q[0], m[0], q[2], m[1]]);
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]);
      }
    }
    return total;
  }

  function quickRatio(a, b) {
    var counts = new Map(), matches = 0;
    for (var i = 0; i < b.length; i++) counts.set(b[i], (counts.get(b[i]) || 0) + 1);
    for (var k = 0; k < a.length; k++) {
      var c = counts.get(a[k]) || 0;
      if (c > 0) { matches += 1; counts.set(a[k], c - 1); }
    }
    return a.length + b.length ? 2 * matches / (a.length + b.length) : 1;
  }

  /* difflib.get_close_matches(word, possibilities, n, cutoff) */
  function getCloseMatches(word, possibilities, n, cutoff) {
    n = n === undefined ? 3 : n;
    cutoff = cutoff === undefined ? 0.6 : cutoff;
    var w = Array.from(word), scored = [];
    possibilities.forEach(function (x) {
      var a = Array.from(x), total = a.length + w.length;
      var real = total ? 2 * Math.min(a.length, w.length) / total : 1;
      if (real < cutoff || quickRatio(a, w) < cutoff) return;
      var ratio = total ? 2 * matchingTotal(a, w) / total : 1;
      if (ratio >= cutoff) scored.push([ratio, x]);
    });
    scored.sort(function (p, q) { return p[0] !== q[0] ? q[0] - p[0] : (p[1] < q[1] ? 1 : p[1] > q[1] ? -1 : 0); });
    return scored.slice(0, n).map(function (s) { return s[1]; });
  }

  /* gdviz.names.typo_distance: the optimal-string-alignment distance (code points). */
  function typoDistance(a, b) {
    a = Array.from(a); b = Array.from(b);
    var before = [], previous = [], row, i, j;
    for (j = 0; j <= b.length; j++) previous.push(j);
    for (i = 1; i <= a.length; i++) {
      row = [i];
      for (j = 1; j <= b.length; j++) {
        row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] !== b[j - 1] ? 1 : 0));
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], before[j - 2] + 1);
      }
      before = previous; previous = row;
    }
    return previous[b.length];
  }

  /* gdviz.names.did_you_mean */
  function didYouMean(word, choices) {
    var starts = choices.filter(function (c) { return word && c.indexOf(word) === 0; });
    if (starts.length === 1) return " (did you mean '" + starts[0] + "'?)";
    var allowed = Array.from(word).length < 6 ? 1 : 2, lower = word.toLowerCase();
    var match = choices.filter(function (c) { return typoDistance(lower, c.toLowerCase()) <= allowed; }).slice(0, 1);
    if (!match.length) match = getCloseMatches(word, choices, 1, 0.5);
    return match.length ? " (did you mean '" + match[0] + "'?)" : "";
  }

  /* gdviz.names.unknown_name_message */
  function unknownNameMessage(what, name, choices) {
    var hint = didYouMean(name, choices) || " (choose from " + choices.join(", ") + ")";
    return "unknown " + what + " '" + name + "'" + hint;
  }

  return {
    exactDecimal: exactDecimal, formatE: formatE, formatF: formatF, formatG: formatG,
    floatRepr: floatRepr, strRepr: strRepr, repr: repr, strip: strip,
    parseFloat: parseFloatText, parseInt: parseIntText,
    getCloseMatches: getCloseMatches, didYouMean: didYouMean, unknownNameMessage: unknownNameMessage
  };
})();
