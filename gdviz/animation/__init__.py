"""Manim building blocks for gdviz's lecture scenes (imports manim: install ``gdviz[video]``).

The modules of this package hold what the scenes share, one concern each;
:mod:`gdviz.animation.render` renders one scene (used in a subprocess by :mod:`gdviz.video`).
Nothing else in gdviz imports manim.
"""
