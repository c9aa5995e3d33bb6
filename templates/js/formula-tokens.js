/* Python 3.11's tokenizer for one line of formula text — enough of CPython's tokenizer.c that
 * the page finds the same tokens, and raises the same tokenizer errors at the same column, as
 * ast.parse does in gdviz/expression.py ("invalid decimal literal", "unmatched ')'",
 * "'(' was never closed", "invalid character '²' (U+00B2)", …).
 *
 * tokenize(text) → {tokens, error, unclosed}: tokens up to the first tokenizer error; ``error``
 * that error (raised when the parser asks for token ``error.index``); ``unclosed`` the
 * "was never closed" error of a text that ends inside brackets (raised when the parser reads
 * the end). Positions are code-point indices (Python counts characters, not UTF-16 units). */
var gdvizTokens = (function () {
  "use strict";
  var MAXLEVEL = 200;
  var THREE = ["**=", "//=", ">>=", "<<=", "...", "!=="];
  var TWO = ["**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "<>"];
  var KEYWORDS = ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"];
  var XID_START = /^[\p{XID_Start}_]$/u, XID_CONTINUE = /^\p{XID_Continue}$/u;
  var PRINTABLE = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

  function isDigit(c) { return c >= "0" && c <= "9"; }
  function isHex(c) { return isDigit(c) || (c >= "a" && c <= "f") || (c >= "A" && c <= "F"); }
  function cp(c) { return c === undefined ? -1 : c.codePointAt(0); }
  function identStart(c) { return c !== undefined && ((c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || cp(c) >= 128); }
  function identChar(c) { return identStart(c) || (c !== undefined && isDigit(c)); }

  function SyntaxErr(message, offset) { return { syntax: true, message: message, offset: offset }; }

  function tokenize(text) {
    var s = Array.from(text), n = s.length, i = 0, tokens = [], level = 0, parens = [];
    function at(k) { return k < n ? s[k] : undefined; }
    function push(type, start, end, extra) {
      var t = { type: type, start: start, end: end, text: s.slice(start, end).join(""), level: level };
      if (extra) for (var key in extra) t[key] = extra[key];
      tokens.push(t);
      return t;
    }
    function fail(message, offset) { return { tokens: tokens, error: Object.assign(SyntaxErr(message, offset), { index: tokens.length }), unclosed: null }; }

    /* CPython's verify_end_of_number: a letter right after a number is an error, except the
       keywords that may follow one (and else for if in is or not) — those only warn. */
    function endOfNumber(k, kind) {
      var c = at(k);
      function follows(word) {  // CPython's lookahead(): the keyword, then no identifier char
        for (var w = 0; w < word.length; w++) if (at(k + 1 + w) !== word[w]) return false;
        return !identChar(at(k + 1 + word.length));
      }
      var keyword = (c === "a" && follows("nd")) || (c === "e" && follows("lse")) ||
        (c === "f" && follows("or")) || (c === "i" && "fns".indexOf(at(k + 1) || "?") >= 0) ||
        (c === "o" && follows("r")) || (c === "n" && follows("ot"));
      if (keyword) return null;
      if (c !== undefined && cp(c) < 128 && identChar(c)) return SyntaxErr("invalid " + kind + " literal", k);
      return null;
    }
    /* tok_decimal_tail from k (at a digit): returns {k, error} past the digits. */
    function decimalTail(k) {
      for (;;) {
        while (isDigit(at(k))) k += 1;
        if (at(k) !== "_") return { k: k };
        k += 1;
        if (!isDigit(at(k))) return { error: SyntaxErr("invalid decimal literal", k) };
      }
    }

    /* A number from ``start`` (a digit, or a '.' before a digit): CPython's tok_get number
       branch, step for step. Returns {end, kind} or {error}. */
    function number(start) {
      var k = start, c = at(k), isFloat = false, r, err;
      function tail(kk) { var t = decimalTail(kk); if (t.error) throw t.error; return t.k; }
      function finish(kk, kind) {
        var e = endOfNumber(kk, kind === "complex" ? "imaginary" : "decimal");
        if (e) throw e;
        return { end: kk, kind: kind };
      }
      function imaginary(kk) { return finish(kk + 1, "complex"); }
      function exponent(kk) {
        var e = kk;
        kk += 1;
        var ch = at(kk);
        if (ch === "+" || ch === "-") {
          kk += 1;
          if (!isDigit(at(kk))) throw SyntaxErr("invalid decimal literal", kk);
        } else if (!isDigit(ch)) {
          var bad = endOfNumber(e, "decimal");
          if (bad) throw bad;
          return { end: e, kind: isFloat ? "float" : "int" };
        }
        kk = tail(kk);
        if (at(kk) === "j" || at(kk) === "J") return imaginary(kk);
        return finish(kk, "float");
      }
      function fraction(kk) {
        isFloat = true;
        if (isDigit(at(kk))) kk = tail(kk);
        var ch = at(kk);
        if (ch === "e" || ch === "E") return exponent(kk);
        if (ch === "j" || ch === "J") return imaginary(kk);
        return finish(kk, "float");
      }
      try {
        if (c === ".") return fraction(k + 1);
        if (c === "0") {
          k += 1; c = at(k);
          var radix = c === "x" || c === "X" ? 16 : c === "o" || c === "O" ? 8 : c === "b" || c === "B" ? 2 : 0;
          if (radix) {
            var kind = radix === 16 ? "hexadecimal" : radix === 8 ? "octal" : "binary";
            var ok = radix === 16 ? isHex : radix === 8 ? function (ch) { return ch >= "0" && ch < "8"; }
              : function (ch) { return ch === "0" || ch === "1"; };
            k += 1; c = at(k);
            do {
              if (c === "_") { k += 1; c = at(k); }
              if (!ok(c)) {
                if (radix !== 16 && c !== undefined && isDigit(c)) throw SyntaxErr("invalid digit '" + c + "' in " + kind + " literal", k + 1);
                throw SyntaxErr("invalid " + kind + " literal", k);
              }
              do { k += 1; c = at(k); } while (ok(c));
            } while (c === "_");
            if (radix !== 16 && c !== undefined && isDigit(c)) throw SyntaxErr("invalid digit '" + c + "' in " + kind + " literal", k + 1);
            err = endOfNumber(k, kind);
            if (err) throw err;
            return { end: k, kind: "int", radix: radix };
          }
          var nonzero = false;
          for (;;) {
            if (c === "_") { k += 1; c = at(k); if (!isDigit(c)) throw SyntaxErr("invalid decimal literal", k); }
            if (c !== "0") break;
            k += 1; c = at(k);
          }
          var zerosEnd = k;
          if (isDigit(c)) { nonzero = true; k = tail(k); c = at(k); }
          if (c === ".") return fraction(k + 1);
          if (c === "e" || c === "E") return exponent(k);
          if (c === "j" || c === "J") return imaginary(k);
          if (nonzero) {
            throw SyntaxErr("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", start + 1);
          }
          void zerosEnd;
          return finish(k, "int");
        }
        k = tail(k); c = at(k);
        if (c === ".") return fraction(k + 1);
        if (c === "e" || c === "E") return exponent(k);
        if (c === "j" || c === "J") return imaginary(k);
        return finish(k, "int");
      } catch (thrown) {
        if (thrown && thrown.syntax) return { error: thrown };
        throw thrown;
      }
    }

    function string(start, quoteAt) {
      var quote = s[quoteAt], k = quoteAt + 1, size = 1, endSize = 0;
      if (at(k) === quote) {
        k += 1;
        if (at(k) === quote) { size = 3; k += 1; } else endSize = 1;
      }
      while (endSize !== size) {
        var c = at(k);
        if (c === undefined) {
          return { error: SyntaxErr(size === 3 ? "unterminated triple-quoted string literal (detected at line 1)"
            : "unterminated string literal (detected at line 1)", start + 1) };
        }
        k += 1;
        if (c === quote) endSize += 1;
        else { endSize = 0; if (c === "\\") k += 1; }
      }
      return { end: Math.min(k, n) };
    }

    while (true) {
      while (at(i) === " " || at(i) === "\t" || at(i) === "\f") i += 1;
      var start = i, c = at(i);
      if (c === "#") { while (i < n) i += 1; continue; }
      if (c === undefined) {
        if (level > 0) {
          var open = parens[parens.length - 1];
          return { tokens: tokens, error: null, unclosed: Object.assign(SyntaxErr("'" + open.ch + "' was never closed", open.col + 1), { index: tokens.length }) };
        }
        push("NEWLINE", n, n, { implicit: true });
        push("ENDMARKER", n, n);
        return { tokens: tokens, error: null, unclosed: null };
      }
      if (identStart(c)) {
        var k = i, prefix = "", saw = {};
        for (;;) {
          var lc = (at(k) || "").toLowerCase();
          if (lc === "b" && !(saw.b || saw.u || saw.f)) saw.b = true;
          else if (lc === "u" && !(saw.b || saw.u || saw.r || saw.f)) saw.u = true;
          else if (lc === "r" && !(saw.r || saw.u)) saw.r = true;
          else if (lc === "f" && !(saw.f || saw.b || saw.u)) saw.f = true;
          else break;
          prefix += lc; k += 1;
          if (at(k) === "'" || at(k) === '"') {
            var str = string(i, k);
            if (str.error) return fail(str.error.message, str.error.offset);
            push("STRING", i, str.end, { prefix: prefix });
            i = str.end;
            break;
          }
        }
        if (i > start) continue;
        k = i;
        var nonascii = false;
        while (identChar(at(k))) { if (cp(at(k)) >= 128) nonascii = true; k += 1; }
        if (nonascii) {
          for (var j = i; j < k; j++) {
            var okChar = j === i ? XID_START.test(s[j]) : XID_CONTINUE.test(s[j]);
            if (!okChar) {
              var ch = s[j], hexText = cp(ch).toString(16).toUpperCase();
              while (hexText.length < 4) hexText = "0" + hexText;
              var offset = j + 1 < k ? j + 1 : k;
              return fail(PRINTABLE.test(ch) ? "invalid character '" + ch + "' (U+" + hexText + ")"
                : "invalid non-printable character U+" + hexText, offset);
            }
          }
        }
        var word = s.slice(i, k).join("").normalize("NFKC");
        push("NAME", i, k, { value: word, keyword: KEYWORDS.indexOf(word) >= 0 });
        i = k;
        continue;
      }
      if (isDigit(c) || (c === "." && isDigit(at(i + 1)))) {
        var num = number(i);
        if (num.error) return { tokens: tokens, error: Object.assign(num.error, { index: tokens.length }), unclosed: null };
        push("NUMBER", i, num.end, { kind: num.kind, radix: num.radix || 10 });
        i = num.end;
        continue;
      }
      if (c === "'" || c === '"') {
        var st = string(i, i);
        if (st.error) return fail(st.error.message, st.error.offset);
        push("STRING", i, st.end, { prefix: "" });
        i = st.end;
        continue;
      }
      if (c === "\\") {
        var lazy = fail("unexpected character after line continuation character", i + 1 + (i + 1 < n ? 1 : 0));
        lazy.error.lazy = true;  // CPython reports it only when the parser reads this token
        return lazy;
      }
      var three = s.slice(i, i + 3).join(""), two = s.slice(i, i + 2).join("");
      var op = THREE.indexOf(three) >= 0 && three !== "!==" ? three : TWO.indexOf(two) >= 0 ? two : c;
      if ("([{".indexOf(c) >= 0) {
        if (level >= MAXLEVEL) return fail("too many nested parentheses", i + 1);
        parens.push({ ch: c, col: i });
        level += 1;
      } else if (")]}".indexOf(c) >= 0) {
        if (!level) return fail("unmatched '" + c + "'", i + 1);
        var opening = parens.pop().ch;
        level -= 1;
        if (!((opening === "(" && c === ")") || (opening === "[" && c === "]") || (opening === "{" && c === "}"))) {
          return fail("closing parenthesis '" + c + "' does not match opening parenthesis '" + opening + "'", i + 1);
        }
      }
      push("OP", i, i + op.length);
      i += op.length;
    }

  }

  return { tokenize: tokenize, KEYWORDS: KEYWORDS, SyntaxErr: SyntaxErr };
})();
