/* Hyperparameters of the optimizers and schedules: names, defaults, kinds and ranges come from
 * the Python registries (written into the page by gdviz.report.explorer), and every check and
 * message follows gdviz's Python code word for word, so the page rejects what `gdviz run`
 * rejects with the CLI's one-line message (tests/test_page_core.py compares them).
 *
 *   configure(data)                   install {optimizers, presets, schedules, wording}
 *   makeOptimizer(name, values)       → {name, preset, title, hyperparams, rule, defaultLr}
 *   parseHyperparameter(name, key, text), makeSchedule(kind, values), parseSchedule(text)
 *   scheduleText(schedule)            str(Schedule): "cosine:T_max=100,eta_min=0.0"
 * Errors are Error objects with name "ValueError" and Python's message. */
var gdvizHyper = (function (py) {
  "use strict";
  var OPTIMIZERS = {}, PRESETS = {}, SCHEDULES = {}, ORDER = [], KINDS = [];
  var WORDING = { optimizer: { suffix: "", as_float: true }, schedule: { suffix: " schedule", as_float: false } };

  function ValueError(message) {
    var error = new Error(message);
    error.name = "ValueError";
    return error;
  }

  function configure(data) {
    OPTIMIZERS = {}; PRESETS = {}; SCHEDULES = {};
    data.optimizers.forEach(function (o) { OPTIMIZERS[o.name] = o; });
    data.presets.forEach(function (p) { PRESETS[p.name] = p; });
    data.schedules.forEach(function (s) { SCHEDULES[s.kind] = s; });
    ORDER = data.optimizers.map(function (o) { return o.name; }).concat(data.presets.map(function (p) { return p.name; }));
    KINDS = data.schedules.map(function (s) { return s.kind; });
    if (data.wording) WORDING = data.wording;
  }

  /* A value as messages write it (gdviz's _fmt / format_value): repr, tuples in parentheses. */
  function fmt(value) {
    if (Array.isArray(value)) return "(" + value.map(fmt).join(", ") + ")";
    if (typeof value === "number") return py.floatRepr(value);
    return py.repr(value);
  }

  /* ------------------------------------------------------------ one parameter */
  function checkNumber(param, key, where, value, wording) {
    if (typeof value !== "number") throw ValueError("invalid " + key + " for " + where + ": " + py.repr(value) + " (expected a number)");
    var shown = py.floatRepr(value);
    if (wording.as_float && !isFinite(value)) throw ValueError("invalid " + key + " for " + where + ": " + shown + " (must be finite)");
    var high = param.high === null ? Infinity : param.high;
    var inside = isFinite(value) &&
      (param.low_open ? value > param.low : value >= param.low) &&
      (param.high_open ? value < high : value <= high);
    if (inside && param.kind === "int" && value !== Math.trunc(value)) {
      throw ValueError("invalid " + key + " for " + where + ": " + shown + " (must be a whole number)");
    }
    if (!inside) throw ValueError("invalid " + key + " for " + where + ": " + shown + " (must be " + param.range + ")");
    return param.kind === "int" ? Math.trunc(value) : value;
  }

  /* Hyperparameter.check: a normalised value or ValueError. */
  function check(param, owner, value, wording) {
    var where = owner + wording.suffix;
    if (param.kind === "bool") {
      if (typeof value !== "boolean") throw ValueError("invalid " + param.name + " for " + where + ": " + py.repr(value) + " (expected True or False)");
      return value;
    }
    if (param.kind === "pair") {
      if (!Array.isArray(value) || value.length !== 2) throw ValueError("invalid " + param.name + " for " + where + ": " + py.repr(value) + " (expected two numbers)");
      return value.map(function (v, i) { return checkNumber(param, param.name + "[" + i + "]", where, v, wording); });
    }
    return checkNumber(param, param.name, where, value, wording);
  }

  function parseNumber(key, where, text) {
    var value = py.parseFloat(text);
    if (value === null) throw ValueError("invalid " + key + " for " + where + ": " + py.strRepr(text) + " (expected a number)");
    return value;
  }

  /* Hyperparameter.parse: CLI/TOML text into a checked value. */
  function parse(param, owner, text, wording) {
    var where = owner + wording.suffix, raw = py.strip(text);
    if (param.kind === "bool") {
      var lowered = raw.toLowerCase();
      if (["true", "yes", "on", "1"].indexOf(lowered) >= 0) return true;
      if (["false", "no", "off", "0"].indexOf(lowered) >= 0) return false;
      throw ValueError("invalid " + param.name + " for " + where + ": " + py.strRepr(text) + " (expected true or false)");
    }
    if (param.kind === "pair") {
      var inner = raw.length >= 2 && "([".indexOf(raw[0]) >= 0 && ")]".indexOf(raw[raw.length - 1]) >= 0 ? raw.slice(1, -1) : raw;
      var parts = inner.split(",").map(py.strip);
      if (parts.length !== 2 || !parts.every(Boolean)) {
        throw ValueError("invalid " + param.name + " for " + where + ": " + py.strRepr(text) + " (expected two numbers, e.g. 0.9,0.999)");
      }
      return check(param, owner, parts.map(function (p) { return parseNumber(param.name, where, p); }), wording);
    }
    return check(param, owner, parseNumber(param.name, where, raw), wording);
  }

  /* ------------------------------------------------------------ optimizers */
  function names() { return ORDER.slice(); }

  function resolve(name) {
    if (typeof name !== "string") throw ValueError("unknown optimizer " + py.repr(name) + "; choose from: " + ORDER.join(", "));
    var key = py.strip(name).toLowerCase();
    if (OPTIMIZERS[key]) return { info: OPTIMIZERS[key], preset: null };
    if (PRESETS[key]) return { info: OPTIMIZERS[PRESETS[key].optimizer], preset: PRESETS[key] };
    throw ValueError("unknown optimizer " + py.strRepr(name) + py.didYouMean(key, ORDER) + "; choose from: " + ORDER.join(", "));
  }

  function unknownKey(info, key) {
    var valid = info.params.map(function (p) { return p.name; });
    if (key === "lr") {
      return ValueError("lr is not a hyperparameter of " + info.name + ": pass it to the run (torch's default for " +
        info.name + " is " + py.floatRepr(info.default_lr) + ")");
    }
    return ValueError("unknown hyperparameter " + py.strRepr(key) + " for " + info.name + py.didYouMean(key, valid) + "; valid: " + valid.join(", "));
  }

  function defaultLr(name) { return resolve(name).info.default_lr; }

  function parseHyperparameter(optimizer, key, text) {
    var info = resolve(optimizer).info;
    for (var i = 0; i < info.params.length; i++) {
      if (info.params[i].name === key) return parse(info.params[i], info.name, text, WORDING.optimizer);
    }
    throw unknownKey(info, key);
  }

  function same(a, b) {
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every(function (v, i) { return v === b[i]; });
    return a === b;
  }

  /* make_optimizer(name, **values) — ``values`` is an object in the order given. */
  function makeOptimizer(name, values) {
    var found = resolve(name), info = found.info, preset = found.preset, given = {};
    values = values || {};
    if (preset) {
      Object.keys(preset.fixed).forEach(function (key) {
        if (key in values && !same(values[key], preset.fixed[key])) {
          throw ValueError("invalid " + key + " for preset " + preset.name + ": " + fmt(values[key]) +
            " (the preset fixes " + key + "=" + fmt(preset.fixed[key]) + "; use 'sgd' for other values)");
        }
      });
      Object.keys(preset.fixed).forEach(function (key) { given[key] = preset.fixed[key]; });
    }
    Object.keys(values).forEach(function (key) { given[key] = values[key]; });
    Object.keys(info.fixed).forEach(function (key) {
      if (key in given) {
        var stated = given[key];
        delete given[key];
        if (typeof stated !== "boolean" || stated !== info.fixed[key]) {
          throw ValueError("invalid " + key + " for " + info.name + ": " + fmt(info.fixed[key]) + " is built in, got " + fmt(stated));
        }
      }
    });
    var known = info.params.map(function (p) { return p.name; });
    Object.keys(given).forEach(function (key) { if (known.indexOf(key) < 0) throw unknownKey(info, key); });
    var hp = {};
    info.params.forEach(function (p) {
      hp[p.name] = p.name in given ? check(p, info.name, given[p.name], WORDING.optimizer) : p.default;
    });
    if (info.name === "sgd" && hp.nesterov) {
      if (hp.momentum <= 0) {
        throw ValueError("invalid nesterov for sgd: True with momentum=" + py.floatRepr(hp.momentum) + " (Nesterov momentum needs momentum > 0)");
      }
      if (hp.dampening !== 0) {
        throw ValueError("invalid nesterov for sgd: True with dampening=" + py.floatRepr(hp.dampening) + " (Nesterov momentum needs dampening = 0)");
      }
    }
    var rule = {};
    Object.keys(hp).forEach(function (key) { rule[key] = hp[key]; });
    Object.keys(info.fixed).forEach(function (key) { rule[key] = info.fixed[key]; });
    return {
      name: info.name, preset: preset ? preset.name : null, hyperparams: hp, rule: rule,
      defaultLr: info.default_lr
    };
  }

  /* The hyperparameters of an optimizer that differ from its (preset's) defaults. */
  function changed(optimizer) {
    var info = OPTIMIZERS[optimizer.name], base = {}, out = {};
    info.params.forEach(function (p) { base[p.name] = p.default; });
    if (optimizer.preset) Object.assign(base, PRESETS[optimizer.preset].fixed);
    Object.keys(optimizer.hyperparams).forEach(function (key) {
      if (!same(base[key], optimizer.hyperparams[key])) out[key] = optimizer.hyperparams[key];
    });
    return out;
  }

  /* validate_lr for one number. */
  function validateLr(lr) {
    if (typeof lr !== "number") throw ValueError("invalid learning rate: " + py.repr(lr) + " (expected a number)");
    if (!isFinite(lr) || lr < 0) throw ValueError("invalid learning rate: " + py.floatRepr(lr) + " (must be finite and ≥ 0)");
  }

  /* ------------------------------------------------------------ schedules */
  function lookup(kind) {
    var key = typeof kind === "string" ? py.strip(kind).toLowerCase() : kind;
    if (typeof key === "string" && SCHEDULES[key]) return SCHEDULES[key];
    throw ValueError("unknown schedule " + py.repr(kind) + py.didYouMean(String(key), KINDS) + "; choose from: " + KINDS.join(", "));
  }

  function makeSchedule(kind, values) {
    var info = lookup(kind), given = values || {};
    var known = info.params.map(function (p) { return p.name; });
    Object.keys(given).forEach(function (key) {
      if (known.indexOf(key) < 0) {
        throw ValueError("unknown parameter " + py.strRepr(key) + " for " + info.kind + " schedule" + py.didYouMean(key, known) +
          "; valid: " + (known.length ? known.join(", ") : "none"));
      }
    });
    var params = {};
    info.params.forEach(function (p) {
      if (p.name in given) params[p.name] = check(p, info.kind, given[p.name], WORDING.schedule);
      else if (p.required) throw ValueError("the " + info.kind + " schedule needs " + p.name);
      else params[p.name] = p.default;
    });
    return { kind: info.kind, params: params };
  }

  function parseSchedule(text) {
    if (typeof text !== "string" || !py.strip(text)) throw ValueError("invalid schedule " + py.repr(text) + ": expected kind[:key=value,...]");
    var stripped = py.strip(text), at = stripped.indexOf(":");
    var kind = at < 0 ? stripped : stripped.slice(0, at), rest = at < 0 ? "" : stripped.slice(at + 1);
    var info = lookup(kind), params = {};
    if (at >= 0) {
      if (!py.strip(rest)) throw ValueError("invalid schedule " + py.strRepr(text) + ": nothing after ':'");
      rest.split(",").forEach(function (item) {
        var eq = item.indexOf("=");
        var key = py.strip(eq < 0 ? item : item.slice(0, eq)), value = eq < 0 ? "" : py.strip(item.slice(eq + 1));
        if (eq < 0 || !key || !value) throw ValueError("invalid schedule " + py.strRepr(text) + ": expected key=value, got " + py.strRepr(py.strip(item)));
        if (key in params) throw ValueError("invalid schedule " + py.strRepr(text) + ": " + key + " given twice");
        var number = py.parseFloat(value);
        if (number === null) throw ValueError("invalid " + key + " for " + info.kind + " schedule: " + py.strRepr(value) + " (expected a number)");
        params[key] = number;
      });
    }
    return makeSchedule(info.kind, params);
  }

  /* str(Schedule): the text form with every parameter (ints as ints, floats by repr). */
  function scheduleText(schedule) {
    var keys = Object.keys(schedule.params);
    if (!keys.length) return schedule.kind;
    var info = SCHEDULES[schedule.kind];
    return schedule.kind + ":" + keys.map(function (key) {
      var param = info.params.filter(function (p) { return p.name === key; })[0];
      var v = schedule.params[key];
      return key + "=" + (param.kind === "int" ? String(v) : py.floatRepr(v));
    }).join(",");
  }

  return {
    configure: configure, ValueError: ValueError, names: names, resolve: resolve,
    optimizerInfo: function (name) { return OPTIMIZERS[name]; },
    presetInfo: function (name) { return PRESETS[name]; },
    scheduleInfo: function (kind) { return SCHEDULES[kind]; },
    scheduleKinds: function () { return KINDS.slice(); },
    defaultLr: defaultLr, parseHyperparameter: parseHyperparameter, makeOptimizer: makeOptimizer,
    changed: changed, validateLr: validateLr, parseParam: parse, checkParam: check,
    makeSchedule: makeSchedule, parseSchedule: parseSchedule, scheduleText: scheduleText,
    wording: function () { return WORDING; }
  };
})(gdvizPy);
