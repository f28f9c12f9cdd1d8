"""Shared test fixtures: paths to the repo's own fixtures and to ../shared/data (optional)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def fixtures() -> Path:
    """The folder of the project's own small, hand-written fixtures."""
    return FIXTURES


@pytest.fixture
def shared_data() -> Path:
    """../shared/data beside the checkout; the test is skipped when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA
