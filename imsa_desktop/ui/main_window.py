"""The main window: set-up, unlock, workspace; lock, quick-hide and idle auto-lock.

Locking destroys the whole workspace widget tree (so no model, view or dialog keeps case
text), closes the database and wipes the key; unlocking builds a fresh workspace and returns
to the case and tab the advocate was on.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop import logsetup
from imsa_desktop.crypto.keychain import Keychain
from imsa_desktop.ui import clipboard, editing, heap, keyboard, plugins, staged
from imsa_desktop.ui.common import after_window_drawn, message_for
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.unlock_view import UnlockView

if TYPE_CHECKING:
    from imsa_desktop.ui.views.setup_view import RecoveryKeyView, SetupView
    from imsa_desktop.ui.views.welcome_view import RestoreView, WelcomeView
    from imsa_desktop.ui.views.workspace_view import WorkspaceView

DEFAULT_IDLE_MINUTES = 5
NEUTRAL_TITLE = "IMSA Desktop"
# While hidden, the title bar, task bar and window switcher say nothing about the work.
HIDDEN_TITLE = "Documents"
UNSAVED_MARK = "* "  # in front of the title while an editor holds unsaved changes
DEMO_TITLE = "IMSA Desktop — DEMO (fictional cases only)"


class _ElidedLabel(QLabel):
    """A toolbar label no wider than *max_width*: longer text ends in "…", and the whole text is
    its tooltip and accessible name (a long advocate name must not push Lock off the toolbar)."""

    def __init__(self, max_width: int) -> None:
        super().__init__()
        self._full = ""
        self._max = max_width

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._full = text
        shown = self.fontMetrics().elidedText(text.strip(), Qt.TextElideMode.ElideRight, self._max)
        super().setText(f"{shown}  " if shown else "")
        self.setToolTip(text.strip() if shown != text.strip() else "")
        self.setAccessibleName(text.strip() or "Signed in as")

    def full_text(self) -> str:
        return self._full


class _KeptToolBar(QToolBar):
    """A toolbar that is never squeezed: its smallest size is its whole size, so a narrow
    window squeezes the toolbar beside it instead (whose last actions go behind "More")."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self.sizeHint()


class NeutralView(QWidget):
    """Quick-hide: nothing about any case; a click or the shortcut brings the work back."""

    def __init__(self, on_return: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("neutral")
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        button = QPushButton("Continue")
        button.setObjectName("unhide")
        button.setFlat(True)
        button.clicked.connect(on_return)
        lay.addWidget(button, 0, Qt.AlignmentFlag.AlignCenter)
        lay.addStretch(1)


class IdleWatcher:
    """Counts time since the last key press or mouse action anywhere in the app (told by the
    app-wide ``keyboard.KeyboardPolicy`` filter: one filter for both, not two)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last_activity = clock()

    def touch(self) -> None:
        self.last_activity = self.clock()

    def idle_seconds(self) -> float:
        return self.clock() - self.last_activity


class MainWindow(QMainWindow):
    def __init__(
        self,
        session: Session,
        keychain: Keychain | None = None,
        idle_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.session = session
        self.keychain = keychain or Keychain()
        self.setWindowTitle(NEUTRAL_TITLE)
        self.resize(1280, 800)
        self.idle_minutes = DEFAULT_IDLE_MINUTES
        self._restore: tuple[str | None, int] = (None, 0)
        self._hidden_from: QWidget | None = None

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        # The first-run pages are built only when there is no vault yet (start-up stays quick).
        self.welcome_view: WelcomeView | None = None
        self.restore_view: RestoreView | None = None
        self.setup_view: SetupView | None = None
        self.recovery_view: RecoveryKeyView | None = None
        self.is_demo = False  # the open (or last opened) vault is the demo: DEMO in the title
        self.unlock_view = UnlockView(session, self.keychain)
        self.neutral_view = NeutralView(self.unhide)
        for w in (self.unlock_view, self.neutral_view):
            self.stack.addWidget(w)
        self.workspace: WorkspaceView | None = None  # built at unlock, destroyed at lock

        self.toolbar = QToolBar("Main")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.toolbar)
        self.today_action = QAction("Today", self)
        self.today_action.triggered.connect(self._go_home)
        self.new_action = QAction("New case", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.triggered.connect(lambda: self.workspace.new_case() if self.workspace else None)
        self.addAction(self.new_action)  # Ctrl+N; the button lives above the case list
        # Lock, Hide and Help are in the toolbar; their shortcuts work even while it is hidden.
        self.lock_action = self._shortcut(
            keyboard.LOCK, self.lock, "lockAction", text="Lock", tip="Lock the vault now (Ctrl+L)"
        )
        self.hide_action = self._shortcut(
            keyboard.HIDE,
            self.toggle_hide,
            "hideAction",
            text="Hide",
            tip="Hide all case data at once (Ctrl+Shift+H)",
        )
        self.toolbar.addAction(self.today_action)
        self.extra_actions: list[QAction] = []
        from PySide6.QtWidgets import QSizePolicy, QToolButton

        # The end of the feature actions (they go in before it). On a narrow window the ones
        # that do not fit go behind the toolbar's "More" button.
        self._spacer_action = self.toolbar.addSeparator()
        self._spacer_action.setVisible(False)
        more = self.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        if more is not None:  # (Qt's own button; the style's dark arrow does not show on the bar)
            from PySide6.QtGui import QIcon

            from imsa_desktop.paths import resource

            more.setIcon(QIcon(str(resource("icons", "more-white.svg"))))
            more.setAccessibleName("More actions")
            more.setToolTip("More actions")
        self._more = more
        # Opened from the keyboard, the overflow row stayed open (Qt closes it when the mouse
        # leaves) over the case header and the search box: it closes once a button in it is
        # pressed or the keyboard leaves the toolbar.
        self.toolbar.actionTriggered.connect(lambda _a: self._close_more())
        # Who is signed in, Help, Hide and Lock have a toolbar of their own that is never
        # squeezed: Lock and Hide stay on screen however narrow the window (at 1,100 px they
        # were behind a 12 px extension button).
        self.session_bar = _KeptToolBar("Session")
        self.session_bar.setObjectName("sessionToolbar")
        self.session_bar.setMovable(False)
        self.session_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.addToolBar(self.session_bar)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.session_bar.addWidget(spacer)  # (the bar takes the rest of the row: this pushes it right)
        self.who = _ElidedLabel(max_width=200)  # who is signed in (and DEMO): never pushes Lock off
        self.who.setObjectName("hint")
        self.session_bar.addWidget(self.who)
        self.help_action = self._shortcut(
            keyboard.HELP, self.show_shortcuts, "helpAction", text="Help", tip="Keyboard shortcuts (F1)"
        )
        self.session_bar.addAction(self.help_action)
        self.session_bar.addAction(self.hide_action)
        self.session_bar.addAction(self.lock_action)
        self.search_action = self._shortcut(keyboard.SEARCH, self.focus_search, "searchAction")
        self.save_action = self._shortcut(keyboard.SAVE, self.save_focused, "saveAction")
        self.close_case_action = self._shortcut(keyboard.CLOSE_CASE, self.close_case, "closeCaseAction")
        self.quit_action = self._shortcut(keyboard.QUIT, self.close, "quitAction")
        self.print_action = self._shortcut(keyboard.PRINT, self.print_current, "printAction")
        self.new_action.setToolTip(f"New case ({keyboard.NEW_CASE.keys})")

        self.unlock_view.unlocked.connect(self._unlocked)
        self.unlock_view.unlock_started.connect(self._build_workspace_soon)
        self._prebuilt: WorkspaceView | None = None
        self._building: Iterator[None] | None = None  # the pieces of the workspace still to build
        self._piece_timer = QTimer(self)
        self._piece_timer.setSingleShot(True)
        self._piece_timer.timeout.connect(self._build_next_piece)

        self._features_ready = False
        clipboard.protect_copies(lambda: self.session.is_open)

        self.idle = IdleWatcher(idle_clock)
        self.keyboard_policy = keyboard.KeyboardPolicy(
            self,
            [
                self.lock_action,
                self.hide_action,
                self.help_action,
                self.save_action,
                self.print_action,
                self.quit_action,
            ],
            on_input=self.idle.touch,
        )
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.keyboard_policy)
            if isinstance(app, QGuiApplication):
                app.applicationStateChanged.connect(self._app_state_changed)
            if isinstance(app, QApplication):
                app.focusChanged.connect(self._focus_moved)
        self.idle_timer = QTimer(self)
        self.idle_timer.setInterval(5_000)
        self.idle_timer.timeout.connect(self.check_idle)
        self.idle_timer.start()

        if session.exists():
            self._show_unlock()
        else:
            self._show_setup()
        # Warm the heavy modules once the window has been drawn (not while it is being drawn).
        after_window_drawn(250, plugins.preload)

    # ---- keyboard shortcuts -------------------------------------------------------------------
    def _shortcut(
        self,
        shortcut: keyboard.Shortcut,
        slot: Callable[[], object],
        name: str,
        *,
        text: str = "",
        tip: str = "",
    ) -> QAction:
        """An action of the whole window for *shortcut* (it works wherever the focus is); *text*
        and *tip* are its words where it is also shown, e.g. in the toolbar."""
        action = QAction(text or shortcut.what, self)
        action.setObjectName(name)
        action.setShortcut(QKeySequence(shortcut.keys))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        if tip:
            action.setToolTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def show_shortcuts(self) -> QDialog:
        dialog = keyboard.ShortcutsDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def focus_search(self) -> None:
        """Ctrl+F: the search box above the case list (or the case filter without it)."""
        if self.workspace is None or self.stack.currentWidget() is not self.workspace:
            return
        from PySide6.QtWidgets import QLineEdit

        field = self.workspace.findChild(QLineEdit, "globalSearch") or self.workspace.filter
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    def save_focused(self) -> None:
        """Ctrl+S: save the form the keyboard is in: an edit dialog's Save, else the editor
        around the focused control, else the case tab on screen."""
        from PySide6.QtWidgets import QDialogButtonBox

        active = QApplication.activeWindow()
        if isinstance(active, QDialog) and active is not self:
            dialog_editor = editing.as_editor(active)
            if dialog_editor is not None:
                dialog_editor.save()
                return
            for box in active.findChildren(QDialogButtonBox):
                button = box.button(QDialogButtonBox.StandardButton.Save)
                if button is not None and button.isVisible() and button.isEnabled():
                    button.click()
                    return
            for button in active.findChildren(QPushButton):  # e.g. "Save draft"
                if button.text().replace("&", "").startswith("Save") and button.isVisible():
                    if button.isEnabled():
                        button.click()
                    return
            return
        if self.workspace is None or self.stack.currentWidget() is not self.workspace:
            return
        editor = editing.editor_around(QApplication.focusWidget())
        if editor is None:
            view = self.workspace.case_view
            editor = editing.as_editor(view.tab_list[view.tabs.currentIndex()])
        if editor is not None:
            editor.save()

    def close_case(self) -> None:
        """Ctrl+W: back to the Today page (unsaved changes are saved or the advocate is asked)."""
        if self.workspace is None or self.workspace.case_view.case_id is None:
            return
        self.workspace.show_home()

    def print_current(self) -> None:
        """Ctrl+P: print from the preview on screen, else open the case summary's preview."""
        active = QApplication.activeWindow()
        button = active.findChild(QPushButton, "printButton") if active is not None else None
        if active is not self and button is not None and button.isEnabled():
            button.click()
            return
        if self.workspace is None or self.workspace.case_view.case_id is None:
            return
        view = self.workspace.case_view
        index = view.tab_list.index_where("print_document")  # found without building every tab
        if index < 0:
            return
        tab = view.tab_list[index]
        if tab.case_id != view.case_id:
            tab.load(view.case_id)
        from imsa_desktop.services.documents import SUMMARY

        tab.when_loaded(lambda: tab.print_document(SUMMARY))  # type: ignore[attr-defined]

    # ---- pages ----------------------------------------------------------------------------
    def _close_more(self) -> None:
        if self._more is not None and self._more.isChecked():
            self._more.click()  # (Qt's own toggle: the row folds back behind the button)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and new is not self._more and not self.toolbar.isAncestorOf(new):
            self._close_more()

    def createPopupMenu(self) -> None:  # type: ignore[override]  # noqa: N802 - Qt's name
        """No right-click menu over the toolbars: it could hide the one with Lock and Hide."""
        return None

    def _show_toolbars(self, on: bool) -> None:
        self.toolbar.setVisible(on)
        self.session_bar.setVisible(on)

    def _set_unlocked_chrome(self, on: bool) -> None:
        self._show_toolbars(on)
        for a in (
            self.today_action,
            self.new_action,
            self.hide_action,
            self.search_action,
            self.save_action,
            self.close_case_action,
            self.print_action,
            *self.extra_actions,
        ):
            a.setEnabled(on)
        self.lock_action.setEnabled(on)
        self.who.setText(f"{self.session.advocate_name}  " if on else "")

    def _show_setup(self) -> None:
        """First run: the welcome screen (create, open, restore, demo)."""
        self._set_unlocked_chrome(False)
        if self.welcome_view is None:
            from imsa_desktop.services.demo import demo_vault_path
            from imsa_desktop.ui.views.setup_view import RecoveryKeyView, SetupView
            from imsa_desktop.ui.views.welcome_view import RestoreView, WelcomeView

            self.welcome_view = WelcomeView(self.session, demo_vault_path())
            self.setup_view = SetupView(self.session, self.keychain)
            self.restore_view = RestoreView(self.session)
            self.recovery_view = RecoveryKeyView()
            for w in (self.welcome_view, self.setup_view, self.restore_view, self.recovery_view):
                self.stack.addWidget(w)
            self.welcome_view.create_requested.connect(self._show_create)
            self.welcome_view.open_requested.connect(self.open_existing)
            self.welcome_view.restore_requested.connect(self._show_restore)
            self.welcome_view.demo_requested.connect(self.open_demo)
            for page in (self.setup_view, self.restore_view):  # each makes a new vault
                page.back.connect(self._show_setup)
                page.vault_made.connect(self._show_recovery_key)
            self.recovery_view.acknowledged.connect(self._setup_finished)
        self.welcome_view.refresh()
        self.stack.setCurrentWidget(self.welcome_view)

    def _show_create(self) -> None:
        assert self.setup_view is not None
        self.stack.setCurrentWidget(self.setup_view)
        self.setup_view.name.setFocus()

    def _show_restore(self) -> None:
        assert self.restore_view is not None
        self.restore_view.refresh()
        self.stack.setCurrentWidget(self.restore_view)

    def open_existing(self, name: str) -> None:
        """Use a vault file the advocate already has (remembered for the next start)."""
        from pathlib import Path

        from imsa_desktop import bootstrap as vault_service
        from imsa_desktop.services import first_run

        path = Path(name)
        if not path.is_file() or not vault_service.vault_exists(path):
            if self.welcome_view is not None:
                self.welcome_view.banner.error(
                    "That file is not an IMSA Desktop vault (no vault was found there)."
                )
            return
        self.session.path = path
        self.is_demo = False
        first_run.remember_vault_location(path)
        self._show_unlock()

    def open_demo(self) -> None:
        """Open (or make, the first time) the demo vault in its own folder; DEMO in the title."""
        from imsa_desktop.services import demo
        from imsa_desktop.ui.workers import run_task

        path = demo.demo_vault_path()
        assert self.welcome_view is not None
        self.welcome_view.set_busy(True, "Opening the demo vault of fictional cases…")

        def done(vault) -> None:  # type: ignore[no-untyped-def]
            assert self.welcome_view is not None
            self.welcome_view.set_busy(False)
            self.welcome_view.banner.clear_message()
            self.session.path = path
            self.is_demo = True
            self.session.attach(vault)
            self._unlocked()

        def failed(exc: BaseException) -> None:
            assert self.welcome_view is not None
            self.welcome_view.set_busy(False)
            self.welcome_view.banner.error(message_for(exc))

        run_task(self, lambda: demo.open_or_create_demo_vault(path), done, failed)

    def _show_recovery_key(self, key: str) -> None:
        assert self.recovery_view is not None
        self.recovery_view.show_key(key)
        self.stack.setCurrentWidget(self.recovery_view)

    def _setup_finished(self) -> None:
        vault = self.session.vault
        if vault is not None:
            self.session.attach(vault)
        self._unlocked()

    def _show_unlock(self, notice: str = "") -> None:
        self._set_unlocked_chrome(False)
        # only "Try the demo vault" uses the known passphrase; `imsa demo` takes the user's own
        # (services.demo, with the domain model, loads only then: not on the way to the window)
        if self.is_demo:
            from imsa_desktop.services.demo import DEMO_PASSPHRASE, demo_vault_path

            if self.session.path == demo_vault_path():
                notice = (notice + " " if notice else "") + (
                    f"This is the demo vault; its passphrase is: {DEMO_PASSPHRASE}"
                )
        self.unlock_view.prepare(notice)
        self.stack.setCurrentWidget(self.unlock_view)
        self.update_title()
        after_window_drawn(400, self._build_workspace_soon)

    def _ensure_features(self) -> None:
        """Load the feature modules and their toolbar actions once, at the first unlock
        (so the unlock window appears without waiting for PDF, calendar and bundle code)."""
        for _ in self._feature_steps():
            pass

    def _feature_steps(self) -> Iterator[None]:
        """``_ensure_features`` a module, then a toolbar's worth of actions, per step."""
        if self._features_ready:
            return
        self._features_ready = True
        actions: list[QAction] = []
        try:
            yield from self._feature_parts(actions)
        except BaseException:  # tried again from the start next time, with none of it left
            self._features_ready = False
            for a in actions:
                self.toolbar.removeAction(a)
                a.deleteLater()
            raise

    def _feature_parts(self, actions: list[QAction]) -> Iterator[None]:
        yield from plugins.load_steps()  # raises FeatureMissing if the installation is incomplete
        for build_actions in plugins.ACTION_BUILDERS:
            actions += build_actions(self)
            yield
        audit = QAction("Audit log", self)
        audit.setObjectName("actionAudit")
        audit.triggered.connect(self.open_audit_log)
        settings = QAction("Settings", self)
        settings.setObjectName("actionSettings")
        settings.triggered.connect(self.open_settings)
        actions += [audit, settings]
        for a in actions:
            self.toolbar.removeAction(a)
            self.toolbar.insertAction(self._spacer_action, a)
        self.extra_actions += actions
        self._toolbar_tab_order()

    def _toolbar_tab_order(self) -> None:
        """Tab goes through the toolbar buttons as they are shown, left to right ("More
        actions" after the last feature, then Help, Hide, Lock), not in the order they were made."""
        from PySide6.QtWidgets import QToolButton

        def buttons(bar: QToolBar) -> list[QToolButton]:
            return [b for a in bar.actions() if isinstance(b := bar.widgetForAction(a), QToolButton)]

        more = self.toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        order = [*buttons(self.toolbar), *([more] if more is not None else []), *buttons(self.session_bar)]
        for b in order:
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # (as keyboard.apply_policy does at polish)
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)

    # ---- the workspace, built before it is needed ------------------------------------------
    # Building the (empty) workspace takes ~0.15 s of the GUI thread. It is built at the unlock
    # screen while the advocate types, when the cores are free (Argon2id, once Unlock is
    # pressed, takes every core), a piece per turn of the event loop so that no key typed
    # waits long. The tree holds no case data until the vault is open and it is filled.
    def _pieces_left(self) -> Iterator[None] | None:
        """The pieces still to build (None: the workspace is built, or in use)."""
        if self._building is None and self.workspace is None and self._prebuilt is None:
            self._building = self._workspace_pieces()
        return self._building

    def _build_workspace_soon(self) -> None:
        if self._pieces_left() is not None:
            self._piece_timer.start(0)

    def _build_next_piece(self) -> None:
        if self._building is None or self.workspace is not None:
            return
        if plugins.warming():  # the background imports still run: a piece would wait for them
            self._piece_timer.start(100)
            return
        try:
            done = next(self._building, StopIteration) is StopIteration
        except Exception as e:  # noqa: BLE001 - whatever it was, the unlock builds it again
            # Nothing to tell the advocate while they type: the unlock builds the workspace
            # again, at once, and says so in one sentence if it fails again (``_unlocked``).
            logsetup.log_unexpected(e)
            self._building = None
            return
        if done:
            self._building = None
        else:
            self._piece_timer.start(10)

    def _workspace_pieces(self) -> Iterator[None]:
        yield from self._feature_steps()  # (these modules are imported by then, a step each)
        from imsa_desktop.ui.views.case_view import CaseView
        from imsa_desktop.ui.views.workspace_view import WorkspaceView, make_home

        workspace = yield from staged.in_steps(lambda: WorkspaceView(self.session, self.stack, pages=False))
        workspace.hide()
        try:
            yield
            case_view = CaseView(self.session, workspace.stack, first_tab=False)
            yield
            yield from case_view.tab_list.build_in_steps(case_view.tabs.currentIndex())  # shown first
            yield
            home = yield from staged.in_steps(lambda: make_home(self.session, workspace.stack))
            yield
            workspace.add_pages(case_view, home)
            self.stack.addWidget(workspace)  # parented but not shown: no case data, not visible
            workspace.ensurePolished()  # style it now too (the costly part with a style sheet)
            yield
            yield from _paint_ahead(workspace, case_view, self.stack.size())
        except BaseException:  # a piece failed (or the build was dropped): no half workspace stays
            with contextlib.suppress(RuntimeError):  # (gone already with the window)
                self.stack.removeWidget(workspace)
                workspace.deleteLater()
            raise
        self._prebuilt = workspace
        heap.settle()  # the workspace lives until the lock: full collections need not walk it

    def prepare_workspace(self) -> None:
        """Build what is left of the (empty) workspace now."""
        for _ in self._pieces_left() or ():
            pass
        self._building = None

    def open_audit_log(self) -> None:
        from imsa_desktop.ui.dialogs.audit_dialog import open_audit_dialog

        case_id = self.workspace.case_view.case_id if self.workspace else None
        open_audit_dialog(self.session, self, case_id)

    def open_settings(self) -> None:
        from imsa_desktop.ui.dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.session, self)
        dialog.accepted.connect(self._apply_settings)
        dialog.open()

    def _apply_settings(self) -> None:
        from imsa_desktop.services import settings as settings_service

        try:
            s = settings_service.load_settings(self.session.uow())
        except Exception as e:
            message_for(e)
            return
        self.idle_minutes = s.idle_minutes
        clipboard.shared().seconds = s.clipboard_seconds

    def _unlocked(self) -> None:
        self.idle.touch()
        try:
            self._ensure_features()
            self._apply_settings()
            self.prepare_workspace()
        except Exception as e:  # noqa: BLE001 - no workspace: the vault must not stay open
            self._workspace_failed(e)
            return
        assert self._prebuilt is not None
        self.workspace, self._prebuilt = self._prebuilt, None
        self.workspace.case_view.unsaved_changed.connect(lambda _u: self.update_title())
        self.stack.setCurrentWidget(self.workspace)
        self._set_unlocked_chrome(True)
        self._check_demo()
        self.workspace.reload(refresh_home=False)  # show_home() below refreshes the Today page
        case_id, tab = self._restore
        if case_id:
            self.workspace.open_case(case_id, tab)
        else:
            self.workspace.show_home()
        self._restore_drafts()

    def _workspace_failed(self, exc: Exception) -> None:
        """The workspace could not be built (an incomplete installation, a bug): the vault is
        closed again and the unlock screen says so in one sentence, instead of staying up with
        the vault open behind it."""
        self._building = None
        self.session.lock()
        self._show_unlock()
        self.unlock_view.banner.error(message_for(exc))  # (logged there if it was not expected)

    # ---- unsaved changes across a lock ---------------------------------------------------
    def _keep_drafts(self) -> str:
        """Before locking: unsaved changes go into the vault as drafts (letters as letter
        drafts). Returns the lock screen's sentence, which says what happened."""
        from imsa_desktop.services import drafts as drafts_service

        kept: list[dict[str, object]] = []
        letters = 0
        for w in QApplication.topLevelWidgets():  # the letter builder keeps real drafts
            save_draft = getattr(w, "save_draft", None)
            if isinstance(w, QDialog) and w.isVisible() and callable(save_draft):
                letters += bool(save_draft())
        if self.workspace is not None:
            view = self.workspace.case_view
            for i, tab in view.tab_list.built():  # a tab never built holds no edit
                editor = editing.as_editor(tab)
                draft = getattr(tab, "draft", None)
                if editor is None or not callable(draft) or tab.case_id is None:
                    continue
                if editor.has_unsaved_changes():
                    kept.append({"case_id": tab.case_id, "tab": i, "title": tab.title, **draft()})
        if kept:
            try:
                drafts_service.keep_drafts(self.session.uow(), kept)
            except Exception as e:
                return f"Locked. Your unsaved changes could not be kept: {message_for(e)}"
        if kept or letters:
            return (
                "Locked. Your unsaved changes are kept in the vault and come back when you unlock; "
                "they are not saved until you save them."
            )
        return "Locked. Everything you saved is in the vault."

    def _restore_drafts(self) -> None:
        from imsa_desktop.services import drafts as drafts_service

        if self.workspace is None:
            return
        try:
            kept = drafts_service.take_drafts(self.session.uow())
        except Exception as e:
            self.workspace.banner.error(message_for(e))
            return
        view = self.workspace.case_view
        for d in kept:
            i, case_id = d.get("tab"), d.get("case_id")
            if not isinstance(i, int) or not 0 <= i < len(view.tab_list) or not isinstance(case_id, str):
                continue
            tab = view.tab_list[i]
            if tab.title != d.get("title"):
                continue
            if view.case_id != case_id:
                self.workspace.open_case(case_id, i)
            view.tabs.setCurrentIndex(i)
            restore = getattr(tab, "restore_draft", None)
            if callable(restore):
                restore(d)
        if kept:
            self.update_title()

    def _check_demo(self) -> None:
        """A vault filled with demo cases (also by `imsa demo`) says DEMO in the title bar."""
        from imsa_desktop.services import demo

        try:
            self.is_demo = demo.is_demo(self.session.uow())
        except Exception:
            self.is_demo = False
        if self.is_demo:
            self.who.setText(f"DEMO (fictional cases) · {self.session.advocate_name}  ")
        self.update_title()

    def _go_home(self) -> None:
        if self.workspace is not None:
            self.workspace.show_home()

    # ---- lock, hide, idle -------------------------------------------------------------------
    def close_transient_windows(self) -> None:
        """Close every dialog, preview and print dialog (they may show case data)."""
        for w in QApplication.topLevelWidgets():
            if w is self:
                continue
            if isinstance(w, QDialog | QMessageBox) or w.property("imsaTransient"):
                w.close()
                w.deleteLater()

    def lock(self) -> None:
        if not self.session.is_open and self.workspace is None:
            return
        notice = self._keep_drafts() if self.session.is_open else "Locked."
        self.close_transient_windows()
        self._close_more()
        if self.workspace is not None:
            self._restore = self.workspace.location()
            self.stack.removeWidget(self.workspace)
            self.workspace.hide()
            self.workspace.deleteLater()
            self.workspace = None
        self.session.lock()
        clipboard.shared().clear_now()
        from imsa_desktop.services import tempfiles

        tempfiles.cleanup_external_copies()
        heap.release()
        self._show_unlock(notice)

    def toggle_hide(self) -> None:
        if self.stack.currentWidget() is self.neutral_view:
            self.unhide()
            return
        if self.workspace is None:
            return
        self.close_transient_windows()
        self._hidden_from = self.stack.currentWidget()
        self.stack.setCurrentWidget(self.neutral_view)
        self._show_toolbars(False)
        self.setWindowTitle(HIDDEN_TITLE)
        self.neutral_view.setFocus()

    def unhide(self) -> None:
        if self._hidden_from is not None and self.workspace is not None:
            self.stack.setCurrentWidget(self._hidden_from)
            self._show_toolbars(True)
        self._hidden_from = None
        self.update_title()

    def update_title(self) -> None:
        """The app's name, never a case's; a leading mark while an editor holds unsaved changes."""
        if self.stack.currentWidget() is self.neutral_view:
            self.setWindowTitle(HIDDEN_TITLE)
            return
        unsaved = self.workspace is not None and bool(self.workspace.case_view.unsaved_editors())
        title = DEMO_TITLE if self.is_demo else NEUTRAL_TITLE
        self.setWindowTitle(f"{UNSAVED_MARK}{title}" if unsaved else title)

    def check_idle(self) -> None:
        if (
            self.session.is_open
            and self.idle_minutes > 0
            and self.idle.idle_seconds() >= self.idle_minutes * 60
        ):
            self.lock()

    def _app_state_changed(self, state: Qt.ApplicationState) -> None:
        # The platform tells us the session is suspended or the screen locked.
        if state == Qt.ApplicationState.ApplicationSuspended:
            self.lock()

    def closeEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.workspace is not None and self.session.is_open:
            editors = self.workspace.case_view.unsaved_editors()
            if editors and not editing.ask_to_save(self, editors, "quitting"):
                event.ignore()
                return
        self.close_transient_windows()
        if self.workspace is not None:
            self.workspace.deleteLater()
            self.workspace = None
        self.session.lock()
        from imsa_desktop.services import tempfiles

        tempfiles.cleanup_external_copies()
        super().closeEvent(event)


def _paint_ahead(workspace: QWidget, case_view: QWidget, size: QSize) -> Iterator[None]:
    """Lay out the prebuilt workspace at the window's size and paint its (empty) case view
    once into an image that is thrown away, a step each. The first case opened then finds
    its controls laid out and the glyphs of its labels drawn before: the click that opens
    it took 17-25 ms of the GUI thread instead of 21-37, and the longest gap until its
    Profile tab is painted held 27-39 ms of CPU instead of 32-51 (docs/performance.md,
    fifth round). Nothing of a case is drawn: no case is open yet."""
    workspace.resize(size)
    if (lay := workspace.layout()) is not None:
        lay.activate()
    yield
    ratio = case_view.devicePixelRatioF()  # (glyphs are drawn for the screen's scale)
    image = QImage(case_view.size() * ratio, QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(ratio)
    case_view.render(image)
