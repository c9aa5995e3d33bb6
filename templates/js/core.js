/* gdvizCore: the page core configured from the report's data (gdviz.report.explorer
 * .explorer_config) — the registries, the scalar table, the formula limits, the landscapes.
 * Any host (the report page, a notebook widget) calls configure(data) once before run(). */
var gdvizCore = (function (hyper, scalars, check, descent, run, numbers, formula) {
  "use strict";
  var configured = null;
  var POW_OPTIMIZERS = ["adam", "adamw", "adamax", "nadam", "radam"];

  /* How exactly a checked job's numbers match `gdviz run` on the machine that built the page:
     "bit" — the same bits: only IEEE + − × ÷ √ and C-library powers and cosines the browser
     reproduces (the start-up calibration) or the scalar table covers; "close" — to 1e-12
     relative: a transcendental landscape (sin, cos, exp, log: numpy's and the browser's maths
     libraries round differently), a formula (its gradient is sympy's derivative in Python and
     forward-mode differentiation here), or scalars this browser computes otherwise. */
  function exactness(job) {
    var lib = scalars.library();
    if (job.landscape.formula || !job.landscape.exact) return "close";
    var name = job.optimizer.name;
    if (POW_OPTIMIZERS.indexOf(name) >= 0 && !(lib.pow && scalars.covers(job.optimizer.hyperparams.betas, job.steps))) return "close";
    if (job.schedule && job.schedule.kind === "cosine" && !lib.cos) return "close";
    return "bit";
  }
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
    exactness: function (specOrJob) { return exactness(specOrJob.landscape && specOrJob.optimizer && specOrJob.optimizer.rule ? specOrJob : run.prepare(specOrJob)); },
    formatNumber: numbers.formatNumber,
    formatFixed: numbers.formatFixed,
    formatPoint: numbers.formatPoint,
    parseFormula: function (text, variables) { return formula.parse(text, variables); }
  };
})(gdvizHyper, gdvizScalars, gdvizCheck, gdvizDescent, gdvizRun, gdvizNumbers, gdvizFormula);
