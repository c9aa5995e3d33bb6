/* The formula language's checker — gdviz/expression.py's _parse and _Checker, message for
 * message: a whitelist walk over the parsed tree (numbers, the variables, pi and e, unary
 * + -, binary + - * / ** and one-argument calls of sin cos tan exp log sqrt abs tanh) with
 * the same bounds on length, size, nesting, exponents and constants. Nothing is evaluated:
 * the text is only tokenised and parsed (gdvizParse); constant sub-trees are folded in
 * floats, as the Python checker folds them, only to bound them.
 *
 * check(text, variables) → {text, tree, used, variables, floats} or throws an Error named
 * "ExpressionError" with Python's one-line message. */
var gdvizCheck = (function (parser, py, scalars) {
  "use strict";
  var LIMITS = { max_length: 300, max_nodes: 200, max_depth: 16, max_exponent: 64, max_tower: 2 };
  var FUNCTIONS = ["sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh"];
  var CONSTANTS = { pi: Math.PI, e: Math.E };
  var FLOAT_FN = {
    sin: Math.sin, cos: scalars.cos, tan: Math.tan, exp: Math.exp, log: Math.log, sqrt: Math.sqrt,
    abs: Math.abs, tanh: Math.tanh
  };
  var FLOAT_BINARY = {
    Add: function (a, b) { return a + b; }, Sub: function (a, b) { return a - b; },
    Mult: function (a, b) { return a * b; }, Div: function (a, b) { return a / b; }, Pow: scalars.pow
  };
  var OPERATOR_SYMBOLS = { FloorDiv: "//", Mod: "%", MatMult: "@", LShift: "<<", RShift: ">>", BitOr: "|", BitAnd: "&", Not: "not", Invert: "~" };
  var HINTS = { "π": ["pi"], ln: ["log"] };
  var DESCRIPTIONS = {
    Attribute: "attribute access", Subscript: "indexing", Slice: "a slice", Lambda: "lambda",
    ListComp: "a comprehension", SetComp: "a comprehension", DictComp: "a comprehension", GeneratorExp: "a comprehension",
    IfExp: "if/else", Compare: "a comparison", BoolOp: "'and'/'or'", List: "a list", Tuple: "a tuple", Set: "a set",
    Dict: "a dict", JoinedStr: "an f-string", NamedExpr: "':='", Starred: "'*' unpacking", Await: "await",
    Yield: "yield", YieldFrom: "yield"
  };

  function configure(data) {
    if (!data) return;
    Object.keys(LIMITS).forEach(function (key) { if (key in data) LIMITS[key] = data[key]; });
    if (data.functions) FUNCTIONS = data.functions.slice();
  }

  function ExpressionError(message) {
    var error = new Error(message);
    error.name = "ExpressionError";
    return error;
  }

  function either(names) { return names.length > 1 ? names.slice(0, -1).join(", ") + " or " + names[names.length - 1] : names[0]; }

  /* ------------------------------------------------------------ _parse */
  var PRINTABLE = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

  function sameChain(node, child) {
    if (node.t !== "BinOp" || child.t !== "BinOp" || child !== node.left) return false;
    var add = ["Add", "Sub"], mul = ["Mult", "Div"];
    return (add.indexOf(node.op) >= 0 && add.indexOf(child.op) >= 0) || (mul.indexOf(node.op) >= 0 && mul.indexOf(child.op) >= 0);
  }

  function parseText(text) {
    var chars = Array.from(text);
    if (!chars.length) throw ExpressionError("empty formula; write one such as x**2 + y**2");
    if (chars.length > LIMITS.max_length) throw ExpressionError("formula is " + chars.length + " characters long; the limit is " + LIMITS.max_length);
    for (var i = 0; i < chars.length; i++) {
      var ch = chars[i];
      if (!(ch === " " || PRINTABLE.test(ch) || ch === "\t")) throw ExpressionError("control character " + py.strRepr(ch) + " at column " + (i + 1));
    }
    var result = parser.parse(text);
    if (result.error) {
      var column = result.error.offset > 0 ? result.error.offset : chars.length + 1;
      throw ExpressionError(result.error.message + " at column " + column);
    }
    var count = 0, stack = [[result.tree, 1]];
    while (stack.length) {
      var item = stack.pop(), node = item[0], depth = item[1];
      count += 1;
      if (count > LIMITS.max_nodes) throw ExpressionError("formula has more than " + LIMITS.max_nodes + " parts; simplify it");
      if (depth > LIMITS.max_depth) {
        throw ExpressionError("formula is nested too deeply at column " + (node.col + 1) + " (limit " + LIMITS.max_depth + " levels)");
      }
      parser.children(node).forEach(function (child) {
        stack.push([child, sameChain(node, child) ? depth : depth + 1]);
      });
    }
    return result.tree;
  }

  /* ------------------------------------------------------------ the checker */
  function Checker(text, variables) {
    this.chars = Array.from(text);
    this.variables = variables;
    this.used = {};
    this.floats = new Map();  // node -> value of a constant with a function call in it
  }
  var C = Checker.prototype;

  C.column = function (node) { return node.col + 1; };
  C.slice = function (a, b) { return this.chars.slice(a, b).join(""); };
  C.find = function (symbol, start, end) {
    var sym = Array.from(symbol);
    for (var i = start; i + sym.length <= end; i++) {
      var ok = true;
      for (var j = 0; j < sym.length; j++) if (this.chars[i + j] !== sym[j]) { ok = false; break; }
      if (ok) return i;
    }
    return -1;
  };
  C.operatorColumn = function (node, symbol) {
    var start = node.left.end, end = node.right.col, found = this.find(symbol, start, end);
    return (found >= 0 ? found : start) + 1;
  };
  C.source = function (node, limit) {
    limit = limit || 30;
    var segment = this.chars.slice(node.col, node.end);
    return segment.length <= limit ? segment.join("") : segment.slice(0, limit - 1).join("") + "…";
  };
  C.fail = function (message) { throw ExpressionError(message); };

  C.check = function (node) {
    var facts = this.checkNode(node);
    if (facts.value !== null && !facts.exact) this.floats.set(node, facts.value);
    return facts;
  };

  C.checkNode = function (node) {
    switch (node.t) {
      case "Constant": return this.constant(node);
      case "Name": return this.name(node);
      case "UnaryOp":
        if (node.op === "UAdd" || node.op === "USub") {
          var f = this.check(node.operand);
          if (f.value !== null && node.op === "USub") return facts(-f.value, f.tower, f.power, f.exact);
          return f;
        }
        break;
      case "BinOp":
        if (FLOAT_BINARY[node.op]) return this.binary(node);
        break;
      case "Call": return this.call(node);
    }
    return this.reject(node);
  };

  C.reject = function (node) {
    var at = "at column " + this.column(node);
    if (node.t === "BinOp" && node.op === "BitXor") {
      this.fail("'^' at column " + this.operatorColumn(node, "^") + " is not a power; write ** (e.g. x**2)");
    }
    if (node.t === "BinOp" || node.t === "UnaryOp") {
      var symbol = OPERATOR_SYMBOLS[node.op] || node.op;
      if (node.t === "BinOp") at = "at column " + this.operatorColumn(node, symbol);
      this.fail("operator '" + symbol + "' " + at + " is not allowed; use + - * / **");
    }
    if (node.t === "Attribute") {
      var attr = Array.from(node.attr).length, end = node.end - attr, dot = -1;
      for (var i = end - 1; i >= 0; i--) if (this.chars[i] === ".") { dot = i; break; }
      this.fail("attribute access '." + node.attr + "' at column " + (dot + 1) + " is not allowed");
    }
    this.fail((DESCRIPTIONS[node.t] || node.t) + " " + at + " is not allowed in a formula");
  };

  C.constant = function (node) {
    var at = "at column " + this.column(node), kind = node.kind;
    if (kind === "str") this.fail("a string " + at + " is not allowed; only real numbers");
    if (kind === "bytes") this.fail("bytes " + at + " is not allowed; only real numbers");
    if (kind === "complex") this.fail("a complex number " + at + " is not allowed; only real numbers");
    if (kind === "True" || kind === "False" || kind === "None" || kind === "Ellipsis") this.fail(kind + " " + at + " is not allowed; only real numbers");
    var number = node.value;
    if (!isFinite(number)) this.fail("number " + this.source(node) + " " + at + " is not a finite float64");
    return facts(number);
  };

  C.name = function (node) {
    var name = node.id;
    if (this.variables.indexOf(name) >= 0) { this.used[name] = true; return facts(null); }
    if (name in CONSTANTS) return facts(CONSTANTS[name]);
    var at = "at column " + this.column(node);
    if (FUNCTIONS.indexOf(name) >= 0) this.fail("'" + name + "' " + at + " is a function; call it like " + name + "(x)");
    var allowed = this.variables.concat(Object.keys(CONSTANTS));
    var close = HINTS[name] || py.getCloseMatches(name, allowed.concat(FUNCTIONS), 1);
    var hint = close.length ? "did you mean '" + close[0] + "'?" : "use " + either(allowed);
    this.fail("unknown name '" + name + "' " + at + "; " + hint);
  };

  C.call = function (node) {
    var at = "at column " + this.column(node);
    if (node.func.t !== "Name") {
      this.check(node.func);
      this.fail("only " + either(FUNCTIONS) + " can be called; not the call " + at);
    }
    var name = node.func.id;
    if (this.variables.indexOf(name) >= 0 || name in CONSTANTS) {
      this.fail("'" + name + "' " + at + " is not a function; write " + name + "*(...) to multiply");
    }
    if (FUNCTIONS.indexOf(name) < 0) {
      var close = HINTS[name] || py.getCloseMatches(name, FUNCTIONS, 1);
      var hint = close.length ? "did you mean '" + close[0] + "'? " : "";
      this.fail("unknown function '" + name + "' " + at + "; " + hint + "allowed: " + FUNCTIONS.join(", "));
    }
    if (node.keywords.length || node.args.length !== 1 || node.args[0].t === "Starred") {
      this.fail(name + "() " + at + " takes exactly one argument, without keywords");
    }
    var f = this.check(node.args[0]);
    if (f.value !== null) return facts(this.fold(node, FLOAT_FN[name], [f.value]), 0, 1, false);
    return f;
  };

  C.binary = function (node) {
    var left = this.check(node.left), right = this.check(node.right);
    if (node.op === "Pow") return this.power(node, left, right);
    if (left.value !== null && right.value !== null) {
      return facts(this.fold(node, FLOAT_BINARY[node.op], [left.value, right.value]), 0, 1, left.exact && right.exact);
    }
    if (node.op === "Div" && right.value === 0) this.fail("division by zero at column " + this.operatorColumn(node, "/"));
    return facts(null, Math.max(left.tower, right.tower), Math.max(left.power, right.power));
  };

  C.power = function (node, base, exponent) {
    var at = "at column " + this.column(node.right), limit = LIMITS.max_exponent;
    if (exponent.value !== null && Math.abs(exponent.value) > limit) {
      var shown = this.source(node.right);
      if (!(node.right.t === "Constant" || node.right.t === "UnaryOp")) shown += " = " + py.formatG(exponent.value, 6);
      this.fail("exponent " + shown + " " + at + " is too large; |exponent| must be at most " + limit);
    }
    if (base.value !== null && exponent.value !== null) {
      return facts(this.fold(node, FLOAT_BINARY.Pow, [base.value, exponent.value]), 0, 1, base.exact && exponent.exact);
    }
    if (exponent.value === null) {
      if (base.value !== null && base.value <= 0) {
        this.fail("base " + this.source(node.left) + " at column " + this.column(node.left) + " must be positive when the exponent contains a variable");
      }
      var tower = Math.max(base.tower, exponent.tower + 1);
      if (tower > LIMITS.max_tower) {
        this.fail("tower of powers " + at + " is " + tower + " high; at most " + LIMITS.max_tower + " (like x**x**x)");
      }
      return facts(null, tower, Math.max(base.power, exponent.power));
    }
    var power = base.power * Math.max(1.0, Math.abs(exponent.value));
    if (power > limit) {
      this.fail("nested powers " + at + " raise a variable to the power " + py.formatG(power, 6) + "; the limit is " + limit);
    }
    return facts(null, base.tower, power);
  };

  /* A constant sub-tree in floats; it must be a finite real number (Python raises on domain
     errors, overflow and division by zero where JavaScript gives NaN or ±∞: both reject). */
  C.fold = function (node, fn, args) {
    var value = fn.apply(null, args);
    if (!isFinite(value)) this.fail(this.source(node) + " at column " + this.column(node) + " is not a finite real number");
    return value;
  };

  function facts(value, tower, power, exact) {
    return { value: value, tower: tower || 0, power: power === undefined ? 1.0 : power, exact: exact === undefined ? true : exact };
  }

  /* parse_expression's checking half: strip, parse, check; which variables are used. */
  function check(text, variables) {
    variables = variables || ["x", "y"];
    text = py.strip(text);
    var tree = parseText(text);
    var checker = new Checker(text, variables);
    checker.check(tree);
    var last = 0;
    variables.forEach(function (name, i) { if (checker.used[name]) last = Math.max(last, i); });
    return { text: text, tree: tree, variables: variables.slice(0, last + 1), floats: checker.floats, chars: checker.chars };
  }

  return {
    check: check, configure: configure, ExpressionError: ExpressionError,
    functions: function () { return FUNCTIONS.slice(); }, constants: CONSTANTS
  };
})(gdvizParse, gdvizPy, gdvizScalars);
