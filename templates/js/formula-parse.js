/* ast.parse(text, mode="eval") for the page: Python 3.11's PEG grammar for expressions, rule for
 * rule, so a formula gets the tree (node types and columns) CPython builds, and a malformed one
 * the same SyntaxError at the same column. Like CPython it parses twice: a fast pass, and on
 * failure a second pass with the grammar's invalid_* rules switched on (the specific messages:
 * "Perhaps you forgot a comma?", "expected 'else' after 'if' expression", …); the generic
 * "invalid syntax" points at the furthest token the first pass read; tokenizer errors win.
 *
 * parse(text) → {tree} | {error: {message, offset}}. Nodes: {t: "BinOp", op, left, right,
 * col, end, …} with code-point columns (col 0-based, end exclusive), as Python's ast. */
var gdvizParse = (function (tokens) {
  "use strict";
  var SOFT = ["_", "case", "match"];
  var BINOPS = { "+": "Add", "-": "Sub", "*": "Mult", "/": "Div", "//": "FloorDiv", "%": "Mod", "@": "MatMult",
    "<<": "LShift", ">>": "RShift", "|": "BitOr", "^": "BitXor", "&": "BitAnd", "**": "Pow" };

  function Parser(toks, tokError, unclosed) {
    var p = this;
    p.toks = toks; p.tokError = tokError; p.unclosed = unclosed;
    p.mark = 0; p.maxRead = -1; p.invalid = false; p.memo = {};
  }
  var P = Parser.prototype;

  /* Reading token i: tokenizer errors surface here, as in CPython's lazy tokenizer. */
  P.tok = function (i) {
    if (i > this.maxRead) this.maxRead = i;
    if (this.tokError && i >= this.tokError.index) throw this.tokError;
    if (this.unclosed && i >= this.unclosed.index) throw this.unclosed;
    return this.toks[i];
  };
  P.peek = function () { return this.tok(this.mark); };
  P.isOp = function (t, text) { return t.type === "OP" && t.text === text; };
  P.isKw = function (t, word) { return t.type === "NAME" && t.keyword && t.value === word; };
  P.expect = function (text) {
    var t = this.peek();
    if ((t.type === "OP" && t.text === text) || (t.type === "NAME" && t.keyword && t.value === text)) { this.mark += 1; return t; }
    return null;
  };
  P.name = function () {
    var t = this.peek();
    if (t.type === "NAME" && !t.keyword) { this.mark += 1; return t; }
    return null;
  };
  P.node = function (type, start, fields) {
    var n = { t: type, col: this.toks[start].start, end: this.toks[this.mark - 1].end };
    for (var k in fields) n[k] = fields[k];
    return n;
  };
  P.raise = function (at, message) { throw tokens.SyntaxErr(message, (at.col !== undefined ? at.col : at.start) + 1); };
  /* Run rule fn at the current mark; restore the mark when it fails. Memoised per position. */
  P.run = function (key, fn) {
    var start = this.mark, memoKey = key + "@" + start;  // CPython memoises regardless of the pass mode
    if (key && memoKey in this.memo) {
      var hit = this.memo[memoKey];
      this.mark = hit.mark;
      return hit.node;
    }
    var node = fn.call(this, start);
    if (node === null || node === undefined) { node = null; this.mark = start; }
    if (key) this.memo[memoKey] = { node: node, mark: this.mark };
    return node;
  };
  P.alt = function (fn) {  // one alternative: restores the mark on failure
    var start = this.mark, node = fn.call(this, start);
    if (node === null || node === undefined) { this.mark = start; return null; }
    return node;
  };
  P.lookahead = function (fn) { var start = this.mark, ok = Boolean(this.alt(fn)); this.mark = start; return ok; };
  P.withoutInvalid = function (fn) {
    var previous = this.invalid;
    this.invalid = false;
    try { return fn.call(this); } finally { this.invalid = previous; }
  };

  /* ------------------------------------------------------------ entry */
  P.evalRule = function () {
    return this.alt(function () {
      var e = this.expressions();
      if (!e) return null;
      while (this.peek().type === "NEWLINE") this.mark += 1;
      return this.peek().type === "ENDMARKER" ? e : null;
    });
  };

  P.commaSeq = function (item, start, first) {
    var items = [first];
    for (;;) {
      var save = this.mark;
      if (!this.expect(",")) break;
      var next = item.call(this);
      if (!next) { this.mark = save; break; }
      items.push(next);
    }
    return items;
  };

  P.expressions = function () {
    return this.run("expressions", function (start) {
      var a = this.expression();
      if (!a) return null;
      var items = this.commaSeq(this.expression, start, a);
      if (items.length > 1) { this.expect(","); return this.node("Tuple", start, { elts: items }); }
      if (this.expect(",")) return this.node("Tuple", start, { elts: [a] });
      return a;
    });
  };

  P.expression = function () {
    return this.run("expression", function (start) {
      if (this.invalid) { this.invalidExpression(); this.invalidLegacyExpression(); }
      var r = this.alt(function () {
        var body = this.disjunction();
        if (!body || !this.expect("if")) return null;
        var test = this.disjunction();
        if (!test || !this.expect("else")) return null;
        var orelse = this.expression();
        return orelse ? this.node("IfExp", start, { test: test, body: body, orelse: orelse }) : null;
      });
      return r || this.disjunction() || this.lambdef();
    });
  };

  P.expressionWithoutInvalid = function () {
    return this.withoutInvalid(function () {
      return this.alt(function (start) {
        var body = this.disjunction();
        if (!body || !this.expect("if")) return null;
        var test = this.disjunction();
        if (!test || !this.expect("else")) return null;
        var orelse = this.expression();
        return orelse ? this.node("IfExp", start, { test: test, body: body, orelse: orelse }) : null;
      }) || this.disjunction() || this.lambdef();
    });
  };

  P.invalidExpression = function () {
    this.alt(function () {
      var t = this.peek();
      if (t.type === "NAME" && !t.keyword) {
        if (SOFT.indexOf(t.value) >= 0) return null;
        if (this.lookahead(function () { this.mark += 1; return this.peek().type === "STRING"; })) return null;
      }
      var a = this.disjunction();
      if (!a) return null;
      var b = this.expressionWithoutInvalid();
      if (!b) return null;
      if (a.t === "Name" && (a.id === "print" || a.id === "exec")) return null;
      if (this.toks[this.mark - 1].level === 0) return null;
      this.raise(a, "invalid syntax. Perhaps you forgot a comma?");
    });
    this.alt(function () {
      var a = this.disjunction();
      if (!a || !this.expect("if")) return null;
      var b = this.disjunction();
      if (!b) return null;
      var t = this.peek();
      if (this.isKw(t, "else") || this.isOp(t, ":")) return null;
      this.raise(a, "expected 'else' after 'if' expression");
    });
  };

  P.invalidLegacyExpression = function () {
    this.alt(function () {
      var a = this.name();
      if (!a || this.isOp(this.peek(), "(")) return null;
      var b = this.starExpressions();
      if (!b) return null;
      if (a.value === "print" || a.value === "exec") {
        this.raise(a, "Missing parentheses in call to '" + a.value + "'. Did you mean " + a.value + "(...)?");
      }
      return null;
    });
  };

  P.lambdef = function () {
    return this.alt(function (start) {
      if (!this.expect("lambda")) return null;
      this.lambdaParams();
      if (!this.expect(":")) return null;
      var body = this.expression();
      return body ? this.node("Lambda", start, { body: body, defaults: this.lastDefaults || [] }) : null;
    });
  };

  /* lambda parameters: names, defaults, *args, **kwargs and '/' (checked loosely). */
  P.lambdaParams = function () {
    var defaults = [], first = this.mark;
    this.lastDefaults = defaults;
    for (;;) {
      var save = this.mark, t = this.peek();
      if (this.isOp(t, "*")) { this.mark += 1; this.name(); }
      else if (this.isOp(t, "**")) { this.mark += 1; if (!this.name()) { this.mark = save; return; } }
      else if (this.isOp(t, "/") && this.mark > first) this.mark += 1;
      else if (this.name()) {
        if (this.expect("=")) { var d = this.expression(); if (!d) { this.mark = save; return; } defaults.push(d); }
      } else { this.mark = save; return; }
      if (!this.expect(",")) return;
    }
  };

  P.yieldExpr = function () {
    return this.alt(function (start) {
      if (!this.expect("yield")) return null;
      if (this.expect("from")) {
        var a = this.expression();
        return a ? this.node("YieldFrom", start, { value: a }) : null;
      }
      var v = this.starExpressions();
      return this.node("Yield", start, { value: v });
    });
  };

  P.starExpressions = function () {
    return this.alt(function (start) {
      var a = this.starExpression();
      if (!a) return null;
      var items = this.commaSeq(this.starExpression, start, a);
      if (items.length > 1) { this.expect(","); return this.node("Tuple", start, { elts: items }); }
      if (this.expect(",")) return this.node("Tuple", start, { elts: [a] });
      return a;
    });
  };

  P.starExpression = function () {
    return this.run("star_expression", function (start) {
      return this.alt(function () {
        if (!this.expect("*")) return null;
        var a = this.bitwiseOr();
        return a ? this.node("Starred", start, { value: a }) : null;
      }) || this.expression();
    });
  };

  P.starNamedExpressions = function () {
    return this.alt(function (start) {
      var a = this.starNamedExpression();
      if (!a) return null;
      var items = this.commaSeq(this.starNamedExpression, start, a);
      this.expect(",");
      return items;
    });
  };

  P.starNamedExpression = function () {
    return this.alt(function (start) {
      if (!this.expect("*")) return null;
      var a = this.bitwiseOr();
      return a ? this.node("Starred", start, { value: a }) : null;
    }) || this.namedExpression();
  };

  P.assignmentExpression = function () {
    return this.alt(function (start) {
      var target = this.name();
      if (!target || !this.expect(":=")) return null;
      var value = this.expression();
      return value ? this.node("NamedExpr", start, { target: nameNode(target), value: value }) : null;
    });
  };

  P.namedExpression = function () {
    return this.run("named_expression", function () {
      var a = this.assignmentExpression();
      if (a) return a;
      if (this.invalid) this.invalidNamedExpression();
      return this.alt(function () {
        var e = this.expression();
        if (!e || this.isOp(this.peek(), ":=")) return null;
        return e;
      });
    });
  };

  P.invalidNamedExpression = function () {
    this.run("invalid_named_expression", function () {
      this.alt(function () {
        var a = this.expression();
        if (!a || !this.expect(":=")) return null;
        if (!this.expression()) return null;
        this.raise(a, "cannot use assignment expressions with " + exprName(a));
      });
      this.alt(function () {
        var a = this.name();
        if (!a) return null;
        var eq = this.expect("=");
        if (!eq) return null;
        var b = this.bitwiseOr();
        if (!b) return null;
        var t = this.peek();
        if (this.isOp(t, "=") || this.isOp(t, ":=")) return null;
        this.raise(a, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
      });
      this.alt(function () {
        var t = this.peek();
        if (this.lookahead(function () { return this.list() || this.tuple() || this.genexp(); })) return null;
        if (this.isKw(t, "True") || this.isKw(t, "None") || this.isKw(t, "False")) return null;
        var a = this.bitwiseOr();
        if (!a || !this.expect("=")) return null;
        if (!this.bitwiseOr()) return null;
        var u = this.peek();
        if (this.isOp(u, "=") || this.isOp(u, ":=")) return null;
        this.raise(a, "cannot assign to " + exprName(a) + " here. Maybe you meant '==' instead of '='?");
      });
      return null;
    });
  };

  P.boolChain = function (key, word, inner, op) {
    return this.run(key, function (start) {
      var a = inner.call(this);
      if (!a) return null;
      var values = [a];
      for (;;) {
        var save = this.mark;
        if (!this.expect(word)) break;
        var b = inner.call(this);
        if (!b) { this.mark = save; break; }
        values.push(b);
      }
      return values.length > 1 ? this.node("BoolOp", start, { op: op, values: values }) : a;
    });
  };
  P.disjunction = function () { return this.boolChain("disjunction", "or", this.conjunction, "Or"); };
  P.conjunction = function () { return this.boolChain("conjunction", "and", this.inversion, "And"); };

  P.inversion = function () {
    return this.run("inversion", function (start) {
      return this.alt(function () {
        if (!this.expect("not")) return null;
        var a = this.inversion();
        return a ? this.node("UnaryOp", start, { op: "Not", operand: a }) : null;
      }) || this.comparison();
    });
  };

  P.compareOp = function () {
    var t = this.peek();
    if (t.type === "OP" && ["==", "!=", "<=", "<", ">=", ">"].indexOf(t.text) >= 0) { this.mark += 1; return t.text; }
    var save = this.mark;
    if (this.expect("not")) { if (this.expect("in")) return "not in"; this.mark = save; return null; }
    if (this.expect("in")) return "in";
    if (this.expect("is")) { save = this.mark; if (this.expect("not")) return "is not"; this.mark = save; return "is"; }
    return null;
  };

  P.comparison = function () {
    return this.alt(function (start) {
      var a = this.bitwiseOr();
      if (!a) return null;
      var ops = [], comparators = [];
      for (;;) {
        var save = this.mark, op = this.compareOp();
        if (!op) break;
        var b = this.bitwiseOr();
        if (!b) { this.mark = save; break; }
        ops.push(op); comparators.push(b);
      }
      return ops.length ? this.node("Compare", start, { left: a, ops: ops, comparators: comparators }) : a;
    });
  };

  /* The left-recursive binary levels: a loop that grows the left operand. */
  P.binary = function (key, ops, inner) {
    return this.run(key, function (start) {
      var a = inner.call(this);
      if (!a) return null;
      for (;;) {
        var save = this.mark, t = this.peek();
        if (t.type !== "OP" || ops.indexOf(t.text) < 0) break;
        this.mark += 1;
        var b = inner.call(this);
        if (!b) { this.mark = save; break; }
        a = this.node("BinOp", start, { op: BINOPS[t.text], left: a, right: b });
      }
      return a;
    });
  };
  P.bitwiseOr = function () { return this.binary("bitwise_or", ["|"], this.bitwiseXor); };
  P.bitwiseXor = function () { return this.binary("bitwise_xor", ["^"], this.bitwiseAnd); };
  P.bitwiseAnd = function () { return this.binary("bitwise_and", ["&"], this.shiftExpr); };
  P.shiftExpr = function () { return this.binary("shift_expr", ["<<", ">>"], this.sum); };
  P.sum = function () { return this.binary("sum", ["+", "-"], this.term); };
  P.term = function () { return this.binary("term", ["*", "/", "//", "%", "@"], this.factor); };

  P.factor = function () {
    return this.run("factor", function (start) {
      var t = this.peek(), op = t.type === "OP" ? { "+": "UAdd", "-": "USub", "~": "Invert" }[t.text] : undefined;
      if (op) {
        var r = this.alt(function () {
          this.mark += 1;
          var a = this.factor();
          return a ? this.node("UnaryOp", start, { op: op, operand: a }) : null;
        });
        if (r) return r;
      }
      return this.power();
    });
  };

  P.power = function () {
    return this.alt(function (start) {
      var a = this.awaitPrimary();
      if (!a) return null;
      var r = this.alt(function () {
        if (!this.expect("**")) return null;
        var b = this.factor();
        return b ? this.node("BinOp", start, { op: "Pow", left: a, right: b }) : null;
      });
      return r || a;
    });
  };

  P.awaitPrimary = function () {
    return this.run("await_primary", function (start) {
      return this.alt(function () {
        if (!this.expect("await")) return null;
        var a = this.primary();
        return a ? this.node("Await", start, { value: a }) : null;
      }) || this.primary();
    });
  };

  P.primary = function () {
    return this.run("primary", function (start) {
      var a = this.atom();
      if (!a) return null;
      for (;;) {
        var save = this.mark, grown = null;
        grown = this.alt(function () {
          if (!this.expect(".")) return null;
          var n = this.name();
          return n ? this.node("Attribute", start, { value: a, attr: n.value }) : null;
        }) || this.alt(function () {
          var g = this.genexp();
          return g ? this.node("Call", start, { func: a, args: [g], keywords: [] }) : null;
        }) || this.alt(function () {
          if (!this.expect("(")) return null;
          var args = this.arguments() || { args: [], keywords: [] };
          if (!this.expect(")")) return null;
          return this.node("Call", start, { func: a, args: args.args, keywords: args.keywords });
        }) || this.alt(function () {
          if (!this.expect("[")) return null;
          var sl = this.slices();
          if (!sl || !this.expect("]")) return null;
          return this.node("Subscript", start, { value: a, slice: sl });
        });
        if (!grown) { this.mark = save; break; }
        a = grown;
      }
      return a;
    });
  };

  P.slices = function () {
    return this.alt(function () {
      var a = this.slice();
      return a && !this.isOp(this.peek(), ",") ? a : null;
    }) || this.alt(function (start) {
      var item = function () { return this.slice() || this.starredExpression(); };
      var a = item.call(this);
      if (!a) return null;
      var items = this.commaSeq(item, start, a);
      this.expect(",");
      return this.node("Tuple", start, { elts: items });
    });
  };

  P.slice = function () {
    return this.alt(function (start) {
      var lower = this.expression();
      if (!this.expect(":")) return null;
      var upper = this.expression(), step = null;
      if (this.expect(":")) step = this.expression();
      return this.node("Slice", start, { lower: lower, upper: upper, step: step });
    }) || this.namedExpression();
  };

  P.atom = function () {
    var t = this.peek(), start = this.mark;
    if (t.type === "NAME" && !t.keyword) { this.mark += 1; return nameNode(t); }
    if (t.type === "NAME" && (t.value === "True" || t.value === "False" || t.value === "None")) {
      this.mark += 1;
      return this.node("Constant", start, { kind: t.value });
    }
    if (t.type === "STRING") return this.strings();
    if (t.type === "NUMBER") { this.mark += 1; return numberNode(t); }
    if (this.isOp(t, "(")) return this.tuple() || this.group() || this.genexp();
    if (this.isOp(t, "[")) return this.list() || this.listcomp();
    if (this.isOp(t, "{")) return this.dict() || this.set() || this.dictcomp() || this.setcomp();
    if (this.isOp(t, "...")) { this.mark += 1; return this.node("Constant", start, { kind: "Ellipsis" }); }
    return null;
  };

  P.strings = function () {
    return this.run("strings", function (start) {
      var kinds = [];
      while (this.peek().type === "STRING") { kinds.push(this.peek().prefix); this.mark += 1; }
      var fstring = kinds.some(function (k) { return k.indexOf("f") >= 0; });
      var bytes = kinds.some(function (k) { return k.indexOf("b") >= 0; });
      if (bytes && kinds.some(function (k) { return k.indexOf("b") < 0; })) {
        this.raise(this.toks[start], "cannot mix bytes and nonbytes literals");
      }
      return this.node(fstring ? "JoinedStr" : "Constant", start, { kind: bytes ? "bytes" : "str" });
    });
  };

  /* ------------------------------------------------------------ helpers */
  function nameNode(t) { return { t: "Name", id: t.value, col: t.start, end: t.end }; }

  function numberNode(t) {
    var text = t.text.replace(/_/g, ""), value, big = null;
    if (t.kind === "complex") value = null;
    else if (t.kind === "float") value = parseFloat(text);
    else {
      big = t.radix === 10 ? BigInt(text.replace(/^0+(?=\d)/, "")) : BigInt(text.slice(0, 2).toLowerCase() + text.slice(2));
      value = Number(big);  // float(int): correctly rounded, ∞ beyond float64
    }
    return { t: "Constant", kind: t.kind, value: value, big: big, col: t.start, end: t.end };
  }

  /* _PyPegen_get_invalid_target: the first part of a would-be assignment target that cannot be
     assigned to (``forTargets``: the ``a in b`` of a for clause parses as a comparison). */
  function invalidTarget(e, forTargets) {
    if (!e) return null;
    switch (e.t) {
      case "List": case "Tuple":
        for (var i = 0; i < e.elts.length; i++) { var bad = invalidTarget(e.elts[i], forTargets); if (bad) return bad; }
        return null;
      case "Starred": return invalidTarget(e.value, forTargets);
      case "Compare":
        if (forTargets) return e.ops[0] === "in" ? invalidTarget(e.left, forTargets) : null;
        return e;
      case "Name": case "Subscript": case "Attribute": return null;
    }
    return e;
  }

  /* _PyPegen_get_expr_name */
  function exprName(e) {
    switch (e.t) {
      case "Attribute": return "attribute";
      case "Subscript": return "subscript";
      case "Starred": return "starred";
      case "Name": return "name";
      case "List": return "list";
      case "Tuple": return "tuple";
      case "Lambda": return "lambda";
      case "Call": return "function call";
      case "BoolOp": case "BinOp": case "UnaryOp": return "expression";
      case "GeneratorExp": return "generator expression";
      case "Yield": case "YieldFrom": return "yield expression";
      case "Await": return "await expression";
      case "ListComp": return "list comprehension";
      case "SetComp": return "set comprehension";
      case "DictComp": return "dict comprehension";
      case "Dict": return "dict literal";
      case "Set": return "set display";
      case "JoinedStr": return "f-string expression";
      case "Constant":
        if (e.kind === "True" || e.kind === "False" || e.kind === "None") return e.kind;
        if (e.kind === "Ellipsis") return "ellipsis";
        return "literal";
      case "Compare": return "comparison";
      case "IfExp": return "conditional expression";
      case "NamedExpr": return "named expression";
    }
    return "expression";
  }

  /* The expression children of a node, in ast.iter_child_nodes order. */
  function children(n) {
    var out = [], add = function (x) { if (x && x.t) out.push(x); };
    switch (n.t) {
      case "BinOp": add(n.left); add(n.right); break;
      case "UnaryOp": case "Starred": case "Await": case "Yield": case "YieldFrom": add(n.operand || n.value); break;
      case "BoolOp": n.values.forEach(add); break;
      case "Compare": add(n.left); n.comparators.forEach(add); break;
      case "Call": add(n.func); n.args.forEach(add); break;
      case "Attribute": add(n.value); break;
      case "Subscript": add(n.value); add(n.slice); break;
      case "Slice": add(n.lower); add(n.upper); add(n.step); break;
      case "Lambda": add(n.body); break;
      case "IfExp": add(n.test); add(n.body); add(n.orelse); break;
      case "ListComp": case "SetComp": case "GeneratorExp": add(n.elt); break;
      case "DictComp": add(n.key); add(n.value); break;
      case "List": case "Tuple": case "Set": n.elts.forEach(add); break;
      case "Dict": n.keys.forEach(add); n.values.forEach(add); break;
      case "NamedExpr": add(n.target); add(n.value); break;
    }
    return out;
  }

  /* ------------------------------------------------------------ entry point */
  function parse(text) {
    var lexed = tokens.tokenize(text);
    var p = new Parser(lexed.tokens, lexed.error, lexed.unclosed);
    try {
      var tree = p.evalRule();
      if (tree) return { tree: tree };
    } catch (e) {
      if (!(e && e.syntax)) throw e;
      if (e === lexed.error || e === lexed.unclosed || !lexed.error || lexed.error.lazy) return { error: e };
      return { error: lexed.error };
    }
    var last = p.maxRead;
    p.mark = 0; p.memo = {}; p.invalid = true;
    var raised = null;
    try { p.evalRule(); } catch (e) {
      if (!(e && e.syntax)) throw e;
      raised = e;
    }
    if (raised && (raised === lexed.error || raised === lexed.unclosed)) return { error: raised };
    if (lexed.error && !lexed.error.lazy) return { error: lexed.error };
    if (raised) return { error: raised };
    var t = lexed.tokens[Math.min(last, lexed.tokens.length - 1)];
    return { error: tokens.SyntaxErr("invalid syntax", t.type === "NEWLINE" || t.type === "ENDMARKER" ? 0 : t.start + 1) };
  }

  return {
    parse: parse, children: children, Parser: Parser,
    helpers: { nameNode: nameNode, exprName: exprName, invalidTarget: invalidTarget }
  };
})(gdvizTokens);
