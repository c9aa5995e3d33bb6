/* The notebook widget's host (gdviz.notebook.widget.Explorer, an anywidget): the explorer
 * component mounted into the widget's element, its view kept in the widget's model.
 *
 * The widget's ES module is the page core and the explorer (CORE_SCRIPTS, EXPLORER_SCRIPTS)
 * followed by this file, so nothing is fetched. ``render({model, el})`` reads the
 * configuration from the model's ``_config`` (explorer_config()) and the view from its traits:
 *
 *   landscape, formula, bounds, starts, runs, schedule, steps, tol, loss_tol, step, speed
 *
 * (the explorer's state, see explorer-state.js; ``loss_tol`` is its ``lossTol``). A change in
 * the page sets the traits that differ and saves them (to Python); a change of a trait from
 * Python sets the explorer's view when it differs from the one shown. The mounted handle is
 * ``root.gdvizExplorer`` (getState, setState, runs, toml) for scripts and tests. */
var gdvizWidget = (function (explorerComponent) {
  "use strict";
  /* trait name -> the explorer state's key */
  var FIELDS = {
    landscape: "landscape", formula: "formula", bounds: "bounds", starts: "starts", runs: "runs",
    schedule: "schedule", steps: "steps", tol: "tol", loss_tol: "lossTol", step: "step", speed: "speed"
  };
  var TRAITS = Object.keys(FIELDS);

  /* JSON with sorted keys: two values are the same view when these texts are equal. */
  function canonical(value) {
    if (Array.isArray(value)) return "[" + value.map(canonical).join(",") + "]";
    if (value !== null && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) { return JSON.stringify(k) + ":" + canonical(value[k]); }).join(",") + "}";
    }
    return JSON.stringify(value === undefined ? null : value);
  }
  function same(a, b) { return canonical(a) === canonical(b); }

  function stateOf(model) {
    var state = {};
    TRAITS.forEach(function (trait) { state[FIELDS[trait]] = model.get(trait); });
    return state;
  }

  /* Set the traits whose value differs from the explorer's ``state``; true when any did. */
  function push(model, state) {
    var changed = false;
    TRAITS.forEach(function (trait) {
      var value = state[FIELDS[trait]];
      if (value === undefined || same(model.get(trait), value)) return;
      model.set(trait, value);
      changed = true;
    });
    return changed;
  }

  function render(context) {
    var model = context.model, el = context.el;
    var root = document.createElement("div");
    root.className = "gdviz-theme gdviz-widget explorer";
    el.appendChild(root);
    var pushing = false; // the model's change events while we set it are our own
    var save = function (state) {
      pushing = true;
      try { if (push(model, state)) model.save_changes(); } finally { pushing = false; }
    };
    var explorer = explorerComponent.mount(root, { data: model.get("_config"), state: stateOf(model), hash: false, onChange: save });
    root.gdvizExplorer = explorer;
    save(explorer.getState()); // the view as shown (a start of the wrong dimension dropped, ...)
    var pull = function () {
      if (pushing) return;
      var want = stateOf(model), have = explorer.getState();
      if (TRAITS.some(function (trait) { return !same(want[FIELDS[trait]], have[FIELDS[trait]]); })) explorer.setState(want);
    };
    TRAITS.forEach(function (trait) { model.on("change:" + trait, pull); });
    return function () {
      TRAITS.forEach(function (trait) { model.off("change:" + trait, pull); });
      explorer.destroy();
    };
  }

  return { render: render, FIELDS: FIELDS };
})(gdvizExplorer);

export default { render: gdvizWidget.render };
