/* The two rejections gdviz/expression.py can only make after building the sympy tree
 * (_ensure_numeric): a value or gradient that sympy's automatic evaluation turns into zoo, nan,
 * ±oo or I ("the value of '1/(x - x)' is not a real number (sympy gives zoo)"), and a constant
 * beyond float64 once powers are multiplied out ("(1e200*x)**2" → 10⁴⁰⁰·x²).
 *
 * A small exact algebra reproduces the parts of sympy's canonical forms those checks depend on:
 * exact rationals (BigInt), like terms collected in sums, powers of a base collected in
 * products, integer powers distributed over products, numbers evaluated, zoo/nan/I arising
 * from division by zero, log and roots of non-positive numbers, and derivatives. It is used
 * only to decide those two rejections (and print sympy's text of simple results); the page
 * evaluates formulas with gdvizProgram. */
var gdvizSymbolic = (function (py) {
  "use strict";
  var MAX = (1n << 1024n) - (1n << 971n);  // the largest float64, exactly

  /* ------------------------------------------------------------ numbers */
  function gcd(a, b) { a = a < 0n ? -a : a; b = b < 0n ? -b : b; while (b) { var t = a % b; a = b; b = t; } return a; }
  function rat(p, q) {
    q = q === undefined ? 1n : q;
    if (q === 0n) return p === 0n ? NAN : ZOO;
    if (q < 0n) { p = -p; q = -q; }
    var g = gcd(p, q) || 1n;
    return { k: "num", p: p / g, q: q / g };
  }
  function flt(v) { return { k: "float", v: v }; }
  var ZERO = rat(0n), ONE = rat(1n), MINUS_ONE = rat(-1n), HALF = rat(1n, 2n);
  var ZOO = { k: "zoo" }, NAN = { k: "nan" }, OO = { k: "oo" }, NOO = { k: "-oo" }, I = { k: "I" };
  var PI = { k: "sym", name: "pi", constant: true }, E = { k: "sym", name: "E", constant: true };

  function isNum(a) { return a.k === "num" || a.k === "float"; }
  function isZero(a) { return (a.k === "num" && a.p === 0n) || (a.k === "float" && a.v === 0); }
  function isOne(a) { return a.k === "num" && a.p === 1n && a.q === 1n; }
  function isInt(a) { return a.k === "num" && a.q === 1n; }
  function negative(a) { return (a.k === "num" && a.p < 0n) || (a.k === "float" && a.v < 0); }
  function isqrt(n) {
    if (n < 2n) return n;
    var x = BigInt(Math.floor(Math.sqrt(Number(n)))), y;
    for (;;) { y = (x + n / x) >> 1n; if (y >= x) break; x = y; }
    while (x * x > n) x -= 1n;
    while ((x + 1n) * (x + 1n) <= n) x += 1n;
    return x;
  }
  function toFloat(a) { return a.k === "float" ? a.v : Number(a.p) / Number(a.q); }
  function numAdd(a, b) {
    if (a.k === "float" || b.k === "float") return flt(toFloat(a) + toFloat(b));
    return rat(a.p * b.q + b.p * a.q, a.q * b.q);
  }
  function numMul(a, b) {
    if (a.k === "float" || b.k === "float") return flt(toFloat(a) * toFloat(b));
    return rat(a.p * b.p, a.q * b.q);
  }
  function numPowInt(a, n) {  // n: BigInt
    if (a.k === "float") return flt(Math.pow(a.v, Number(n)));
    if (n >= 0n) return rat(a.p ** n, a.q ** n);
    if (a.p === 0n) return ZOO;
    return rat(a.q ** -n, a.p ** -n);
  }
  /* A float literal as sympy's Rational of its shortest decimal form (Fraction(repr(v))). */
  function fromFloatLiteral(v) {
    var text = py.floatRepr(v), m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
    var digits = BigInt(m[2] + (m[3] || "")), exp = (m[4] ? parseInt(m[4], 10) : 0) - (m[3] || "").length;
    if (m[1]) digits = -digits;
    return exp >= 0 ? rat(digits * 10n ** BigInt(exp)) : rat(digits, 10n ** BigInt(-exp));
  }

  /* ------------------------------------------------------------ canonical keys */
  function key(a) {
    switch (a.k) {
      case "num": return "n" + a.p + "/" + a.q;
      case "float": return "f" + a.v;
      case "sym": return "s" + a.name;
      case "fn": return "F" + a.name + "(" + key(a.arg) + ")";
      case "pow": return "P(" + key(a.base) + "," + key(a.exp) + ")";
      case "mul": return "M(" + a.args.map(key).join(",") + ")";
      case "add": return "A(" + a.args.map(key).join(",") + ")";
    }
    return a.k;
  }
  function special(a) { return a.k === "zoo" || a.k === "nan" || a.k === "oo" || a.k === "-oo"; }

  /* ------------------------------------------------------------ constructors */
  function add(terms) {
    var flat = [];
    terms.forEach(function (t) { if (t.k === "add") flat.push.apply(flat, t.args); else flat.push(t); });
    var number = ZERO, groups = new Map(), order = [], infinities = [];
    for (var i = 0; i < flat.length; i++) {
      var t = flat[i];
      if (t.k === "nan") return NAN;
      if (special(t)) { infinities.push(t.k); continue; }
      if (isNum(t)) { number = numAdd(number, t); continue; }
      var split = coeffMul(t), k = key(split.rest);
      if (!groups.has(k)) { groups.set(k, { coeff: ZERO, rest: split.rest }); order.push(k); }
      var g = groups.get(k);
      g.coeff = numAdd(g.coeff, split.coeff);
    }
    if (infinities.length) {
      if (infinities.indexOf("zoo") >= 0) return infinities.length > 1 ? NAN : ZOO;
      var pos = infinities.indexOf("oo") >= 0, neg = infinities.indexOf("-oo") >= 0;
      return pos && neg ? NAN : pos ? OO : NOO;
    }
    var out = [];
    order.forEach(function (k) {
      var g = groups.get(k);
      if (!isZero(g.coeff) || g.coeff.k === "float") out.push(mul([g.coeff, g.rest]));
    });
    out = out.filter(function (t) { return !isZero(t); });
    if (!isZero(number) || (number.k === "float" && !out.length)) out.unshift(number);
    if (!out.length) return ZERO;
    if (out.length === 1) return out[0];
    out.sort(function (a, b) { return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0; });
    return { k: "add", args: out };
  }

  function coeffMul(t) {
    if (t.k === "mul" && isNum(t.args[0])) return { coeff: t.args[0], rest: t.args.length === 2 ? t.args[1] : { k: "mul", args: t.args.slice(1) } };
    return { coeff: ONE, rest: t };
  }

  function mul(factors) {
    var flat = [];
    factors.forEach(function (f) { if (f.k === "mul") flat.push.apply(flat, f.args); else flat.push(f); });
    var coeff = ONE, bases = new Map(), order = [], zoo = false, imag = 0;
    for (var i = 0; i < flat.length; i++) {
      var f = flat[i];
      if (f.k === "nan") return NAN;
      if (f.k === "zoo" || f.k === "oo" || f.k === "-oo") { zoo = true; continue; }
      if (f.k === "I") { imag += 1; continue; }
      if (isNum(f)) { coeff = numMul(coeff, f); continue; }
      var base = f.k === "pow" ? f.base : f, exp = f.k === "pow" ? f.exp : ONE, k = key(base);
      if (!bases.has(k)) { bases.set(k, { base: base, exp: ZERO }); order.push(k); }
      var b = bases.get(k);
      b.exp = add([b.exp, exp]);
    }
    if (imag % 4 >= 2) coeff = numMul(coeff, MINUS_ONE);
    if (zoo) return isZero(coeff) ? NAN : order.length ? { k: "mul", args: [ZOO].concat(rest()) } : ZOO;
    if (isZero(coeff) && coeff.k === "num") return ZERO;
    var out = rest();
    if (imag % 2) out.unshift(I);
    if (!isOne(coeff) || !out.length) out.unshift(coeff);
    if (out.length === 1) return out[0];
    return { k: "mul", args: out };
    function rest() {
      var list = [];
      order.forEach(function (k) {
        var b = bases.get(k), p = pow(b.base, b.exp);
        if (!isOne(p)) { if (p.k === "mul") list.push.apply(list, p.args); else list.push(p); }
      });
      list.sort(function (a, b) { return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0; });
      return list;
    }
  }

  function pow(base, exp) {
    if (base.k === "nan" || exp.k === "nan") return NAN;
    if (isZero(exp) && exp.k === "num") return ONE;
    if (isOne(exp)) return base;
    if (isNum(base) && isZero(base)) {
      if (isNum(exp)) return negative(exp) ? ZOO : ZERO;
      return { k: "pow", base: ZERO, exp: exp };
    }
    if (base.k === "zoo") return isNum(exp) ? (negative(exp) ? ZERO : ZOO) : { k: "pow", base: base, exp: exp };
    if (base.k === "I" && isInt(exp)) {
      var r = Number(((exp.p % 4n) + 4n) % 4n);
      return [ONE, I, MINUS_ONE, mul([MINUS_ONE, I])][r];
    }
    if (isNum(base) && isNum(exp)) {
      if (isInt(exp)) return numPowInt(base, exp.p);
      if (base.k === "float" || exp.k === "float") {
        var v = Math.pow(toFloat(base), toFloat(exp));
        return v === v ? flt(v) : mul([flt(Math.pow(-toFloat(base), toFloat(exp))), { k: "pow", base: MINUS_ONE, exp: exp }]);
      }
      if (exp.q === 2n && negative(base)) return mul([I, pow(rat(-base.p, base.q), exp)]);
      if (isOne(base)) return ONE;
      if (exp.p === 1n && exp.q === 2n) {
        var rp = isqrt(base.p), rq = isqrt(base.q);
        if (rp * rp === base.p && rq * rq === base.q) return rat(rp, rq);
      }
      return { k: "pow", base: base, exp: exp };
    }
    if (base.k === "pow" && isInt(exp)) return pow(base.base, mul([base.exp, exp]));
    if (base.k === "mul" && isInt(exp)) return mul(base.args.map(function (f) { return pow(f, exp); }));
    return { k: "pow", base: base, exp: exp };
  }

  function fn(name, arg) {
    if (arg.k === "nan") return NAN;
    switch (name) {
      case "log":
        if (isZero(arg)) return ZOO;
        if (isOne(arg)) return ZERO;
        if (arg === E) return ONE;
        if (negative(arg)) return add([fn("log", mul([MINUS_ONE, arg])), mul([I, PI])]);
        if (arg.k === "zoo") return ZOO;
        break;
      case "exp":
        if (isZero(arg)) return ONE;
        if (arg.k === "fn" && arg.name === "log") return arg.arg;
        return pow(E, arg);
      case "sqrt": return pow(arg, HALF);
      case "sin": case "tan": case "tanh":
        if (isZero(arg)) return ZERO;
        if (name === "tan" && arg.k === "mul" && arg.args.length === 2 && arg.args[1] === PI && arg.args[0].k === "num" && arg.args[0].q === 2n) return ZOO;
        if (name === "sin" && (arg === PI || (arg.k === "mul" && arg.args.length === 2 && arg.args[1] === PI && isInt(arg.args[0])))) return ZERO;
        break;
      case "cos":
        if (isZero(arg)) return ONE;
        if (arg === PI) return MINUS_ONE;
        break;
      case "abs":
        if (isNum(arg)) return negative(arg) ? mul([MINUS_ONE, arg]) : arg;
        break;
    }
    if (arg.k === "zoo" && name !== "abs") return NAN;
    return { k: "fn", name: name, arg: arg };
  }

  /* ------------------------------------------------------------ from the checked tree */
  function build(node, floats, names) {
    if (floats.has(node)) return flt(floats.get(node));
    switch (node.t) {
      case "Constant": return node.kind === "int" ? rat(node.big) : fromFloatLiteral(node.value);
      case "Name": return names[node.id] || (node.id === "pi" ? PI : E);
      case "UnaryOp": return node.op === "USub" ? mul([MINUS_ONE, build(node.operand, floats, names)]) : build(node.operand, floats, names);
      case "BinOp": {
        var a = build(node.left, floats, names), b = build(node.right, floats, names);
        if (node.op === "Add") return add([a, b]);
        if (node.op === "Sub") return add([a, mul([MINUS_ONE, b])]);
        if (node.op === "Mult") return mul([a, b]);
        if (node.op === "Div") return mul([a, pow(b, MINUS_ONE)]);
        return pow(a, b);
      }
      case "Call": return fn(node.func.id, build(node.args[0], floats, names));
    }
    throw new Error("unchecked node " + node.t);
  }

  /* ------------------------------------------------------------ derivatives */
  function diff(a, x) {
    switch (a.k) {
      case "num": case "float": case "I": return ZERO;
      case "zoo": case "nan": case "oo": case "-oo": return NAN;
      case "sym": return a === x ? ONE : ZERO;
      case "add": return add(a.args.map(function (t) { return diff(t, x); }));
      case "mul":
        return add(a.args.map(function (f, i) {
          return mul(a.args.map(function (g, j) { return i === j ? diff(g, x) : g; }));
        }));
      case "pow": {
        var db = diff(a.base, x), de = diff(a.exp, x);
        if (isZero(a.base)) return isZero(de) ? ZERO : NAN;
        var part = mul([a.exp, pow(a.base, add([a.exp, MINUS_ONE])), db]);
        if (isZero(de)) return part;
        return add([part, mul([a, fn("log", a.base), de])]);
      }
      case "fn": {
        var d = diff(a.arg, x);
        if (isZero(d)) return ZERO;
        var outer = {
          sin: function () { return fn("cos", a.arg); },
          cos: function () { return mul([MINUS_ONE, fn("sin", a.arg)]); },
          tan: function () { return add([pow(fn("tan", a.arg), rat(2n)), ONE]); },
          log: function () { return pow(a.arg, MINUS_ONE); },
          abs: function () { return { k: "fn", name: "sign", arg: a.arg }; },
          sign: function () { return ZERO; },
          tanh: function () { return add([ONE, mul([MINUS_ONE, pow(fn("tanh", a.arg), rat(2n))])]); }
        }[a.name]();
        return mul([outer, d]);
      }
    }
    return ZERO;
  }

  /* ------------------------------------------------------------ sympy's str, for simple results */
  function str(a) {
    switch (a.k) {
      case "num": return a.q === 1n ? String(a.p) : a.p + "/" + a.q;
      case "float": return py.floatRepr(a.v);
      case "sym": return a.name;
      case "I": case "zoo": case "nan": case "oo": case "-oo": return a.k;
      case "fn": return ({ abs: "RealAbs", sign: "RealSign", tanh: "RealTanh" }[a.name] || a.name) + "(" + str(a.arg) + ")";
      case "pow":
        if (a.exp.k === "num" && a.exp.p === 1n && a.exp.q === 2n) return "sqrt(" + str(a.base) + ")";
        if (isOne(mul([MINUS_ONE, a.exp]))) return "1/" + atom(a.base);
        return atom(a.base) + "**" + atom(a.exp);
      case "mul": {
        var parts = a.args.slice(), sign = "";
        if (parts[0].k === "num" && parts[0].p === -1n && parts[0].q === 1n) { sign = "-"; parts.shift(); }
        var order = { I: 0, zoo: 1, num: 2, float: 2 };
        parts.sort(function (p, q) {
          var op = p === PI || p === E ? 3 : order[p.k] !== undefined ? order[p.k] : 4;
          var oq = q === PI || q === E ? 3 : order[q.k] !== undefined ? order[q.k] : 4;
          return op - oq;
        });
        return sign + parts.map(atom).join("*");
      }
      case "add": {
        var terms = a.args.slice().sort(function (p, q) { return isNum(p) - isNum(q); });
        return terms.map(function (t, i) {
          var text = str(t);
          if (i === 0) return text;
          return text.charAt(0) === "-" ? " - " + text.slice(1) : " + " + text;
        }).join("");
      }
    }
    return "?";
  }
  function atom(a) { var s = str(a); return a.k === "add" || (a.k === "num" && a.q !== 1n) ? "(" + s + ")" : s; }

  /* ------------------------------------------------------------ the checks */
  function walk(a, visit) {
    visit(a);
    if (a.k === "add" || a.k === "mul") a.args.forEach(function (b) { walk(b, visit); });
    else if (a.k === "pow") { walk(a.base, visit); walk(a.exp, visit); }
    else if (a.k === "fn") walk(a.arg, visit);
  }
  function huge(a) {
    if (a.k === "num") { var p = a.p < 0n ? -a.p : a.p; return p > MAX * a.q; }
    return a.k === "float" && !isFinite(a.v);
  }
  function sympyFloat3(a) {  // sympy.Float(abs(n), 3) of a number beyond float64
    var digits, exp;
    if (a.k === "num") {
      var p = a.p < 0n ? -a.p : a.p, q = a.q, e10 = p.toString().length - q.toString().length;
      var scaled = e10 >= 2 ? (p * 1000n) / (q * 10n ** BigInt(e10 + 1)) : (p * 10n ** BigInt(2 - e10)) / q;
      while (scaled >= 1000n) { scaled /= 10n; e10 += 1; }
      while (scaled < 100n) { scaled *= 10n; e10 -= 1; }
      digits = scaled.toString(); exp = e10;
    } else { digits = "100"; exp = 309; }
    return digits[0] + "." + digits.slice(1) + "E+" + exp;
  }

  function ensureNumeric(text, expr, what) {
    var shownText = str(expr);
    var shown = Array.from(shownText).length <= 40 ? shownText : Array.from(shownText).slice(0, 39).join("") + "…";
    var bad = false;
    walk(expr, function (b) { if (b.k === "I" || special(b)) bad = true; });
    if (bad) return what + " of " + py.strRepr(text) + " is not a real number (sympy gives " + shown + ")";
    var found = null;
    walk(expr, function (b) { if (!found && huge(b)) found = b; });
    if (found) {
      return what + " of " + py.strRepr(text) + " has a constant beyond float64 once powers are multiplied out (" + sympyFloat3(found) + ")";
    }
    return null;
  }

  /* The rejection message for a checked formula, or null when sympy would accept it. */
  function rejection(checked) {
    var names = {};
    checked.variables.forEach(function (v) { names[v] = { k: "sym", name: v }; });
    var value = build(checked.tree, checked.floats, names);
    var message = ensureNumeric(checked.text, value, "the value");
    if (message) return message;
    for (var i = 0; i < checked.variables.length; i++) {
      message = ensureNumeric(checked.text, diff(value, names[checked.variables[i]]), "the gradient");
      if (message) return message;
    }
    return null;
  }

  return { rejection: rejection };
})(gdvizPy);
