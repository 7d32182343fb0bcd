"""The check every configuration model makes of a value that must be one of a fixed set (a platform, a metric, a
content type, a weekday), with the one message users see for it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def one_of(value: T, choices: Sequence[T], what: str) -> T:
    """`value` when it is one of `choices`, else a ValueError naming it and listing the choices (pydantic turns it
    into the field's error, with the file and key around it)."""
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(map(str, choices))}")
    return value
