"""Click parameter types for gdviz's arguments: numbers, points, torch hyperparameters, schedules.

Each type turns the text into a checked value or fails with click's one-line ``BadParameter``
(``Error: Invalid value for '--start': …``), so commands receive values, never strings.
"""

from __future__ import annotations

import math
from typing import Any

import click

__all__ = [
    "FORMATS",
    "FORMULA",
    "LANDSCAPE",
    "NONNEGATIVE",
    "NUMBER",
    "POINT",
    "POSITIVE",
    "SCHEDULE",
    "FormatList",
    "HyperParameter",
    "Number",
    "Point",
]


class Number(click.ParamType):
    """A finite float, optionally ``≥ 0`` or ``> 0``: ``1e-3``, ``0.5``."""

    name = "number"

    def __init__(self, *, nonnegative: bool = False, positive: bool = False) -> None:
        self.nonnegative = nonnegative
        self.positive = positive

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` (click calls this; a bad value fails with one line)."""
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(value)
            except (TypeError, ValueError):
                self.fail(f"'{value}' is not a number", param, ctx)
        if self.positive and not (math.isfinite(number) and number > 0):
            self.fail("must be a finite number > 0", param, ctx)
        if not math.isfinite(number) or (self.nonnegative and number < 0):
            self.fail(
                "must be a finite number ≥ 0" if self.nonnegative else "must be finite", param, ctx
            )
        return number


class Point(click.ParamType):
    """Comma-separated coordinates: ``3`` or ``-1.5,2`` (one number per variable)."""

    name = "point"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` (click calls this; a bad value fails with one line)."""
        if isinstance(value, tuple):
            return value
        try:
            point = tuple(float(part) for part in str(value).split(","))
        except ValueError:
            self.fail(
                f"'{value}' is not a list of numbers (write X or X,Y; use --start=-1.5,2 for "
                "negative numbers)",
                param,
                ctx,
            )
        if not all(math.isfinite(v) for v in point):
            self.fail("coordinates must be finite", param, ctx)
        return point


class HyperParameter(click.ParamType):
    """``KEY=VALUE``: one torch hyperparameter by its torch name (checked once the optimizer is
    known, by :func:`gdviz.optimizers.parse_hyperparameter`)."""

    name = "key=value"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` (click calls this; a bad value fails with one line)."""
        if isinstance(value, tuple):
            return value
        key, sep, text = str(value).partition("=")
        if not sep or not key.strip():
            self.fail(f"'{value}' is not KEY=VALUE", param, ctx)
        return key.strip(), text.strip()


class Schedule(click.ParamType):
    """``KIND[:k=v,...]``: a learning-rate schedule (:func:`gdviz.schedules.parse_schedule`)."""

    name = "schedule"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` (click calls this; a bad value fails with one line)."""
        from gdviz.schedules import Schedule as ScheduleValue
        from gdviz.schedules import parse_schedule

        if isinstance(value, ScheduleValue):
            return value
        try:
            return parse_schedule(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


class Formula(click.ParamType):
    """A formula in ``x`` (and ``y``), parsed safely (:func:`gdviz.landscapes.from_expression`)."""

    name = "formula"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` (click calls this; a bad value fails with one line)."""
        from gdviz.expression import ExpressionError
        from gdviz.landscapes import Landscape, from_expression

        if isinstance(value, Landscape):
            return value
        try:
            return from_expression(str(value))
        except ExpressionError as error:
            self.fail(str(error), param, ctx)


class LandscapeName(click.ParamType):
    """A built-in landscape's name (``gdviz list landscapes``)."""

    name = "landscape"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse ``value`` (click calls this; a bad value fails with one line)."""
        from gdviz.landscapes import Landscape, get_landscape

        if isinstance(value, Landscape):
            return value
        try:
            return get_landscape(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        from gdviz.landscapes import landscape_names

        return [CompletionItem(n) for n in landscape_names() if n.startswith(incomplete)]


class FormatList(click.ParamType):
    """Output formats, comma-separated, for a repeatable ``--format``: ``svg,pdf`` or ``gif``.

    Each occurrence becomes a tuple of lower-case names; :func:`formats_given` joins the
    occurrences. The command's library checks the names (with its "did you mean").
    """

    name = "formats"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Split ``value`` on commas (click calls this)."""
        if isinstance(value, tuple):
            return value
        return tuple(part.strip().lower() for part in str(value).split(",") if part.strip())


def formats_given(groups: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The formats of every ``--format`` occurrence, in order, each once."""
    return tuple(dict.fromkeys(name for group in groups for name in group))


FORMATS = FormatList()
NUMBER = Number()
NONNEGATIVE = Number(nonnegative=True)
POSITIVE = Number(positive=True)
POINT = Point()
SCHEDULE = Schedule()
FORMULA = Formula()
LANDSCAPE = LandscapeName()
