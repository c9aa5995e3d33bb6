/* The explorer's controls, built as plain labelled HTML elements (keyboard- and screen-reader
 * usable: native selects, checkboxes, ranges and text fields, each with a label and a live
 * message line). build(root, data) returns the elements; explorer.js wires them. */
var gdvizControls = (function (draw) {
  "use strict";
  var uid = 0;

  function el(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    for (var k in attrs) {
      if (attrs[k] === undefined || attrs[k] === null || attrs[k] === false) continue;
      if (k === "class") node.className = attrs[k]; else node.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    }
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function id(name) { uid += 1; return "gx-" + name + "-" + uid; }

  /* A labelled text field with a message line under it: {input, message, wrap}. */
  function field(parent, label, attrs, hint) {
    var wrap = el("div", { "class": "gx-field" }, parent), inputId = id("f"), msgId = id("m");
    el("label", { "for": inputId }, wrap, label);
    var input = el("input", Object.assign({ id: inputId, type: "text", inputmode: "decimal", spellcheck: "false", autocomplete: "off", "aria-describedby": msgId }, attrs), wrap);
    var message = el("p", { "class": "gx-msg", id: msgId, "aria-live": "polite" }, wrap);
    if (hint) input.title = hint;
    return { input: input, message: message, wrap: wrap };
  }

  function landscapeSelect(parent, data) {
    var wrap = el("div", { "class": "gx-field gx-landscape" }, parent), selectId = id("land");
    el("label", { "for": selectId }, wrap, "Landscape");
    var select = el("select", { id: selectId }, wrap);
    var groups = [["Two variables", function (l) { return l.variables.length === 2; }], ["One variable", function (l) { return l.variables.length === 1; }]];
    groups.forEach(function (g) {
      var group = el("optgroup", { label: g[0] }, select);
      data.landscapes.filter(g[1]).forEach(function (l) { el("option", { value: l.name }, group, l.title + " (" + l.kind + ")"); });
    });
    var own = el("optgroup", { label: "Yours" }, select);
    el("option", { value: "" }, own, "Your formula…");
    return select;
  }

  function optimizerRow(parent, data, opt) {
    var style = data.style.optimizers[opt.name];
    var row = el("div", { "class": "gx-opt", "data-opt": opt.name }, parent);
    var head = el("div", { "class": "gx-opt-head" }, row), boxId = id("on");
    var box = el("input", { type: "checkbox", id: boxId, "class": "gx-on" }, head);
    var name = el("label", { "for": boxId, "class": "gx-opt-name" }, head);
    el("span", { "class": "swatch", style: "background:" + style.color }, name);
    name.appendChild(document.createTextNode(style.label));
    var lrWrap = el("div", { "class": "gx-lr" }, row), rangeId = id("lr");
    var range = el("input", { type: "range", id: rangeId, min: "-6", max: "1", step: "0.01", "aria-label": "Learning rate of " + style.label + " (logarithmic)" }, lrWrap);
    var text = el("input", { type: "text", inputmode: "decimal", "class": "gx-lr-text", spellcheck: "false", autocomplete: "off", "aria-label": "Learning rate of " + style.label }, lrWrap);
    var details = el("details", { "class": "gx-hp" }, row);
    el("summary", {}, details, "torch settings");
    var hp = el("div", { "class": "gx-hp-fields" }, details);
    var message = el("p", { "class": "gx-msg", "aria-live": "polite" }, row);
    text.setAttribute("aria-describedby", message.id = id("om"));
    return { row: row, box: box, range: range, text: text, details: details, hp: hp, message: message, fields: {} };
  }

  /* The hyperparameter fields of one optimizer (a torch optimizer or a preset). */
  function hyperFields(o, info, fixed) {
    draw.clear(o.hp);
    o.fields = {};
    info.params.forEach(function (p) {
      if (p.kind === "bool") {
        var wrap = el("div", { "class": "gx-field gx-check" }, o.hp), boxId = id("b");
        var box = el("input", { type: "checkbox", id: boxId }, wrap);
        el("label", { "for": boxId }, wrap, p.name);
        if (p.name in fixed) { box.disabled = true; box.title = "fixed by the preset"; }
        o.fields[p.name] = { input: box, kind: "bool" };
      } else {
        var f = field(o.hp, p.name, { "data-param": p.name }, p.doc + " (" + (p.kind === "pair" ? "each " : "") + p.range + ")");
        if (p.name in fixed) { f.input.disabled = true; f.input.title = "fixed by the preset"; }
        o.fields[p.name] = { input: f.input, message: f.message, kind: p.kind };
      }
    });
  }

  function build(root, data) {
    draw.clear(root);
    root.classList.add("gx");
    var ui = { root: root };
    var grid = el("div", { "class": "gx-grid" }, root);

    /* ---- the figure: source, map, transport */
    var figure = el("div", { "class": "gx-figure" }, grid);
    var source = el("div", { "class": "gx-source" }, figure);
    ui.landscape = landscapeSelect(source, data);
    var formula = field(source, "f(x, y) =", { "class": "gx-formula-input", inputmode: "text", placeholder: "x**2 + 3*sin(y)", maxlength: "400" });
    formula.wrap.classList.add("gx-formula");
    ui.formula = formula;
    var win = el("details", { "class": "gx-window" }, source);
    el("summary", {}, win, "Window");
    var winFields = el("div", { "class": "gx-window-fields" }, win);
    ui.window = ["x from", "x to", "y from", "y to"].map(function (label) { return field(winFields, label, {}).input; });
    ui.windowMessage = el("p", { "class": "gx-msg", "aria-live": "polite" }, win);
    ui.windowReset = el("button", { type: "button", "class": "gx-small" }, win, "Reset window");

    ui.stage = el("div", { "class": "gx-stage" }, figure);
    ui.canvas = el("canvas", { "class": "gx-contours", "aria-hidden": "true" }, ui.stage);
    ui.map = draw.svg("svg", { "class": "gx-map", role: "img", "aria-label": "Map of the landscape with the optimizers' paths" }, ui.stage);
    var clipId = id("clip"), clip = draw.svg("clipPath", { id: clipId }, draw.svg("defs", {}, ui.map));
    ui.clip = draw.svg("rect", {}, clip);
    ["axes", "minima", "ghosts", "paths", "heads", "starts"].forEach(function (name) {
      var clipped = name === "ghosts" || name === "paths" || name === "heads";
      ui[name] = draw.svg("g", { "class": "gx-" + name, "clip-path": clipped ? "url(#" + clipId + ")" : null }, ui.map);
    });
    ui.caption = el("p", { "class": "gx-caption" }, figure);

    var transport = el("div", { "class": "gx-transport" }, figure);
    ui.play = el("button", { type: "button", "class": "primary gx-play", "aria-pressed": "false" }, transport, "Play");
    ui.back = el("button", { type: "button", "aria-label": "One step back" }, transport, "−1");
    ui.forward = el("button", { type: "button", "aria-label": "One step forward" }, transport, "+1");
    ui.reset = el("button", { type: "button" }, transport, "Reset");
    var speedId = id("speed"), speedWrap = el("span", { "class": "gx-speed" }, transport);
    el("label", { "for": speedId }, speedWrap, "speed");
    ui.speed = el("select", { id: speedId }, speedWrap);
    gdvizExplorerState.SPEEDS.forEach(function (s) { el("option", { value: String(s) }, ui.speed, "×" + s); });
    ui.counter = el("p", { "class": "gx-counter", "aria-live": "polite" }, transport);
    var scrubId = id("scrub"), scrub = el("div", { "class": "gx-scrub" }, figure);
    el("label", { "for": scrubId, "class": "visually-hidden" }, scrub, "Step");
    ui.scrub = el("input", { type: "range", id: scrubId, min: "0", max: "1", step: "1", value: "0" }, scrub);

    /* ---- the panel: optimizers, schedule, stopping, starts, share */
    var panel = el("div", { "class": "gx-panel" }, grid);
    var opts = el("fieldset", { "class": "gx-optimizers" }, panel);
    el("legend", {}, opts, "Optimizers and learning rates");
    ui.optimizers = {};
    data.optimizers.map(function (o) { return o.name; }).concat(data.presets.map(function (p) { return p.name; })).forEach(function (name) {
      var info = data.optimizers.filter(function (o) { return o.name === name; })[0];
      var preset = data.presets.filter(function (p) { return p.name === name; })[0];
      var row = optimizerRow(opts, data, { name: name });
      var torch = info || data.optimizers.filter(function (o) { return o.name === preset.optimizer; })[0];
      hyperFields(row, torch, preset ? preset.fixed : {});
      ui.optimizers[name] = row;
    });
    orderRows(opts, ui.optimizers, data);

    var sched = el("fieldset", { "class": "gx-schedule" }, panel);
    el("legend", {}, sched, "Learning-rate schedule");
    var kindId = id("kind"), kindWrap = el("div", { "class": "gx-field" }, sched);
    el("label", { "for": kindId }, kindWrap, "Kind");
    ui.scheduleKind = el("select", { id: kindId }, kindWrap);
    data.schedules.forEach(function (s) { el("option", { value: s.kind }, ui.scheduleKind, s.kind + (s.torch !== "(none)" ? " (" + s.torch + ")" : "")); });
    ui.scheduleFields = el("div", { "class": "gx-schedule-fields" }, sched);
    ui.scheduleMessage = el("p", { "class": "gx-msg", "aria-live": "polite" }, sched);

    var stop = el("fieldset", { "class": "gx-stopping" }, panel);
    el("legend", {}, stop, "Steps and stopping rules");
    ui.steps = field(stop, "steps", { inputmode: "numeric" }, "at most this many updates");
    ui.tol = field(stop, "gradient tolerance", {}, "stop when ‖∇L‖ is below this (0: never)");
    ui.lossTol = field(stop, "loss tolerance", {}, "stop when the loss changes by less than this in one step (0: never)");

    /* minibatches: shown on data landscapes only */
    ui.batch = el("fieldset", { "class": "gx-batch", hidden: true }, panel);
    el("legend", {}, ui.batch, "Minibatch noise");
    var onWrap = el("div", { "class": "gx-field gx-check" }, ui.batch), onId = id("mb");
    ui.batchOn = el("input", { type: "checkbox", id: onId }, onWrap);
    ui.batchLabel = el("label", { "for": onId }, onWrap, "stochastic gradients: one step per minibatch");
    ui.batchSize = field(ui.batch, "batch size", { inputmode: "numeric" }, "samples per step (the last slice of an epoch may be shorter)");
    ui.seed = field(ui.batch, "seed", { inputmode: "numeric" }, "numpy.random.default_rng(seed) draws each epoch's order");
    ui.nextSeed = el("button", { type: "button", "class": "gx-small" }, ui.batch, "Next seed");
    ui.batchNote = el("p", { "class": "gx-note" }, ui.batch);

    var starts = el("fieldset", { "class": "gx-starts" }, panel);
    el("legend", {}, starts, "Starting points");
    ui.startList = el("ol", { "class": "gx-start-list" }, starts);
    ui.addStart = field(starts, "add a start", { placeholder: "x, y" }, "type the coordinates and press Enter");

    var share = el("div", { "class": "gx-actions" }, panel);
    ui.copyLink = el("button", { type: "button" }, share, "Copy link to this view");
    ui.exportButton = el("button", { type: "button", "aria-expanded": "false" }, share, "Export as TOML");
    ui.shareMessage = el("p", { "class": "gx-msg", "aria-live": "polite" }, panel);
    ui.exportBox = el("div", { "class": "gx-export", hidden: true }, panel);
    var tomlId = id("toml");
    el("label", { "for": tomlId }, ui.exportBox, "This view as an experiment for gdviz figures --config FILE.toml and gdviz report --config FILE.toml");
    ui.toml = el("textarea", { id: tomlId, readonly: true, rows: "12", spellcheck: "false" }, ui.exportBox);
    var exportActions = el("div", { "class": "gx-actions" }, ui.exportBox);
    ui.copyToml = el("button", { type: "button" }, exportActions, "Copy");
    ui.download = el("a", { "class": "gx-download", download: "explorer.toml", href: "#" }, exportActions, "Download explorer.toml");

    /* ---- under the map: the loss chart; below everything: the read-out */
    var loss = el("figure", { "class": "gx-loss" }, figure);
    ui.loss = draw.svg("svg", { "class": "gx-loss-chart", role: "img", "aria-label": "Loss per step" }, loss);
    ["lossAxes", "lossGhosts", "lossLines"].forEach(function (name) { ui[name] = draw.svg("g", { "class": "gx-" + name }, ui.loss); });
    ui.cursor = draw.svg("line", { "class": "gx-cursor" }, ui.loss);
    ui.lossCaption = el("figcaption", {}, loss);
    ui.readoutBox = el("div", { "class": "table-scroll gx-readout-box", role: "region", tabindex: "0", "aria-label": "Read-out of every run" }, root);
    var table = el("table", { "class": "results gx-readout" }, ui.readoutBox);
    var head = el("tr", {}, el("thead", {}, table));
    ["Optimizer", "Start", "Learning rate", "Status", "Stop step", "Final loss", "Loss now", "Point now"].forEach(function (h, i) {
      el("th", { scope: "col", "class": i === 2 || i === 4 || i === 5 || i === 6 ? "num" : null }, head, h);
    });
    ui.readout = el("tbody", {}, table);
    ui.claim = el("p", { "class": "gx-claim" }, root);
    return ui;
  }

  /* Rows in registry order, the presets next to the optimizer they configure. */
  function orderRows(parent, rows, data) {
    var order = ["gd", "sgd", "momentum", "nesterov"];
    data.optimizers.forEach(function (o) { if (order.indexOf(o.name) < 0) order.push(o.name); });
    order.forEach(function (name) { if (rows[name]) parent.appendChild(rows[name].row); });
  }

  /* The schedule's parameter fields for ``info`` (a schedule spec). */
  function scheduleFields(ui, info) {
    draw.clear(ui.scheduleFields);
    ui.scheduleInputs = {};
    info.params.forEach(function (p) {
      var f = field(ui.scheduleFields, p.name, { placeholder: p.required ? "required" : String(p.default) }, p.doc + " (" + p.range + ")");
      ui.scheduleInputs[p.name] = f.input;
    });
  }

  return { build: build, scheduleFields: scheduleFields, el: el, field: field };
})(gdvizDraw);
