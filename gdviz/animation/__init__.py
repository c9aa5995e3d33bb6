"""Manim building blocks for gdviz's lecture scenes (imports manim: install ``gdviz[video]``).

:mod:`gdviz.animation.kit` holds what the scenes share; :mod:`gdviz.animation.render` renders
one scene (used in a subprocess by :mod:`gdviz.video`). Nothing else in gdviz imports manim.
"""
