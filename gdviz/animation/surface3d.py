"""3-D landscapes for the Cairo renderer: a lit patch surface, floor contours, occlusion.

Heights are computed once on a grid (:func:`height_grid`): ``log10(1 + (L − L_min)/m)`` (m the
median of L − L_min over the window) for landscapes with log-spaced contours, ``L − L_min``
otherwise, scaled to ``z_max`` and clipped
at a high percentile so steep walls never become spikes. The surface is ``n × n`` flat lit patches
coloured by height with the landscape ramp (:class:`SurfaceImage`). Paths are drawn
over the surface by Cairo (moving mobjects come last), so which of their points the surface
hides from the camera is computed here with a depth buffer of the projected surface
(:func:`hidden_mask`), and the scene draws hidden parts faintly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import ORIGIN, ImageMobject, ManimColor, ValueTracker, VGroup, VMobject, config

from gdviz.animation.colors import THEME
from gdviz.style import landscape_ramp

__all__ = ["HeightGrid", "SurfaceImage", "floor_contours", "height_grid", "hidden_mask"]


@dataclass(frozen=True)
class HeightGrid:
    """Heights of a landscape on a grid and the map from data to scene coordinates.

    ``xs``, ``ys`` (the grid), ``z`` (scene heights, rows: y), ``lift(points)`` maps data points
    ``(m, 2)`` to scene points ``(m, 3)`` on the surface.
    """

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    scale: Callable[[np.ndarray], np.ndarray]
    to_scene: Callable[[np.ndarray], np.ndarray]
    floor: float

    def lift(self, points: np.ndarray, above: float = 0.0) -> np.ndarray:
        """Scene points on the surface over data points ``(m, 2)`` (``above`` it)."""
        points = np.atleast_2d(points)[:, :2]
        return self.to_scene(np.column_stack([points, self.scale(points) + above]))

    def on_floor(self, points: np.ndarray) -> np.ndarray:
        """Scene points on the floor under data points ``(m, 2)``."""
        points = np.atleast_2d(points)[:, :2]
        return self.to_scene(np.column_stack([points, np.full(len(points), self.floor)]))


def height_grid(
    surface: Any,
    bounds: Any,
    size: float,
    z_max: float,
    *,
    resolution: int = 49,
    clip_percentile: float = 97.0,
    floor_gap: float = 0.6,
    origin: np.ndarray | None = None,
) -> HeightGrid:
    """The heights of ``surface`` on a ``resolution``² grid over ``bounds``, scaled to
    ``[0, z_max]`` and clipped at ``clip_percentile`` of the sampled heights (no spikes); the
    x-y window spans ``size`` scene units on its longer side, centred at ``origin`` (a scene
    point; default the origin)."""
    (x0, x1), (y0, y1) = bounds
    log = bool(getattr(surface, "log_levels", False))
    fine = np.stack(np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200)), -1)
    sample = np.asarray(surface.loss(fine), dtype=float)
    finite = sample[np.isfinite(sample)]
    low = float(finite.min())

    typical = float(np.median(finite - low)) or 1.0

    def raw(values: np.ndarray) -> np.ndarray:
        values = np.where(np.isfinite(values), values, np.inf) - low
        # log landscapes: log10(1 + (L − L_min)/median), linear near the minima (round
        # bowls, not funnels) and logarithmic on the walls
        return np.log10(1 + values / typical) if log else values

    cap = float(np.percentile(raw(finite), clip_percentile)) or 1.0

    def scale(points: np.ndarray) -> np.ndarray:
        return z_max * np.clip(raw(np.asarray(surface.loss(points), dtype=float)) / cap, 0, 1)

    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    grid = np.stack(np.meshgrid(xs, ys), -1)
    unit = size / max(x1 - x0, y1 - y0)
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])

    shift = np.zeros(3) if origin is None else np.asarray(origin, dtype=float)

    def to_scene(points: np.ndarray) -> np.ndarray:
        points = np.atleast_2d(points)
        xy = (points[:, :2] - centre) * unit
        return np.column_stack([xy, points[:, 2]]) + shift

    return HeightGrid(xs, ys, scale(grid), scale, to_scene, -floor_gap)


class SurfaceImage(ImageMobject):
    """The surface as ``n × n`` flat, lit patches rasterised by Pillow into one frame-sized
    image, redrawn only when the camera moves (Cairo would redraw 2,304 vector patches at
    ~1 ms each every frame).

    Patches are projected with the scene camera's own ``project_points`` (the projection Manim
    uses for everything else, so paths drawn over the image line up), sorted far to near and
    filled with the landscape ramp's colour of their height, shaded by a fixed light
    (Lambert: ambient + diffuse). ``opacity`` and ``flatten`` (1: full height, 0: on the floor)
    are trackers the scene animates for the settle into the 2-D view.
    """

    def __init__(self, grid: HeightGrid, camera: Any) -> None:
        self.grid, self.camera = grid, camera
        width, height = config.pixel_width, config.pixel_height
        super().__init__(np.zeros((height, width, 4), dtype=np.uint8))
        self.stretch_to_fit_width(config.frame_width)
        self.stretch_to_fit_height(config.frame_height)
        self.move_to(ORIGIN)
        self.opacity = ValueTracker(1.0)
        self.flatten = ValueTracker(1.0)
        xs, ys, z = grid.xs, grid.ys, grid.z
        n_y, n_x = z.shape
        self._xy = np.stack(np.meshgrid(xs, ys), -1)
        quad = np.array([[0, 0], [0, 1], [1, 1], [1, 0]])
        jj, ii = np.meshgrid(np.arange(n_y - 1), np.arange(n_x - 1), indexing="ij")
        self._corners = np.stack([jj[..., None] + quad[:, 0], ii[..., None] + quad[:, 1]], -1)
        self._corners = self._corners.reshape(-1, 4, 2)
        ramp = landscape_ramp(THEME.name, 64)
        level = z[self._corners[..., 0], self._corners[..., 1]].mean(1) / (float(z.max()) or 1.0)
        self._base = ramp[(np.clip(0.25 + 0.75 * level, 0, 1) * 63).astype(int)]
        self._key: tuple[float, ...] | None = None
        self.add_updater(lambda m: m.redraw())
        self.redraw()

    def _shaded(self, points: np.ndarray) -> np.ndarray:
        """Patch colours lit by a light from the upper left (world coordinates)."""
        corners = points[self._corners[..., 0], self._corners[..., 1]]
        normal = np.cross(corners[:, 2] - corners[:, 0], corners[:, 3] - corners[:, 1])
        normal /= np.linalg.norm(normal, axis=1, keepdims=True) + 1e-12
        normal *= np.sign(normal[:, 2:3] + 1e-12)
        light = np.array([-0.45, 0.35, 0.82])
        light /= np.linalg.norm(light)
        diffuse = np.clip(normal @ light, 0, 1)[:, None]
        return np.clip(self._base * (0.45 + 0.85 * diffuse), 0, 1)

    def redraw(self) -> None:
        """Rasterise the patches for the camera's current orientation (if it changed)."""
        from PIL import Image, ImageDraw

        cam = self.camera
        key = (
            cam.get_phi(),
            cam.get_theta(),
            cam.get_zoom(),
            self.opacity.get_value(),
            self.flatten.get_value(),
        )
        if key == self._key:
            return
        self._key = key
        alpha = self.opacity.get_value()
        cam.reset_rotation_matrix()  # what the camera does before it draws a frame
        width, height = config.pixel_width, config.pixel_height
        canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        if alpha > 0.004:
            g = self.grid
            heights = g.floor + (g.z - g.floor) * self.flatten.get_value()
            world = g.to_scene(np.column_stack([self._xy.reshape(-1, 2), heights.reshape(-1)]))
            world = world.reshape(*g.z.shape, 3)
            shown = cam.project_points(world.reshape(-1, 3)).reshape(world.shape)
            px = (shown[..., 0] / config.frame_width + 0.5) * width
            py = (0.5 - shown[..., 1] / config.frame_height) * height
            corners = self._corners
            depth = shown[..., 2][corners[..., 0], corners[..., 1]].mean(1)
            colours = (self._shaded(world) * 255).astype(int)
            draw = ImageDraw.Draw(canvas)
            a = round(255 * alpha)
            for index in np.argsort(depth):
                j, i = corners[index, :, 0], corners[index, :, 1]
                polygon = list(zip(px[j, i].tolist(), py[j, i].tolist(), strict=True))
                col = (*colours[index].tolist(), a)
                draw.polygon(polygon, fill=col, outline=col)
        self.pixel_array = np.asarray(canvas)


def floor_contours(grid: HeightGrid, levels: int = 12, width: float = 1.6) -> VGroup:
    """The surface's contour lines drawn on the floor (matplotlib's contour geometry)."""
    from matplotlib.figure import Figure

    ramp = landscape_ramp(THEME.name, 64)
    figure = Figure()
    ax = figure.add_subplot()
    values = np.linspace(float(grid.z.min()), float(grid.z.max()), levels + 2)[1:-1]
    contour_set = ax.contour(grid.xs, grid.ys, grid.z, levels=values)
    lines = VGroup()
    for index, segments in enumerate(contour_set.allsegs):
        col = ManimColor(tuple(0.45 + 0.55 * ramp[int(index / max(levels - 1, 1) * 63)]))
        for segment in segments:
            if len(segment) < 2:
                continue
            points = np.column_stack([segment, np.full(len(segment), grid.floor)])
            line = VMobject(stroke_color=col, stroke_width=width, stroke_opacity=0.7)
            line.set_points_as_corners(grid.to_scene(points))
            lines.add(line)
    return lines


def hidden_mask(
    grid: HeightGrid, project: Callable[[np.ndarray], np.ndarray], points: np.ndarray
) -> np.ndarray:
    """Which scene ``points`` ``(m, 3)`` the surface hides from the camera: ``project`` is the
    camera's ``project_points`` (frame x, y and depth; larger depth is nearer the camera).

    A depth buffer of densely sampled surface points (cells of 0.03 frame units) holds the
    nearest depth per cell; a point is hidden when the surface in its cell is nearer."""
    fine_x = np.linspace(grid.xs[0], grid.xs[-1], 260)
    fine_y = np.linspace(grid.ys[0], grid.ys[-1], 260)
    mesh = np.stack(np.meshgrid(fine_x, fine_y), -1).reshape(-1, 2)
    surface_points = project(grid.lift(mesh))
    shown = project(np.asarray(points, dtype=float))
    cell = 0.03
    lo = np.minimum(surface_points[:, :2].min(0), shown[:, :2].min(0))
    cells = np.floor((surface_points[:, :2] - lo) / cell).astype(int)
    shape = tuple(np.maximum(cells.max(0), 0) + 2)
    depth = np.full(shape, -np.inf)
    np.maximum.at(depth, (cells[:, 0], cells[:, 1]), surface_points[:, 2])
    where = np.clip(np.floor((shown[:, :2] - lo) / cell).astype(int), 0, np.array(shape) - 1)
    return depth[where[:, 0], where[:, 1]] > shown[:, 2] + 0.04
