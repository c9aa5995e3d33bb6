/* Pointer and keyboard on the explorer's map: a click (or tap) on the map adds a start at the
 * clicked coordinates, rounded to the pixel's resolution; dragging a start moves it (the runs
 * follow, recomputed once per animation frame); a focused start moves with the arrow keys
 * (Shift: ten times further) and Delete or Backspace removes it. */
var gdvizPointer = (function (draw) {
  "use strict";

  /* Data coordinates of a pointer event on the map, rounded to its pixel size. */
  function at(E, event, round) {
    var pt = E.ui.map.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    var local = pt.matrixTransform(E.ui.map.getScreenCTM().inverse());
    var x = E.sx.from(local.x), px = Math.abs(E.sx.from(local.x + 1) - x);
    if (E.land.dim === 1) return [round(x, px)];
    var y = E.sy.from(local.y), py = Math.abs(E.sy.from(local.y + 1) - y);
    return [round(x, px), round(y, py)];
  }
  function inside(E, event) {
    var pt = E.ui.map.createSVGPoint();
    pt.x = event.clientX; pt.y = event.clientY;
    var local = pt.matrixTransform(E.ui.map.getScreenCTM().inverse()), b = E.box;
    return local.x >= b.left && local.x <= b.right && local.y >= b.top && local.y <= b.bottom;
  }

  function wire(E, act) {
    var map = E.ui.map, drag = null, pending = null, down = null;
    var flush = function () {
      pending = null;
      act.apply(E, { controls: false, quiet: true });
    };
    map.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      var marker = event.target.closest && event.target.closest(".gx-start");
      if (marker) {
        drag = Number(marker.getAttribute("data-index"));
        map.setPointerCapture(event.pointerId);
        event.preventDefault();
        return;
      }
      down = inside(E, event) ? { x: event.clientX, y: event.clientY } : null;
    });
    map.addEventListener("pointermove", function (event) {
      if (drag === null) return;
      var point = at(E, event, act.round), b = E.bounds;
      point = point.map(function (v, i) { return draw.clamp(v, b[i][0], b[i][1]); });
      E.state.starts[drag] = point;
      E.state.step = 0;
      if (!pending) pending = requestAnimationFrame(flush);
    });
    var end = function (event) {
      if (drag !== null) {
        drag = null;
        if (pending) { cancelAnimationFrame(pending); pending = null; }
        act.apply(E, { controls: true });
        return;
      }
      if (down && event.type === "pointerup" && Math.abs(event.clientX - down.x) < 5 && Math.abs(event.clientY - down.y) < 5 && inside(E, event)) {
        act.addStart(E, at(E, event, act.round));
      }
      down = null;
    };
    map.addEventListener("pointerup", end);
    map.addEventListener("pointercancel", function () { drag = null; down = null; });
    map.addEventListener("keydown", function (event) {
      var marker = event.target.closest && event.target.closest(".gx-start");
      if (!marker) return;
      var i = Number(marker.getAttribute("data-index")), s = E.state.starts[i].slice();
      if (event.key === "Delete" || event.key === "Backspace") { event.preventDefault(); act.removeStart(E, i); focusStart(E, Math.max(0, i - 1)); return; }
      var moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowDown: [1, -1], ArrowUp: [1, 1] }[event.key];
      if (!moves || moves[0] >= E.land.dim) return;
      event.preventDefault();
      var b = E.bounds[moves[0]], stepSize = (b[1] - b[0]) / 100 * (event.shiftKey ? 10 : 1);
      s[moves[0]] = draw.clamp(act.round(s[moves[0]] + moves[1] * stepSize, stepSize / 10), b[0], b[1]);
      E.state.starts[i] = s;
      E.state.step = 0;
      act.apply(E, { controls: true });
      focusStart(E, i);
    });
  }

  function focusStart(E, i) {
    var marker = E.ui.starts.querySelector('.gx-start[data-index="' + i + '"]');
    if (marker && marker.focus) marker.focus();
  }

  return { wire: wire };
})(gdvizDraw);
