/* How gdviz writes a number — the page's copy of gdviz/numbers.py, rule for rule:
 * ``digits`` significant digits (round-half-even on the binary value), plain notation when the
 * rounded magnitude lies in [1e-3, 1e5), else a mantissa, "× 10" and a superscript exponent;
 * exact zero is "0", a true minus sign, "∞", "−∞", "NaN"; ``ascii`` gives "-", "2.35e-09",
 * "inf", "nan". Tested against the Python module in tests/test_page_numbers.py. */
var gdvizNumbers = (function (py) {
  "use strict";
  var PLAIN = [1e-3, 1e5];
  var MINUS = "\u2212";
  var SUP = { "-": "⁻", "+": "⁺", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
  var SUB = { "-": "₋", "+": "₊", "0": "₀", "1": "₁", "2": "₂", "3": "₃", "4": "₄", "5": "₅", "6": "₆", "7": "₇", "8": "₈", "9": "₉" };

  function translate(text, table) {
    return String(text).replace(/[-+0-9]/g, function (c) { return table[c]; });
  }
  function superscript(text) { return translate(text, SUP); }
  function subscript(text) { return translate(text, SUB); }

  function special(value, ascii) {
    if (value !== value) return ascii ? "nan" : "NaN";
    if (value === Infinity) return ascii ? "inf" : "∞";
    if (value === -Infinity) return ascii ? "-inf" : MINUS + "∞";
    if (value === 0) return "0";
    return null;
  }

  function scientific(value, digits, ascii) {
    var parts = py.formatE(value, Math.max(digits - 1, 0)).split("e");
    var mantissa = parts[0];
    if (mantissa.indexOf(".") >= 0) mantissa = mantissa.replace(/0+$/, "").replace(/\.$/, "");
    var power = parseInt(parts[1], 10);
    if (ascii) {
      var mag = String(Math.abs(power));
      return mantissa + "e" + (power < 0 ? "-" : "+") + (mag.length < 2 ? "0" + mag : mag);
    }
    var ten = "10" + superscript(power);
    var text = mantissa === "1" ? ten : mantissa === "-1" ? "-" + ten : mantissa + " × " + ten;
    return text.replace(/-/g, MINUS);
  }

  /* format_number(value, digits=4, ascii=False) */
  function formatNumber(value, digits, ascii) {
    value = Number(value);
    digits = digits === undefined ? 4 : Math.max(Math.trunc(digits), 1);
    var sp = special(value, ascii);
    if (sp !== null) return sp;
    var magnitude = Math.abs(Number(py.formatG(value, digits)));
    if (!(PLAIN[0] <= magnitude && magnitude < PLAIN[1])) return scientific(value, digits, ascii);
    var text = py.formatG(value, digits);
    if (text.indexOf("e") >= 0) text = py.formatF(Number(text), 0);
    return ascii ? text : text.replace(/-/g, MINUS);
  }

  /* format_fixed(value, decimals=3, width=0, ascii=False) */
  function formatFixed(value, decimals, width, ascii) {
    decimals = decimals === undefined ? 3 : decimals;
    value = Number(value) + 0.0;
    if (Object.is(value, -0)) value = 0;
    var sp = special(value, ascii), text;
    if (sp !== null && sp !== "0") text = sp;
    else if (value !== 0 && (Math.abs(value) < Number("1e-" + decimals) || Math.abs(value) >= PLAIN[1])) {
      text = formatNumber(value, Math.max(decimals, 1), ascii);
    } else {
      text = py.formatF(value, decimals);
      if (!ascii) text = text.replace(/-/g, MINUS);
    }
    width = width || 0;
    return text.length < width ? " ".repeat(width - text.length) + text : text;
  }

  /* format_point(values, digits=4, ascii=False) */
  function formatPoint(values, digits, ascii) {
    return "(" + Array.prototype.map.call(values, function (v) { return formatNumber(v, digits, ascii); }).join(", ") + ")";
  }

  return {
    PLAIN_RANGE: PLAIN, formatNumber: formatNumber, formatFixed: formatFixed,
    formatPoint: formatPoint, superscript: superscript, subscript: subscript
  };
})(gdvizPy);
