"""Keyboard habits for the whole app (KeePassXC's are the model), and the shortcuts sheet.

* Tab moves from control to control: never cell by cell through a table or list (arrow keys
  move inside them), and it leaves multi-line text fields (Ctrl+Tab types a tab there).
* Enter presses the focused button, in dialogs and in the main window alike.
* The shortcuts below work everywhere; the sheet (F1, or Help in the toolbar) lists them.

The policy is applied once per widget, when Qt first polishes it, so every view and dialog
any feature module builds gets it without having to remember.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True)
class Shortcut:
    keys: str  # QKeySequence text, e.g. "Ctrl+Shift+H"
    what: str  # what it does, for the sheet


SEARCH = Shortcut("Ctrl+F", "Search all cases")
SAVE = Shortcut("Ctrl+S", "Save the form you are in")
CLOSE_CASE = Shortcut("Ctrl+W", "Close the open case (asks about unsaved changes)")
QUIT = Shortcut("Ctrl+Q", "Quit (asks about unsaved changes)")
LOCK = Shortcut("Ctrl+L", "Lock the vault now")
HIDE = Shortcut("Ctrl+Shift+H", "Hide everything at once; again to come back")
NEW_CASE = Shortcut("Ctrl+N", "New case")
PRINT = Shortcut("Ctrl+P", "Print: the preview you are in, or the open case's summary")
HELP = Shortcut("F1", "This list of shortcuts")

GLOBAL_SHORTCUTS = (SEARCH, SAVE, CLOSE_CASE, QUIT, LOCK, HIDE, NEW_CASE, PRINT, HELP)

MOVING_AROUND = (
    Shortcut("Tab / Shift+Tab", "Next / previous control (leaves tables and multi-line fields)"),
    Shortcut("Up / Down", "Move inside a list, table or the search results"),
    Shortcut("Enter", "Open the highlighted case or result; press the focused button"),
    Shortcut("Space", "Tick a box; press the focused button"),
    Shortcut("Ctrl+Tab", "In a multi-line field: type a tab character"),
    Shortcut("Ctrl+Page Down / Up", "Next / previous tab of a case"),
    Shortcut("Alt + underlined letter", "The control with that letter"),
    Shortcut("Escape", "Close a dialog without saving"),
)


class KeyboardPolicy(QObject):
    """An application-wide event filter that gives every widget the habits above.

    *actions* are the window-wide shortcuts; each dialog gets them too, since Qt does not
    deliver a main window's shortcuts while a modal dialog covers it (Ctrl+L must lock, and
    Ctrl+S save, from inside a dialog). *on_input* is called for every key press and mouse
    action anywhere in the app (the idle lock's clock).

    It is the app's only application-wide filter, and it must stay cheap: every event of every
    widget (each paint, layout, timer, child added ...) passes through it into Python. Two such
    filters made building the workspace 2.1x slower than none (162 vs 76 ms); one no-op filter
    alone costs 1.4x (benchmarks, GUI stalls, in docs/performance.md)."""

    def __init__(
        self,
        parent: QObject | None = None,
        actions: Sequence[QAction] = (),
        on_input: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(parent)
        self.actions = list(actions)
        self.on_input = on_input

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in _FILTERED:
            return False
        if kind in _INPUT:
            if self.on_input is not None:
                self.on_input()
            if _held and kind in _HELD_BACK and _held_back(watched, event):
                return True
            if kind is not QEvent.Type.KeyPress:
                return False
        if isinstance(watched, QWidget) and _system_dialog(watched):
            return False
        if kind == QEvent.Type.Show and isinstance(watched, QWidget):
            from imsa_desktop.ui import a11y

            a11y.name_if_unlabelled(watched)
        elif kind == QEvent.Type.Polish and isinstance(watched, QWidget):
            apply_policy(watched)
            if isinstance(watched, QDialog) and self.actions:
                watched.addActions([a for a in self.actions if a not in watched.actions()])
        elif (
            kind == QEvent.Type.KeyPress
            and isinstance(watched, QPlainTextEdit | QTextEdit)
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Tab
            and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            and not watched.isReadOnly()
        ):
            watched.insertPlainText("\t")
            return True
        elif (
            kind == QEvent.Type.KeyPress
            and isinstance(watched, QToolButton)
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers()
        ):
            if watched.menu() is not None:
                watched.showMenu()
            else:
                watched.click()  # ("More actions" opens its list this way too)
            return True
        elif (
            kind == QEvent.Type.KeyPress
            and isinstance(watched, QDateTimeEdit)
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            # Tab leaves a date or time field (Left and Right move between its parts).
            move_focus(watched, forward=event.key() == Qt.Key.Key_Tab)
            return True
        return False


_HELD_BACK = (
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,  # (a middle-button release pastes the selection on Linux)
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.ContextMenu,  # (its Paste and Delete)
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
    QEvent.Type.DragEnter,  # (a drop zone does not light up for a drop it would not take)
    QEvent.Type.DragMove,
    QEvent.Type.Drop,
)
_INPUT = (*_HELD_BACK, QEvent.Type.MouseMove)
_FILTERED = (QEvent.Type.Polish, QEvent.Type.Show, *_INPUT)

# Pages that take no typing, clicks or drops just now (``hold_input``): a case tab while it is
# read for a case it does not show yet (its form is about to be filled: an edit typed now
# would be overwritten). Disabling the page did the same, but disabling and enabling re-styles
# every control on it (two of the costliest steps of opening a case).
_held: weakref.WeakSet[QWidget] = weakref.WeakSet()
_MOVING_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)  # focus may still move through a held page


def hold_input(page: QWidget, held: bool) -> None:
    """Hold back (or let through again) what is typed, clicked or dropped in *page* and the
    controls in it. Focus still moves (Tab); window shortcuts still work."""
    if held:
        _held.add(page)
    else:
        _held.discard(page)


def takes_input(w: QWidget) -> bool:
    """Whether typing and clicks reach *w* (it is not in a page held back)."""
    return not _in_held(w)


def _in_held(w: QWidget | None) -> bool:
    while w is not None:
        if w in _held:
            return True
        w = w.parentWidget()
    return False


def _held_back(watched: QObject, event: QEvent) -> bool:
    if not isinstance(watched, QWidget):
        return False
    if (
        isinstance(event, QKeyEvent)
        and event.key() in _MOVING_KEYS
        and not event.modifiers() & Qt.KeyboardModifier.ControlModifier  # (Ctrl+Tab types a tab)
    ):
        return False
    return _in_held(watched)


SYSTEM_DIALOGS = ("QAbstractPrintDialog", "QPageSetupDialog", "QFileDialog", "QColorDialog", "QFontDialog")


def _system_dialog(w: QWidget) -> bool:
    """Qt's own print, file, colour and font dialogs keep their built-in behaviour."""
    window = w.window()
    return any(window.inherits(name) for name in SYSTEM_DIALOGS)


def move_focus(w: QWidget, forward: bool = True) -> None:
    """Give the focus to the next (or previous) control Tab would reach from *w*."""
    step = QWidget.nextInFocusChain if forward else QWidget.previousInFocusChain
    candidate = step(w)
    while candidate is not None and candidate is not w:
        if (
            candidate.isVisible()
            and candidate.isEnabled()
            and candidate.window() is w.window()
            and candidate.focusPolicy() & Qt.FocusPolicy.TabFocus
            and candidate.focusProxy() is None
            and not (isinstance(candidate.parentWidget(), QDateTimeEdit))
        ):
            candidate.setFocus(
                Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
            )
            return
        candidate = step(candidate)


def apply_policy(w: QWidget) -> None:
    from imsa_desktop.ui import a11y

    a11y.name_if_unlabelled(w)
    if isinstance(w, QAbstractItemView):
        w.setTabKeyNavigation(False)
    elif isinstance(w, QPlainTextEdit | QTextEdit):
        w.setTabChangesFocus(True)
    elif isinstance(w, QPushButton) and not isinstance(w.window(), QDialog):
        w.setAutoDefault(True)  # Enter presses the focused button outside dialogs too
    elif isinstance(w, QToolButton) and isinstance(w.parentWidget(), QToolBar):
        # Qt makes a toolbar's buttons unreachable by Tab: Week, Share, Contacts, Statistics,
        # Settings (and "More actions") were mouse-only. Enter or Space presses them.
        w.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    elif isinstance(w, QComboBox) and not isinstance(w.itemDelegate(), QStyledItemDelegate):
        # The default pop-up delegate ignores the style sheet and drew the highlighted item
        # white on white; a styled delegate paints it as style.qss says (readable, >= 4.5:1).
        w.setItemDelegate(QStyledItemDelegate(w))


class ShortcutsDialog(QDialog):
    """Help: every keyboard shortcut, in a table a screen reader reads row by row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        lay = QVBoxLayout(self)
        intro = QLabel("Everything in IMSA Desktop can be done with the keyboard.")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        rows = [*GLOBAL_SHORTCUTS, *MOVING_AROUND]
        self.table = QTableWidget(len(rows), 2)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        for i, s in enumerate(rows):
            keys = QTableWidgetItem(s.keys)
            f = keys.font()
            f.setBold(True)
            keys.setFont(f)
            self.table.setItem(i, 0, keys)
            self.table.setItem(i, 1, QTableWidgetItem(s.what))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        lay.addWidget(buttons)
        self.resize(760, 660)

    def shortcut_rows(self) -> list[tuple[str, str]]:
        return [
            (self.table.item(r, 0).text(), self.table.item(r, 1).text()) for r in range(self.table.rowCount())
        ]
