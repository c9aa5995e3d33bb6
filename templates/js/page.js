/* The report page's host: configure the core from the page's data, mount the explorer into
 * #explorer (its view kept in the URL hash), and publish the page API:
 *
 *   window.gdviz.run(spec)      `gdviz run --format json` in the page (see js/run.js)
 *   window.gdviz.exactness(spec) "bit" (gdviz run's very bits) or "close" (1e-12; js/core.js)
 *   window.gdviz.mount(el, opt) another explorer (see js/explorer.js)
 *   window.gdviz.explorer       the page's explorer: getState(), setState(), runs(), toml()
 *   window.gdviz.formatNumber   gdviz's number formatter (gdviz/numbers.py's rules)
 *   window.gdviz.data           the configuration (gdviz.report.explorer.explorer_config) */
(function () {
  "use strict";
  var source = document.getElementById("explorer-data");
  if (!source) return;
  var data = gdvizCore.configure(JSON.parse(source.textContent));
  var api = {
    run: gdvizCore.run, exactness: gdvizCore.exactness, mount: gdvizExplorer.mount, formatNumber: gdvizCore.formatNumber,
    formatFixed: gdvizCore.formatFixed, formatPoint: gdvizCore.formatPoint,
    parseFormula: gdvizCore.parseFormula, data: data, explorer: null
  };
  window.gdviz = api;
  var root = document.getElementById("explorer");
  if (root) api.explorer = gdvizExplorer.mount(root, { data: data, hash: true });
})();
