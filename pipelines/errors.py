"""Exception types shared across socialpulse. Messages name the source, the field and what to do."""

from __future__ import annotations


class SocialPulseError(Exception):
    """Base class for every error socialpulse raises on purpose."""


class ConfigError(SocialPulseError):
    """A configuration file is missing, malformed or has an invalid value.

    The message names the file, the key, the offending value and what is expected (or how to fix it).
    """

    def __init__(
        self, file: str, key: str, problem: str, *, value: object = None, expected: str = "", fix: str = ""
    ) -> None:
        self.file, self.key, self.problem, self.value, self.expected = file, key, problem, value, expected
        self.fix = fix
        parts = [f"{file}: {key}: {problem}"]
        if value is not None:
            parts.append(f"(got {value!r})")
        if expected:
            parts.append(f"- expected {expected}")
        if fix:
            parts.append(f"- fix: {fix}")
        super().__init__(" ".join(parts))


class InputDataError(SocialPulseError):
    """Data from an API or a file does not have the expected shape (malformed JSON, wrong CSV header...)."""


class WarehouseError(SocialPulseError):
    """A load into the DuckDB warehouse failed; the partition keeps its previous state."""
