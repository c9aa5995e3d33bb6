"""Hyperparameter specifications, shared by the optimizers and the learning-rate schedules.

Each hyperparameter is declared once, as a :class:`Hyperparameter`: its torch name, default,
kind, allowed range and a one-line description. Everything else derives from that declaration:

* validation (:meth:`Hyperparameter.check`) and parsing of CLI/TOML text
  (:meth:`Hyperparameter.parse`), with one-line messages naming the parameter and the value;
* the numpy-style "Parameters" section of the docstring of the function that uses them
  (:func:`document`), so the documentation cannot drift from the code.

The optimizers and the schedules word their messages a little differently (the CLI has always
printed them so, and the tests pin them); each catalogue passes its :class:`Wording`:
:data:`OPTIMIZER_WORDING` (``invalid eps for adam: -1.0 (must be ≥ 0)``) or
:data:`SCHEDULE_WORDING` (``invalid gamma for exponential schedule: 1.5 (must be in (0, 1])``).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np

__all__ = [
    "OPTIMIZER_WORDING",
    "REQUIRED",
    "SCHEDULE_WORDING",
    "Hyperparameter",
    "Wording",
    "document",
    "format_value",
]

Kind = Literal["float", "int", "bool", "pair"]
F = TypeVar("F", bound=Callable[..., Any])


class _Required:
    """The default of a hyperparameter that has none (it must be given)."""

    def __repr__(self) -> str:
        return "REQUIRED"


#: Marks a hyperparameter without a default.
REQUIRED: Any = _Required()


def format_value(value: Any) -> str:
    """A value as messages and descriptions write it: floats by ``repr``, tuples in parentheses."""
    if isinstance(value, tuple):
        return "(" + ", ".join(format_value(v) for v in value) + ")"
    return repr(value)


@dataclass(frozen=True)
class Wording:
    """How one catalogue words its validation messages.

    Attributes
    ----------
    suffix : str
        Appended to the owner's name: ``"invalid gamma for exponential schedule: ..."``.
    interval_bound : callable
        Formats the bounds of an interval (``repr`` → ``[0.0, 1.0]``, ``"{:g}".format`` →
        ``[0, 1]``); an open-ended range always reads ``≥ 0``, ``> 0``, ``≥ 1``.
    kind_words : bool
        Name the kind before an open-ended range: ``"a number ≥ 0"``, ``"an integer ≥ 1"``.
    as_float : bool
        Echo an invalid number converted to float (``-1`` → ``-1.0``) instead of as given, and
        reject a non-finite one with ``(must be finite)`` before the range check.
    """

    suffix: str
    interval_bound: Callable[[float], str]
    kind_words: bool
    as_float: bool


OPTIMIZER_WORDING = Wording(suffix="", interval_bound=repr, kind_words=False, as_float=True)
SCHEDULE_WORDING = Wording(
    suffix=" schedule", interval_bound="{:g}".format, kind_words=True, as_float=False
)


@dataclass(frozen=True)
class Hyperparameter:
    """One hyperparameter: torch name, default, kind, allowed range and a one-line description.

    Parameters
    ----------
    name : str
        torch's name (``"momentum"``, ``"betas"``, ``"T_max"``).
    default : Any
        The default, or :data:`REQUIRED`.
    doc : str
        What it is, one phrase for the docstring (``"Momentum factor μ"``); the range is added.
    kind : {"float", "int", "bool", "pair"}
        A number, a whole number, a flag, or a pair of numbers (torch's ``betas``).
    low, high : float
        The allowed range of a number (each number of a pair).
    low_open, high_open : bool
        Whether a bound itself is excluded.
    """

    name: str
    default: Any
    doc: str
    kind: Kind = "float"
    low: float = 0.0
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    # -- text --------------------------------------------------------------------------------

    def range_text(self, wording: Wording) -> str:
        """The allowed range as messages write it: ``≥ 0``, ``in [0.0, 1.0)``, ``a number > 0``."""
        if self.kind == "bool":
            return "True or False"
        if self.high == math.inf:
            sign = ">" if self.low_open else "≥"
            bound = f"{sign} {self.low:g}"
            if not wording.kind_words:
                return bound
            return f"{'an integer' if self.kind == 'int' else 'a number'} {bound}"
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        low, high = wording.interval_bound(self.low), wording.interval_bound(self.high)
        return f"in {left}{low}, {high}{right}"

    def doc_entry(self, wording: Wording) -> str:
        """The entry of this parameter in a numpy-style Parameters section."""
        kind = {"float": "float", "int": "int", "bool": "bool", "pair": "(float, float)"}
        head = f"{self.name} : {kind[self.kind]}"
        if self.default is not REQUIRED:
            head += f", default {format_value(self.default)}"
        if self.kind == "bool":
            return f"{head}\n    {self.doc}."
        each = "each " if self.kind == "pair" else ""
        return f"{head}\n    {self.doc} ({each}{self.range_text(wording)})."

    # -- validation --------------------------------------------------------------------------

    def check(self, owner: str, value: Any, wording: Wording = OPTIMIZER_WORDING) -> Any:
        """``value`` normalised (float, int, bool or a tuple of two floats), or ValueError.

        ``owner`` is the optimizer or schedule kind the message names.
        """
        where = owner + wording.suffix
        if self.kind == "bool":
            if not isinstance(value, bool | np.bool_):
                raise ValueError(
                    f"invalid {self.name} for {where}: {value!r} (expected True or False)"
                )
            return bool(value)
        if self.kind == "pair":
            items = list(value) if isinstance(value, tuple | list | np.ndarray) else None
            if items is None or len(items) != 2:
                raise ValueError(
                    f"invalid {self.name} for {where}: {value!r} (expected two numbers)"
                )
            return tuple(
                self._number(f"{self.name}[{i}]", where, v, wording) for i, v in enumerate(items)
            )
        return self._number(self.name, where, value, wording)

    def _number(self, key: str, where: str, value: Any, wording: Wording) -> Any:
        if isinstance(value, bool | np.bool_) or not isinstance(
            value, int | float | np.integer | np.floating
        ):
            raise ValueError(f"invalid {key} for {where}: {value!r} (expected a number)")
        number = float(value)
        shown = repr(number) if wording.as_float else repr(value)
        if wording.as_float and not math.isfinite(number):
            raise ValueError(f"invalid {key} for {where}: {shown} (must be finite)")
        inside = (
            math.isfinite(number)
            and (number > self.low if self.low_open else number >= self.low)
            and (number < self.high if self.high_open else number <= self.high)
        )
        if inside and self.kind == "int" and number != int(number):
            raise ValueError(f"invalid {key} for {where}: {shown} (must be a whole number)")
        if not inside:
            raise ValueError(
                f"invalid {key} for {where}: {shown} (must be {self.range_text(wording)})"
            )
        return int(number) if self.kind == "int" else number

    def parse(self, owner: str, text: str, wording: Wording = OPTIMIZER_WORDING) -> Any:
        """Parse ``text`` (a CLI or TOML string) into a checked value."""
        where = owner + wording.suffix
        raw = text.strip()
        if self.kind == "bool":
            lowered = raw.lower()
            if lowered in ("true", "yes", "on", "1"):
                return True
            if lowered in ("false", "no", "off", "0"):
                return False
            raise ValueError(f"invalid {self.name} for {where}: {text!r} (expected true or false)")
        if self.kind == "pair":
            inner = raw[1:-1] if len(raw) >= 2 and raw[0] in "([" and raw[-1] in ")]" else raw
            parts = [p.strip() for p in inner.split(",")]
            if len(parts) != 2 or not all(parts):
                raise ValueError(
                    f"invalid {self.name} for {where}: {text!r} "
                    "(expected two numbers, e.g. 0.9,0.999)"
                )
            pair = tuple(parse_number(self.name, where, p) for p in parts)
            return self.check(owner, pair, wording)
        return self.check(owner, parse_number(self.name, where, raw), wording)


def parse_number(key: str, where: str, text: str) -> float:
    """``float(text)``, or ValueError ``invalid KEY for WHERE: 'TEXT' (expected a number)``."""
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"invalid {key} for {where}: {text!r} (expected a number)") from None


def parameters_section(params: Iterable[Hyperparameter], wording: Wording) -> str:
    """A numpy-style Parameters section listing ``params`` (empty text when there are none)."""
    entries = [p.doc_entry(wording) for p in params]
    if not entries:
        return ""
    return "Parameters\n----------\n" + "\n".join(entries)


def _dedent(doc: str) -> str:
    """A docstring without its source indentation (that of its closing quotes' line)."""
    first, _, rest = doc.partition("\n")
    margin = rest[rest.rfind("\n") + 1 :]
    if not rest or margin.strip():
        return inspect.cleandoc(doc)
    lines = [line.removeprefix(margin) for line in rest.split("\n")]
    return "\n".join([first.strip(), *lines]).rstrip() + "\n"


def document(
    params: Iterable[Hyperparameter], wording: Wording = OPTIMIZER_WORDING
) -> Callable[[F], F]:
    """Decorator: put the Parameters section generated from ``params`` into a docstring.

    The section goes before the docstring's ``Notes`` section, or at its end.
    """
    section = parameters_section(tuple(params), wording)

    def decorate(function: F) -> F:
        text = _dedent(function.__doc__ or "")
        if section:
            head, sep, tail = text.partition("\nNotes\n-----\n")
            text = f"{head.rstrip()}\n\n{section}\n"
            if sep:
                text += f"{sep}{tail}"
        function.__doc__ = text
        return function

    return decorate
