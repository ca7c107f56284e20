"""The Qt binding must not leak references to None.

PySide6 6.12.0 decremented None's reference count on every call of a method returning void
(QLabel.setText, QWidget.update, QApplication.processEvents ...). On Python 3.11 None is not
immortal, so the app crashed ("deallocating None") after enough ordinary GUI work; found while
benchmarking the unlock path. pyproject excludes that release; this test fails on any binding
that brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel


def test_void_calls_do_not_consume_references_to_none(qapp: QApplication) -> None:
    label = QLabel("x")
    before = sys.getrefcount(None)
    for _ in range(5000):
        label.setText("y")
        label.update()
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 100  # allow noise; the bug loses 15,000 here
