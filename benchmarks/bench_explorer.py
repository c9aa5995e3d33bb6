"""Benchmark the live explorer: how long a control change takes in headless Chromium.

The page core and the explorer component are loaded into a blank page (the report's own
scripts and data) and mounted with all twelve optimizers (nine torch optimizers, three presets)
at 500 steps on a landscape, tolerances off so every run uses its whole budget. Two figures per
landscape, each the median (and 95th percentile) of ``--repeats`` measurements:

* core: the twelve runs alone (``gdvizRun.execute`` on the checked jobs);
* change: what a student waits for after moving a learning-rate slider — the view re-checked,
  the twelve runs recomputed, the map, the loss chart and the read-out redrawn.

Each is compared with one animation frame at 60 Hz (16.7 ms): the ratio frame / time says how
many times over the budget fits. ``linear-regression+minibatch`` is the data landscape with
minibatch noise on (one sample per step): each run takes a slice's gradient and the full data
set's loss per step, and the explorer also recomputes each run on the full batch (dashed).
Run: ``python benchmarks/bench_explorer.py`` (``make bench``).
"""

from __future__ import annotations

import argparse
import statistics
import sys

from gdviz.report.explorer import CORE_SCRIPTS, EXPLORER_SCRIPTS, explorer_config
from gdviz.report.render import read_static

FRAME_MS = 1000 / 60
STEPS = 500
LANDSCAPES = (
    "rosenbrock",
    "himmelblau",
    "rastrigin",
    "logistic-regression",
    "linear-regression+minibatch",
)
CHROMIUM = "/usr/bin/chromium"

MEASURE = """([steps, repeats]) => {
  const data = window.gdviz_data, root = document.getElementById("root");
  gdvizCore.configure(data);
  const names = data.optimizers.map((o) => o.name).concat(data.presets.map((p) => p.name));
  const results = {};
  for (const name of data.bench_landscapes) {
    const [landscape, noise] = name.split("+");
    const entry = data.landscapes.find((l) => l.name === landscape);
    const state = {
      landscape, formula: null, bounds: null, starts: [entry.starts[0].slice()],
      runs: names.map((n) => ({ optimizer: n, lr: entry.lrs[n], params: {} })),
      schedule: "", steps, tol: "0", lossTol: "0", step: steps, speed: 1,
      minibatch: noise === "minibatch", batchSize: "1", seed: "0"
    };
    const explorer = gdvizExplorer.mount(root, { data, state });
    const jobs = explorer.runs().map((r) => r.job);
    const core = [], change = [];
    for (let i = 0; i < repeats; i++) {
      let t = performance.now();
      for (const job of jobs) gdvizRun.execute(job);
      core.push(performance.now() - t);
      const slider = root.querySelector('.gx-opt[data-opt="adam"] input[type=range]');
      slider.value = String(Number(slider.value) + (i % 2 ? -0.01 : 0.01));
      t = performance.now();
      slider.dispatchEvent(new Event("input", { bubbles: true }));
      change.push(performance.now() - t);
    }
    const updates = explorer.runs().reduce((n, r) => n + r.result.steps, 0);
    explorer.destroy();
    results[name] = { core, change, runs: jobs.length, updates };
  }
  return results;
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--steps", type=int, default=STEPS)
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("bench_explorer: playwright is not installed (make setup)")
        return 2
    data = explorer_config()
    data["bench_landscapes"] = list(LANDSCAPES)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_content(
            "<!doctype html><style>"
            + read_static("report.css")
            + "</style><div id=root class=explorer></div>"
        )
        page.evaluate("(d) => { window.gdviz_data = d; }", data)
        for name in (*CORE_SCRIPTS, *EXPLORER_SCRIPTS):
            page.add_script_tag(content=read_static(name))
        results = page.evaluate(MEASURE, [args.steps, args.repeats])
        version = browser.version
        browser.close()
    print(
        f"Live explorer in headless Chromium {version}: 12 optimizers × {args.steps} steps, "
        f"median (p95) of {args.repeats}; one frame is {FRAME_MS:.1f} ms"
    )
    worst = 0.0
    for landscape, r in results.items():
        core, change = sorted(r["core"]), sorted(r["change"])
        p95 = lambda xs: xs[min(len(xs) - 1, int(0.95 * len(xs)))]  # noqa: E731
        median_core, median_change = statistics.median(core), statistics.median(change)
        worst = max(worst, median_change)
        print(
            f"  {landscape:<28} core {median_core:6.2f} ms ({p95(core):6.2f})   "
            f"change {median_change:6.2f} ms ({p95(change):6.2f})   "
            f"{r['updates']} updates   frame/change ×{FRAME_MS / median_change:.1f}"
        )
    verdict = "within" if worst < FRAME_MS else "OVER"
    print(f"slowest control change {worst:.2f} ms: {verdict} one animation frame")
    return 0


if __name__ == "__main__":
    sys.exit(main())
