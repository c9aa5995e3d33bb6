/* gdvizCore: the page core configured from the report's data (gdviz.report.explorer
 * .explorer_config) — the registries, the scalar table, the formula limits, the landscapes.
 * Any host (the report page, a notebook widget) calls configure(data) once before run(). */
var gdvizCore = (function (hyper, scalars, check, descent, run, numbers, formula) {
  "use strict";
  var configured = null;
  function configure(data) {
    hyper.configure(data);
    scalars.setTable(data.scalars);
    check.configure(data.formula);
    descent.configure(data.limits);
    run.configure(data);
    configured = data;
    return data;
  }
  return {
    configure: configure,
    data: function () { return configured; },
    run: function (spec) { return run.run(spec); },
    formatNumber: numbers.formatNumber,
    formatFixed: numbers.formatFixed,
    formatPoint: numbers.formatPoint,
    parseFormula: function (text, variables) { return formula.parse(text, variables); }
  };
})(gdvizHyper, gdvizScalars, gdvizCheck, gdvizDescent, gdvizRun, gdvizNumbers, gdvizFormula);
