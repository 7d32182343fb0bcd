"""Editing a copied configuration folder and expecting `validate_configuration` to refuse it (one line, a fix)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pipelines.errors import ConfigError
from pipelines.validation import validate_configuration


def edit(folder: Path, name: str, change) -> Path:
    """Load `folder/name`, let `change(data)` edit it in place, write it back; returns the file's path."""
    path = folder / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


def refused(*fragments: str) -> str:
    """The configuration is refused with one line naming every fragment, and says how to fix it."""
    with pytest.raises(ConfigError) as info:
        validate_configuration()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "\n" not in message  # one line a person reads
    assert info.value.fix, "every refusal says how to fix it"
    return message
