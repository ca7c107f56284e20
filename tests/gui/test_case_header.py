"""The case header (name, stage, code) keeps to one line while there is room and wraps, whole,
when there is not: a word-wrapped label on its own asked for a narrow shape, so the name and
stage wrapped on a wide window and a right-to-left name lost its first letters at the edge."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from imsa_desktop.services import cases as case_service
from tests.conftest import PASSPHRASE

# Fictional.
SURVIVOR = {"full_name": "فاطمة الزهراء", "preferred_name": "Fatima"}


def _open(make_window, qtbot, vault, vault_path: Path, width: int):  # type: ignore[no-untyped-def]
    case_id = case_service.add_case(vault.unit_of_work(), {"survivor": SURVIVOR})
    vault.close()
    window = make_window(vault_path)
    window.resize(width, 800)
    qtbot.keyClicks(window.unlock_view.passphrase, PASSPHRASE)
    qtbot.keyClick(window.unlock_view.passphrase, Qt.Key.Key_Return)
    view = window.workspace.case_view
    with qtbot.waitSignal(view.tab_loaded):
        window.workspace.open_case(case_id, tab=0)
    qtbot.waitUntil(lambda: view.title.isVisible() and view.title.width() > 0)
    return window, view


def _lines(label) -> int:  # type: ignore[no-untyped-def]
    return round(label.heightForWidth(label.width()) / label.fontMetrics().lineSpacing())


def _whole(label) -> bool:  # type: ignore[no-untyped-def]
    """Every line of the text fits in the label as laid out (nothing cut at an edge)."""
    fits_down = label.heightForWidth(label.width()) <= label.height()
    return fits_down and label.width() <= label.parentWidget().width()


def test_on_a_wide_window_name_stage_and_code_are_one_line_each(  # type: ignore[no-untyped-def]
    make_window, qtbot, vault, vault_path: Path
) -> None:
    _window, view = _open(make_window, qtbot, vault, vault_path, 1400)
    assert view.title.text() == "فاطمة الزهراء (Fatima)"
    for label in (view.title, view.badge, view.code):
        assert _lines(label) == 1, label.objectName()
        assert label.width() >= label.fontMetrics().horizontalAdvance(label.text()), label.objectName()
        assert _whole(label)


def test_on_a_narrow_window_the_header_wraps_whole_and_does_not_widen_it(  # type: ignore[no-untyped-def]
    make_window, qtbot, vault, vault_path: Path
) -> None:
    window, view = _open(make_window, qtbot, vault, vault_path, 1400)
    font = view.title.font()
    font.setPointSizeF(font.pointSizeF() * 2)  # the name at 200 %
    view.title.setFont(font)
    window.resize(900, 800)
    qtbot.waitUntil(lambda: _lines(view.title) >= 2)
    assert window.width() == 900
    for label in (view.title, view.badge, view.code):
        assert _whole(label), label.objectName()
