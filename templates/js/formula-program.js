/* A checked formula, compiled for the page: its value is the program gdviz.kernels.from_ast
 * builds in Python (the operations in the order written, constant sub-trees folded in floats,
 * integer powers as product chains, ±½ powers through sqrt), evaluated on a flat tape; its
 * exact gradient comes from forward-mode automatic differentiation along the same tape (one
 * tangent per variable; a node that does not depend on a variable has no tangent for it, so
 * 0·∞ never appears where a symbolic derivative has none). No text is ever evaluated: the tape
 * holds opcodes and numbers.
 *
 * The value equals `gdviz run`'s bit for bit when only + − × ÷ and sqrt occur; the gradient is
 * sympy's derivative in Python and the tangent here: equal to rounding (~1e-16 relative), not
 * bit for bit. parse(text) → a landscape {name, variables, dim, evaluate, value, pretty}. */
var gdvizFormula = (function (check, symbolic, scalars, py, numbers) {
  "use strict";
  var FOLD = {
    add: function (a, b) { return a + b; }, sub: function (a, b) { return a - b; },
    mul: function (a, b) { return a * b; }, div: function (a, b) { return a / b; }, pow: scalars.pow
  };
  var FN = {
    sin: Math.sin, cos: scalars.cos, tan: Math.tan, exp: Math.exp, log: Math.log, sqrt: Math.sqrt,
    abs: Math.abs, tanh: Math.tanh, sign: Math.sign
  };
  var BINOP = { Add: "add", Sub: "sub", Mult: "mul", Div: "div" };

  /* ------------------------------------------------------------ kernels.from_ast */
  function konst(v) { return { op: "const", v: v }; }
  function isConst(n) { return n.op === "const"; }
  function binary(op, a, b) {
    if (isConst(a) && isConst(b)) {
      var folded = FOLD[op](a.v, b.v);
      if (isFinite(folded)) return konst(folded);
    }
    return { op: op, a: a, b: b };
  }
  function neg(a) { return isConst(a) ? konst(-a.v) : { op: "neg", a: a }; }
  function call(name, a) {
    if (isConst(a)) {
      var folded = FN[name](a.v);
      if (isFinite(folded)) return konst(folded);
    }
    return { op: "fn", name: name, a: a };
  }
  function power(base, exponent) {
    if (!isConst(exponent) || isConst(base)) return binary("pow", base, exponent);
    var v = exponent.v;
    if (v === 0) return konst(1.0);
    if (Number.isInteger(v) && Math.abs(v) <= 64) {
      var chain = base;
      for (var i = 1; i < Math.abs(v); i++) chain = binary("mul", chain, base);
      return v > 0 ? chain : binary("div", konst(1.0), chain);
    }
    if (v === 0.5) return call("sqrt", base);
    if (v === -0.5) return binary("div", konst(1.0), call("sqrt", base));
    return binary("pow", base, exponent);
  }
  function fromAst(node, names, floats) {
    if (floats.has(node)) return konst(floats.get(node));
    switch (node.t) {
      case "Constant": return konst(node.value);
      case "Name": return names[node.id] || konst(check.constants[node.id]);
      case "UnaryOp": return node.op === "USub" ? neg(fromAst(node.operand, names, floats)) : fromAst(node.operand, names, floats);
      case "BinOp":
        if (node.op === "Pow") return power(fromAst(node.left, names, floats), fromAst(node.right, names, floats));
        return binary(BINOP[node.op], fromAst(node.left, names, floats), fromAst(node.right, names, floats));
      case "Call": return call(node.func.id, fromAst(node.args[0], names, floats));
    }
    throw new Error("cannot compile " + node.t);
  }

  /* ------------------------------------------------------------ the tape */
  var OPS = { const: 0, var: 1, neg: 2, add: 3, sub: 4, mul: 5, div: 6, pow: 7, fn: 8 };
  var FNS = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sign"];

  function Tape(root, dim) {
    var index = new Map(), ops = [], as = [], bs = [], fns = [], consts = [], deps = [];
    function visit(n) {
      var k = keyOf(n);
      if (index.has(k)) return index.get(k);
      var a = -1, b = -1, dep = 0;
      if (n.a) { a = visit(n.a); dep |= deps[a]; }
      if (n.b) { b = visit(n.b); dep |= deps[b]; }
      if (n.op === "var") dep = 1 << n.i;
      var slot = ops.length;
      ops.push(OPS[n.op]); as.push(n.op === "var" ? n.i : a); bs.push(b);
      fns.push(n.op === "fn" ? FNS.indexOf(n.name) : -1); consts.push(n.op === "const" ? n.v : 0); deps.push(dep);
      index.set(k, slot);
      return slot;
    }
    var keys = new Map();
    function keyOf(n) {
      if (keys.has(n)) return keys.get(n);
      var k = n.op === "const" ? "c" + (Object.is(n.v, -0) ? "-0" : n.v) : n.op === "var" ? "v" + n.i
        : n.op + (n.name || "") + "(" + keyOf(n.a) + (n.b ? "," + keyOf(n.b) : "") + ")";
      keys.set(n, k);
      return k;
    }
    this.root = visit(root);
    this.n = ops.length; this.dim = dim;
    this.ops = Int8Array.from(ops); this.a = Int32Array.from(as); this.b = Int32Array.from(bs);
    this.fn = Int8Array.from(fns); this.c = Float64Array.from(consts); this.deps = Int32Array.from(deps);
    this.v = new Float64Array(this.n);
    this.t = []; for (var d = 0; d < dim; d++) this.t.push(new Float64Array(this.n));
    this.exact = ops.every(function (op, i) { return op !== OPS.pow && (op !== OPS.fn || ["sqrt", "abs", "sign"].indexOf(FNS[fns[i]]) >= 0); });
  }

  Tape.prototype.values = function (point) {
    var v = this.v, ops = this.ops, A = this.a, B = this.b, c = this.c, F = this.fn;
    for (var i = 0; i < this.n; i++) {
      var a = A[i], b = B[i];
      switch (ops[i]) {
        case 0: v[i] = c[i]; break;
        case 1: v[i] = point[a]; break;
        case 2: v[i] = -v[a]; break;
        case 3: v[i] = v[a] + v[b]; break;
        case 4: v[i] = v[a] - v[b]; break;
        case 5: v[i] = v[a] * v[b]; break;
        case 6: v[i] = v[a] / v[b]; break;
        case 7: v[i] = scalars.pow(v[a], v[b]); break;
        default: v[i] = FN[FNS[F[i]]](v[a]);
      }
    }
    return v[this.root];
  };

  /* Tangents along the tape (after values()): t[k][i] = ∂v[i]/∂θ_k where node i depends on θ_k. */
  Tape.prototype.tangents = function (out) {
    var v = this.v, ops = this.ops, A = this.a, B = this.b, F = this.fn, deps = this.deps;
    for (var k = 0; k < this.dim; k++) {
      var t = this.t[k], bit = 1 << k;
      for (var i = 0; i < this.n; i++) {
        if (!(deps[i] & bit)) { t[i] = 0; continue; }
        var a = A[i], b = B[i], da = a >= 0 && (deps[a] & bit), db = b >= 0 && (deps[b] & bit);
        switch (ops[i]) {
          case 1: t[i] = 1; break;
          case 2: t[i] = -t[a]; break;
          case 3: t[i] = da && db ? t[a] + t[b] : da ? t[a] : t[b]; break;
          case 4: t[i] = da && db ? t[a] - t[b] : da ? t[a] : -t[b]; break;
          case 5: t[i] = da && db ? t[a] * v[b] + v[a] * t[b] : da ? t[a] * v[b] : v[a] * t[b]; break;
          case 6: t[i] = da && db ? (t[a] * v[b] - v[a] * t[b]) / (v[b] * v[b]) : da ? t[a] / v[b] : -(v[a] * t[b]) / (v[b] * v[b]); break;
          case 7:
            if (!db) t[i] = v[b] * scalars.pow(v[a], v[b] - 1) * t[a];
            else if (!da) t[i] = v[i] * Math.log(v[a]) * t[b];
            else t[i] = v[i] * (t[b] * Math.log(v[a]) + v[b] * t[a] / v[a]);
            break;
          default: t[i] = outer(FNS[F[i]], v[a], v[i]) * t[a];
        }
      }
      out[k + 1] = t[this.root];
    }
  };

  function outer(name, x, fx) {
    switch (name) {
      case "sin": return Math.cos(x);
      case "cos": return -Math.sin(x);
      case "tan": return 1 + fx * fx;
      case "exp": return fx;
      case "log": return 1 / x;
      case "sqrt": return 1 / (2 * fx);
      case "abs": return Math.sign(x);
      case "tanh": return 1 - fx * fx;
    }
    return 0;
  }

  /* ------------------------------------------------------------ the plain-unicode printer */
  var ADD = 1, MUL = 2, NEG = 3, POW = 4, ATOM = 5, MINUS = "\u2212";
  function pretty(chars, root) {
    function text(n) { return walk(n)[0]; }
    function simple(n) { return n.t === "Name" || (n.t === "Constant" && py.floatRepr(n.value).indexOf("e") < 0 && reprOf(n).indexOf("e") < 0); }
    function reprOf(n) { return n.kind === "int" ? String(n.big) : py.floatRepr(n.value); }
    function operand(n, least, first) {
      var r = walk(n);
      if (r[1] < least || (first === false && r[0].charAt(0) === MINUS)) return "(" + walk(n)[0] + ")";
      return r[0];
    }
    function number(n) {
      var t = reprOf(n);
      if (t.indexOf("e") < 0) return [t, ATOM];
      var parts = t.split("e"), ten = "10" + numbers.superscript(String(parseInt(parts[1], 10)));
      return parts[0] === "1" ? [ten, POW] : [parts[0] + "×" + ten, MUL];
    }
    function walk(n) {
      switch (n.t) {
        case "Constant": return number(n);
        case "Name": return [n.id === "pi" ? "π" : n.id, ATOM];
        case "UnaryOp":
          if (n.op === "UAdd") return walk(n.operand);
          return [MINUS + operand(n.operand, NEG, false), NEG];
        case "BinOp":
          if (n.op === "Add" || n.op === "Sub") {
            var isAdd = n.op === "Add";
            return [operand(n.left, ADD) + (isAdd ? " + " : " " + MINUS + " ") + operand(n.right, isAdd ? ADD : MUL, false), ADD];
          }
          if (n.op === "Mult") return [operand(n.left, MUL) + "·" + operand(n.right, MUL, false), MUL];
          if (n.op === "Div") return [operand(n.left, MUL) + "/" + operand(n.right, NEG, false), MUL];
          var base = operand(n.left, ATOM), ex = n.right;
          if (ex.t === "Constant" && ex.kind === "int") return [base + numbers.superscript(String(ex.big)), POW];
          if (ex.t === "UnaryOp" && ex.op === "USub" && ex.operand.t === "Constant" && ex.operand.kind === "int") {
            return [base + numbers.superscript("-" + String(ex.operand.big)), POW];
          }
          return [simple(ex) ? base + "^" + text(ex) : base + "^(" + text(ex) + ")", POW];
        case "Call": {
          var name = n.func.id, arg = n.args[0], inner = text(arg);
          if (name === "abs") return ["|" + inner + "|", ATOM];
          if (name === "sqrt") return [simple(arg) ? "√" + inner : "√(" + inner + ")", ATOM];
          return [(name === "log" ? "ln" : name) + "(" + inner + ")", ATOM];
        }
      }
      return ["?", ATOM];
    }
    return text(root);
  }

  /* ------------------------------------------------------------ parse_expression */
  function parse(text, variables) {
    var checked = check.check(text, variables);
    var message = symbolic.rejection(checked);
    if (message) throw check.ExpressionError(message);
    var dim = checked.variables.length, names = {};
    checked.variables.forEach(function (name, i) { names[name] = { op: "var", i: i }; });
    var tape = new Tape(fromAst(checked.tree, names, checked.floats), dim);
    return {
      name: checked.text, title: pretty(checked.chars, checked.tree), pretty: pretty(checked.chars, checked.tree),
      variables: checked.variables.slice(), dim: dim, formula: true, exactValue: tape.exact,
      /* out = [L, ∂L/∂θ₁, …] at point (a Float64Array of dim coordinates). */
      evaluate: function (point, out) { out[0] = tape.values(point); tape.tangents(out); },
      value: function (point) { return tape.values(point); }
    };
  }

  return { parse: parse };
})(gdvizCheck, gdvizSymbolic, gdvizScalars, gdvizPy, gdvizNumbers);
