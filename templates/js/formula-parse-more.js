/* The rest of Python 3.11's expression grammar for gdvizParse: brackets (groups, tuples,
 * lists, sets, dicts), comprehensions, call arguments and lambda parameters, with their
 * invalid_* rules. Split from formula-parse.js only for size; the same Parser prototype. */
(function (parse, tokens) {
  "use strict";
  var P = parse.Parser.prototype;
  var exprName = parse.helpers.exprName, invalidTarget = parse.helpers.invalidTarget;

  P.group = function () {
    return this.alt(function () {
      if (!this.expect("(")) return null;
      var a = this.yieldExpr() || this.namedExpression();
      if (!a || !this.expect(")")) return null;
      return a;
    }) || (this.invalid ? this.invalidGroup() : null);
  };

  P.invalidGroup = function () {
    this.alt(function () {
      if (!this.expect("(")) return null;
      var a = this.starredExpression();
      if (!a || !this.expect(")")) return null;
      this.raise(a, "cannot use starred expression here");
    });
    this.alt(function () {
      if (!this.expect("(")) return null;
      var a = this.expect("**");
      if (!a || !this.expression() || !this.expect(")")) return null;
      this.raise(a, "cannot use double starred expression here");
    });
    return null;
  };

  P.tuple = function () {
    return this.alt(function (start) {
      if (!this.expect("(")) return null;
      var elts = [];
      var inner = this.alt(function () {
        var y = this.starNamedExpression();
        if (!y || !this.expect(",")) return null;
        var z = this.starNamedExpressions() || [];
        return [y].concat(z);
      });
      if (inner) elts = inner;
      if (!this.expect(")")) return null;
      return this.node("Tuple", start, { elts: elts });
    });
  };

  P.list = function () {
    return this.alt(function (start) {
      if (!this.expect("[")) return null;
      var elts = this.starNamedExpressions() || [];
      if (!this.expect("]")) return null;
      return this.node("List", start, { elts: elts });
    });
  };

  P.set = function () {
    return this.alt(function (start) {
      if (!this.expect("{")) return null;
      var elts = this.starNamedExpressions();
      if (!elts || !this.expect("}")) return null;
      return this.node("Set", start, { elts: elts });
    });
  };

  P.dict = function () {
    return this.alt(function (start) {
      if (!this.expect("{")) return null;
      var pairs = this.doubleStarredKvpairs() || [];
      if (!this.expect("}")) return null;
      return this.node("Dict", start, {
        keys: pairs.map(function (q) { return q[0]; }), values: pairs.map(function (q) { return q[1]; })
      });
    }) || this.alt(function () {
      // not a lone invalid_ item, so CPython runs this alternative in both passes
      if (!this.expect("{")) return null;
      this.invalidDoubleStarredKvpairs();
      return null;
    });
  };

  P.doubleStarredKvpairs = function () {
    return this.alt(function () {
      var first = this.doubleStarredKvpair();
      if (!first) return null;
      var items = [first];
      for (;;) {
        var save = this.mark;
        if (!this.expect(",")) break;
        var next = this.doubleStarredKvpair();
        if (!next) { this.mark = save; break; }
        items.push(next);
      }
      this.expect(",");
      return items;
    });
  };

  P.doubleStarredKvpair = function () {
    return this.alt(function () {
      if (!this.expect("**")) return null;
      var a = this.bitwiseOr();
      return a ? [null, a] : null;
    }) || this.kvpair();
  };

  P.kvpair = function () {
    return this.alt(function () {
      var a = this.expression();
      if (!a || !this.expect(":")) return null;
      var b = this.expression();
      return b ? [a, b] : null;
    });
  };

  P.invalidDoubleStarredKvpairs = function () {
    this.alt(function () {
      var first = this.doubleStarredKvpair();
      if (!first) return null;
      for (;;) {
        var save = this.mark;
        if (!this.expect(",")) break;
        if (!this.doubleStarredKvpair()) { this.mark = save; break; }
      }
      if (!this.expect(",")) return null;
      this.invalidKvpair();
      return null;
    });
    this.invalidKvpairValue();
  };

  P.invalidKvpair = function () {
    this.alt(function () {
      var a = this.expression();
      if (!a || this.isOp(this.peek(), ":")) return null;
      throw tokens.SyntaxErr("':' expected after dictionary key", a.end);
    });
    this.invalidKvpairValue();
  };

  /* The value errors both invalid-pair rules share (CPython's grammar lists them in each). */
  P.invalidKvpairValue = function () {
    this.alt(function () {
      if (!this.expression() || !this.expect(":")) return null;
      var a = this.expect("*");
      if (!a || !this.bitwiseOr()) return null;
      this.raise(a, "cannot use a starred expression in a dictionary value");
    });
    this.alt(function () {
      if (!this.expression()) return null;
      var colon = this.expect(":");
      if (!colon) return null;
      var t = this.peek();
      if (this.isOp(t, "}") || this.isOp(t, ",")) this.raise(colon, "expression expected after dictionary key and ':'");
      return null;
    });
  };

  P.forIfClauses = function () {
    var clauses = [];
    for (;;) {
      var c = this.forIfClause();
      if (!c) break;
      clauses.push(c);
    }
    return clauses.length ? clauses : null;
  };

  P.forIfClause = function () {
    var committed = false;
    var clause = this.alt(function (start) {
      this.expect("async");
      if (!this.expect("for")) return null;
      var target = this.starTargets();
      if (!target || !this.expect("in")) return null;
      committed = true;  // the grammar's cut: no other alternative after 'in'
      var iter = this.disjunction();
      if (!iter) return null;
      var ifs = [];
      for (;;) {
        var save = this.mark;
        if (!this.expect("if")) break;
        var cond = this.disjunction();
        if (!cond) { this.mark = save; break; }
        ifs.push(cond);
      }
      return { target: target, iter: iter, ifs: ifs, start: start };
    });
    if (clause || committed) return clause;
    return this.invalid ? this.invalidForTarget() : null;
  };

  P.invalidForTarget = function () {
    this.alt(function () {
      this.expect("async");
      if (!this.expect("for")) return null;
      var a = this.starExpressions();
      if (!a) return null;
      var bad = invalidTarget(a, true);
      if (bad) this.raise(bad, "cannot assign to " + exprName(bad));
      return null;
    });
    return null;
  };

  /* star_targets (assignment targets of a comprehension), accepted loosely: names,
     attributes, subscripts, starred and bracketed groups of them. */
  P.starTargets = function () {
    return this.alt(function (start) {
      var a = this.starTarget();
      if (!a) return null;
      if (!this.isOp(this.peek(), ",")) return a;
      var items = this.commaSeq(this.starTarget, start, a);
      this.expect(",");
      return this.node("Tuple", start, { elts: items });
    });
  };
  P.starTarget = function () {
    return this.alt(function (start) {
      if (!this.expect("*")) return null;
      if (this.isOp(this.peek(), "*")) return null;
      var a = this.starTarget();
      return a ? this.node("Starred", start, { value: a }) : null;
    }) || this.alt(function () {
      var a = this.primary();
      if (!a || invalidTarget(a)) return null;
      var t = this.peek();
      if (this.isOp(t, "(") || this.isOp(t, "[") || this.isOp(t, ".")) return null;
      return a;
    });
  };

  P.comprehension = function (open, close, type, element) {
    return this.alt(function (start) {
      if (!this.expect(open)) return null;
      var a = element.call(this);
      if (!a) return null;
      var gens = this.forIfClauses();
      if (!gens || !this.expect(close)) return null;
      return this.node(type, start, { elt: a, generators: gens });
    }) || (this.invalid ? this.invalidComprehension() : null);
  };
  P.listcomp = function () { return this.comprehension("[", "]", "ListComp", this.namedExpression); };
  P.setcomp = function () { return this.comprehension("{", "}", "SetComp", this.namedExpression); };
  P.genexp = function () {
    return this.comprehension("(", ")", "GeneratorExp", function () {
      return this.assignmentExpression() || this.alt(function () {
        var e = this.expression();
        return e && !this.isOp(this.peek(), ":=") ? e : null;
      });
    });
  };
  P.dictcomp = function () {
    return this.alt(function (start) {
      if (!this.expect("{")) return null;
      var kv = this.kvpair();
      if (!kv) return null;
      var gens = this.forIfClauses();
      if (!gens || !this.expect("}")) return null;
      return this.node("DictComp", start, { key: kv[0], value: kv[1], generators: gens });
    }) || (this.invalid ? this.alt(function () {
      if (!this.expect("{")) return null;
      var a = this.expect("**");
      if (!a || !this.bitwiseOr() || !this.forIfClauses() || !this.expect("}")) return null;
      this.raise(a, "dict unpacking cannot be used in dict comprehension");
    }) : null);
  };

  P.invalidComprehension = function () {
    this.alt(function () {
      var t = this.peek();
      if (!(this.isOp(t, "[") || this.isOp(t, "(") || this.isOp(t, "{"))) return null;
      this.mark += 1;
      var a = this.starredExpression();
      if (!a || !this.forIfClauses()) return null;
      this.raise(a, "iterable unpacking cannot be used in comprehension");
    });
    this.alt(function () {
      var t = this.peek();
      if (!(this.isOp(t, "[") || this.isOp(t, "{"))) return null;
      this.mark += 1;
      var a = this.starNamedExpression();
      if (!a || !this.expect(",")) return null;
      var b = this.starNamedExpressions();
      if (!b || !this.forIfClauses()) return null;
      this.raise(a, "did you forget parentheses around the comprehension target?");
    });
    this.alt(function () {
      var t = this.peek();
      if (!(this.isOp(t, "[") || this.isOp(t, "{"))) return null;
      this.mark += 1;
      var a = this.starNamedExpression();
      if (!a || !this.expect(",") || !this.forIfClauses()) return null;
      this.raise(a, "did you forget parentheses around the comprehension target?");
    });
    return null;
  };

  P.starredExpression = function () {
    return this.alt(function (start) {
      if (!this.expect("*")) return null;
      var a = this.expression();
      return a ? this.node("Starred", start, { value: a }) : null;
    });
  };

  /* arguments: positional (and *starred) arguments, then keywords; &')' after them. */
  P.arguments = function () {
    return this.run("arguments", function () {
      var r = this.alt(function () {
        var a = this.args();
        if (!a) return null;
        this.expect(",");
        return this.isOp(this.peek(), ")") ? a : null;
      });
      if (r) return r;
      if (this.invalid) this.invalidArguments();
      return null;
    });
  };

  P.positional = function () {
    return this.starredExpression() || this.alt(function () {
      var e = this.assignmentExpression() || this.alt(function () {
        var x = this.expression();
        return x && !this.isOp(this.peek(), ":=") ? x : null;
      });
      return e && !this.isOp(this.peek(), "=") ? e : null;
    });
  };

  P.args = function () {
    return this.alt(function () {
      var first = this.positional();
      if (!first) return null;
      var items = [first];
      for (;;) {
        var save = this.mark;
        if (!this.expect(",")) break;
        var next = this.positional();
        if (!next) { this.mark = save; break; }
        items.push(next);
      }
      var keywords = this.alt(function () { return this.expect(",") ? this.kwargs() : null; }) || [];
      return { args: items.concat(keywords.filter(function (k) { return k.t === "Starred"; })),
        keywords: keywords.filter(function (k) { return k.t !== "Starred"; }) };
    }) || this.alt(function () {
      var kw = this.kwargs();
      return kw ? { args: kw.filter(function (k) { return k.t === "Starred"; }), keywords: kw.filter(function (k) { return k.t !== "Starred"; }) } : null;
    });
  };

  P.kwargs = function () {
    var items = [];
    for (;;) {
      var save = this.mark;
      var k = this.kwargOrStarred(true);
      if (!k) { this.mark = save; break; }
      items.push(k);
      if (!this.expect(",")) return items;
    }
    if (!items.length) return null;
    this.mark -= 1;  // the last ',' belongs to the caller
    return items;
  };

  P.kwargOrStarred = function () {
    if (this.invalid) this.invalidKwarg();
    return this.alt(function (start) {
      var n = this.name();
      if (!n || !this.expect("=")) return null;
      var v = this.expression();
      return v ? this.node("keyword", start, { arg: n.value, value: v }) : null;
    }) || this.starredExpression() || this.alt(function (start) {
      if (!this.expect("**")) return null;
      var v = this.expression();
      return v ? this.node("keyword", start, { arg: null, value: v }) : null;
    });
  };

  P.invalidKwarg = function () {
    this.alt(function () {
      var t = this.peek();
      if (!(this.isKw(t, "True") || this.isKw(t, "False") || this.isKw(t, "None"))) return null;
      this.mark += 1;
      if (!this.expect("=")) return null;
      this.raise(t, "cannot assign to " + t.value);
    });
    this.alt(function () {
      var a = this.name();
      if (!a || !this.expect("=") || !this.expression() || !this.forIfClauses()) return null;
      this.raise(a, "invalid syntax. Maybe you meant '==' or ':=' instead of '='?");
    });
    this.alt(function () {
      if (this.lookahead(function () { return this.name() && this.expect("="); })) return null;
      var a = this.expression();
      if (!a || !this.expect("=")) return null;
      this.raise(a, "expression cannot contain assignment, perhaps you meant \"==\"?");
    });
  };

  P.invalidArguments = function () {
    this.alt(function () {
      var a = this.args();
      if (!a || !this.expect(",")) return null;
      var rest = this.args();
      if (!rest) return null;
      if (!a.keywords.length) return null;
      var unpacking = a.keywords.some(function (k) { return k.arg === null; });
      var message = unpacking ? "positional argument follows keyword argument unpacking" : "positional argument follows keyword argument";
      var at = this.toks[this.maxRead];
      throw tokens.SyntaxErr(message, at.type === "NEWLINE" ? 0 : at.start + 1);
    });
  };

})(gdvizParse, gdvizTokens);
