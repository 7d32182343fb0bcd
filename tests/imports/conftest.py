"""Fixtures of the file-import tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def imports_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "imports"
    folder.mkdir()
    return folder
