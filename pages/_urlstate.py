"""Shareable page state: typed fields <-> URL query parameters, with no streamlit inside.

A page declares its fields once; ``decode`` turns whatever a shared link carries into valid
values (falling back to defaults, with a sentence per problem), ``encode`` writes them back.
``pages/_common.py`` wires this to ``st.query_params``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

MAX_PARAM_CHARS = 2000


@dataclass(frozen=True)
class Field:
    name: str
    default: Any
    kind: type = str                      # str, int, float or bool
    low: float | None = None
    high: float | None = None
    choices: Sequence[Any] | None = None
    max_chars: int = MAX_PARAM_CHARS

    def parse(self, raw: str) -> Any:
        """The value for ``raw``; raises ValueError with a sentence for the visitor."""
        if len(raw) > self.max_chars:
            raise ValueError(f"`{self.name}` in the link is longer than {self.max_chars} characters")
        if self.kind is bool:
            if raw.lower() not in ("1", "0", "true", "false"):
                raise ValueError(f"`{self.name}` in the link must be true or false")
            return raw.lower() in ("1", "true")
        if self.kind in (int, float):
            try:
                value = self.kind(float(raw)) if self.kind is int and float(raw).is_integer() else self.kind(raw)
            except ValueError:
                raise ValueError(f"`{self.name}` in the link must be a number, not {raw[:40]!r}") from None
            if isinstance(value, float) and not math.isfinite(value):
                raise ValueError(f"`{self.name}` in the link must be a finite number")
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                raise ValueError(f"`{self.name}` in the link must be between {self.low} and {self.high}")
        else:
            value = raw
        if self.choices is not None and value not in self.choices:
            raise ValueError(f"`{self.name}` in the link must be one of: {', '.join(map(str, self.choices))}")
        return value

    def format(self, value: Any) -> str:
        """The link's text for ``value``; ``parse`` reads it back as the same value (floats keep every digit)."""
        if self.kind is bool:
            return "true" if value else "false"
        if isinstance(value, float):
            text = repr(value)                     # the shortest text that reads back exactly: 0.5, 1.171875, 1e-07
            return text.removesuffix(".0")
        return str(value)


def decode(fields: Sequence[Field], params: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Values for every field from ``params`` (defaults where absent or invalid) and the problems."""
    values, problems = {}, []
    for field in fields:
        raw = params.get(field.name)
        if raw is None:
            values[field.name] = field.default
            continue
        try:
            values[field.name] = field.parse(str(raw))
        except ValueError as error:
            values[field.name] = field.default
            problems.append(f"{error}; using {field.format(field.default)!r} instead.")
    return values, problems


def encode(fields: Sequence[Field], values: dict[str, Any]) -> dict[str, str]:
    """Only the values that differ from their defaults, so links stay short."""
    return {f.name: f.format(values[f.name]) for f in fields
            if f.name in values and values[f.name] != f.default}
