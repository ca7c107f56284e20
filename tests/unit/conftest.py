"""Fixtures the unit tests share (the suite-wide ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from imsa_desktop.domain.rules import Rule, default_rules_folder, load_rule_files


@pytest.fixture(scope="module")
def rules() -> list[Rule]:
    """The deadline rules the app ships (resources/rules), loaded once a module."""
    return load_rule_files(default_rules_folder())
