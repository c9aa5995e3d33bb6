"""Write the documentation pages that gdviz's catalogues declare, before Sphinx reads them.

* ``_generated/api/<module>.rst`` for every public module of the package (walked, so a new
  module gets its page; private modules, the CLI — documented from click — and generated code
  are left out);
* ``_generated/gallery/<figure>.md`` for every figure of :data:`gdviz.figures.FIGURES`: the
  picture (rendered now, PNG), its caption (computed from its runs), the line that makes it
  and the source of its ``make_*`` function;
* ``_generated/scenes/<scene>.md`` for every scene of :data:`gdviz.video.SCENES`: its poster
  (the closing frame, laid out by Manim's dry run) and the command that renders it; without
  Manim the page says how to get it.

Files are rewritten only when their text changes, so incremental builds stay incremental.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import pkgutil
import textwrap
import types
from pathlib import Path
from typing import Any

#: Modules left out of the API reference: the CLI has its own page, these are code generators,
#: entry points or Manim internals.
EXCLUDED = ("gdviz.cli", "gdviz.__main__", "gdviz.landscapes.compiled", "gdviz.landscapes.generate")
#: Pages that show the module's docstring and list the members explicitly.
TOP_LEVEL = {"gdviz": ("plot", "animate")}
POSTER_SIZE = (960, 540)
FIGURE_DPI = 100


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)


def public_modules() -> list[str]:
    """Every public module of gdviz, in name order (Manim's only when Manim is installed)."""
    import gdviz

    names = ["gdviz"]
    for info in pkgutil.walk_packages(gdviz.__path__, "gdviz."):
        name = info.name
        if any(part.startswith("_") for part in name.split(".")[1:]):
            continue
        if name.startswith(EXCLUDED):
            continue
        if name.startswith("gdviz.animation") and importlib.util.find_spec("manim") is None:
            continue
        names.append(name)
    return sorted(names)


def _title(text: str, mark: str = "=") -> str:
    return f"{text}\n{mark * len(text)}\n"


def write_api(root: Path) -> None:
    pages = []
    for name in public_modules():
        slug = name
        pages.append(slug)
        if name in TOP_LEVEL:
            members = "".join(f".. autofunction:: {name}.{m}\n\n" for m in TOP_LEVEL[name])
            body = f".. automodule:: {name}\n   :no-members:\n\n{members}"
        else:
            body = f".. automodule:: {name}\n"
        _write(root / "api" / f"{slug}.rst", f"{_title(f'``{name}``')}\n{body}")
    for stale in (root / "api").glob("gdviz*.rst"):  # a module that was renamed or removed
        if stale.stem not in pages:
            stale.unlink()
    toc = "".join(f"   {slug}\n" for slug in pages)
    _write(
        root / "api" / "index.rst",
        _title("API reference")
        + "\nGenerated from the docstrings (numpy style). Every module of the package, by name.\n"
        + f"\n.. toctree::\n   :maxdepth: 1\n\n{toc}",
    )


def _fence(code: str, language: str = "python") -> str:
    return f"```{language}\n{code.rstrip()}\n```\n"


def write_gallery(root: Path) -> None:
    from gdviz.figures import FIGURES, render_figures

    images = root / "gallery" / "images"
    images.mkdir(parents=True, exist_ok=True)
    render_figures(list(FIGURES), images, ("png",), "light", FIGURE_DPI)
    entries = []
    for name, spec in FIGURES.items():
        source = textwrap.dedent(inspect.getsource(spec.maker))
        module = spec.maker.__module__
        page = (
            f"# {spec.title}\n\n"
            f"![{spec.title}](images/{name}.png)\n\n"
            f"{spec.caption}\n\n"
            "Make it in Python (a matplotlib `Figure`; Jupyter shows it):\n\n"
            + _fence(
                "from gdviz.figures import make_figure\n\n"
                f'figure = make_figure("{name}")  # theme="dark" for the dark theme\n'
                f'figure.savefig("{name}.svg")'
            )
            + "\nor on the command line:\n\n"
            + _fence(f"gdviz figures {name} --format svg,png", "sh")
            + f"\nThe code that draws it, `{module}.{spec.maker.__name__}`:\n\n"
            + _fence(source)
        )
        _write(root / "gallery" / f"{name}.md", page)
        entries.append(name)
    toc = "\n".join(entries)
    _write(
        root / "gallery" / "index.md",
        "# Figure gallery\n\n"
        "Every figure of `gdviz figures`, drawn from gdviz's own runs, with the code that makes "
        "it. The captions' numbers are computed from the runs.\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n",
    )


def _poster(name: str) -> bytes | None:
    """The scene's closing frame as PNG bytes, or None without Manim."""
    from gdviz.video import video_available

    if not video_available():
        return None
    import io

    import numpy as np
    from PIL import Image

    from gdviz.animation.render import layout_scene

    width, height = POSTER_SIZE
    scene = layout_scene(name, width=width, height=height)
    scene.renderer.update_frame(scene)
    frame = np.asarray(scene.renderer.get_frame())[..., :3].astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(frame).save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def write_scenes(root: Path) -> None:
    from gdviz.video import SCENES, scenes_dir

    entries = []
    for name, info in SCENES.items():
        poster = _poster(name)
        if poster is not None:
            _write_bytes(root / "scenes" / "images" / f"{name}.png", poster)
            picture = f"![Closing frame of “{info.title}”](images/{name}.png)\n"
        else:
            picture = (
                "*The poster needs Manim: `pip install 'gdviz[video]'` "
                "(or `make setup`), then build the docs again.*\n"
            )
        options = "".join(f" [--{option} NAME]" for option in info.options)
        source = (scenes_dir() / info.file).read_text(encoding="utf-8")
        page = (
            f"# {info.title}\n\n{info.summary}\n\n{picture}\n"
            "Render it (MP4 and poster PNG into `build/videos`; `--quality low` for a quick "
            "look):\n\n"
            + _fence(f"gdviz video {name}{options} --quality high", "sh")
            + f"\nThe scene, `scenes/{info.file}` (class `{info.class_name}`):\n\n"
            + _fence(source)
        )
        _write(root / "scenes" / f"{name}.md", page)
        entries.append(name)
    toc = "\n".join(entries)
    _write(
        root / "scenes" / "index.md",
        "# Lecture scenes\n\n"
        "One page per Manim scene of `gdviz video`, with its closing frame. Every number a "
        "scene shows comes from gdviz's core.\n\n"
        f"```{{toctree}}\n:maxdepth: 1\n\n{toc}\n```\n",
    )


def generate(app: Any) -> None:
    root = Path(app.srcdir) / "_generated"
    write_api(root)
    write_gallery(root)
    write_scenes(root)


def skip_type_aliases(app: Any, what: str, name: str, obj: Any, skip: bool, options: Any) -> Any:
    """Leave out type aliases such as ``Node = tuple[Any, ...]``: Sphinx 9 takes a
    ``types.GenericAlias`` for a class and fails to format its signature."""
    if isinstance(obj, types.GenericAlias):
        return True
    return None


def setup(app: Any) -> dict[str, Any]:
    app.connect("builder-inited", generate)
    app.connect("autodoc-skip-member", skip_type_aliases)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
