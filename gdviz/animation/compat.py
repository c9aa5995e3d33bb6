"""Compatibility steps between Manim and the libraries it runs on, applied explicitly.

:func:`use_pillow_canvas` is called once by :mod:`gdviz.animation.render` before a scene is
built, and by :class:`gdviz.animation.scene.GDScene` when a scene is rendered with the ``manim``
command instead; applying it twice is harmless. Nothing here runs at import time.
"""

from __future__ import annotations

import types
from typing import Any

import numpy as np

__all__ = ["use_pillow_canvas"]


def use_pillow_canvas() -> None:
    """Let Manim's Cairo camera draw ``ImageMobject`` with Pillow ≥ 13.

    Manim 0.22 pastes images onto ``Image.fromarray(np.zeros((h, w)), mode="RGBA")``, which
    Pillow 13 rejects (a 2-D float array cannot be RGBA). The camera module gets a view of
    ``PIL.Image`` whose ``fromarray`` builds that blank canvas with ``Image.new`` instead; every
    other call is passed through unchanged. Idempotent.
    """
    import manim.camera.camera as camera_module
    from PIL import Image

    if getattr(camera_module.Image, "_gdviz_shim", False):
        return

    class _PillowView(types.ModuleType):
        _gdviz_shim = True

        def __getattr__(self, name: str) -> Any:
            return getattr(Image, name)

        @staticmethod
        def fromarray(obj: Any, mode: str | None = None) -> Image.Image:
            array = np.asarray(obj)
            if mode == "RGBA" and array.ndim == 2:
                return Image.new("RGBA", (array.shape[1], array.shape[0]))
            if mode is None:
                return Image.fromarray(array)
            return Image.fromarray(array, mode=mode)

    camera_module.Image = _PillowView("PIL.Image")
