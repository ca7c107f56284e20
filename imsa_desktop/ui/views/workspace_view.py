"""The unlocked workspace: case list on the left, the Today page or a case on the right."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.domain.model import CaseStatus, CaseSummary, Stage
from imsa_desktop.errors import Cancelled
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui import heap, staged
from imsa_desktop.ui.case_tab import attempt, fetch
from imsa_desktop.ui.common import Banner, heading, hint, message_for
from imsa_desktop.ui.forms import EnumCombo
from imsa_desktop.ui.models.case_list_model import CASE_ID_ROLE, CaseFilterProxy, CaseListModel
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.case_view import CaseView
from imsa_desktop.ui.workers import CancelFlag, run_task


class HomePage(QWidget):
    """Shown when no case is selected. The deadlines module replaces it with the Today dashboard."""

    open_case = Signal(str)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lay = QVBoxLayout(self)
        lay.addWidget(heading("Your cases"))
        self.summary = hint("")
        lay.addWidget(self.summary)
        lay.addStretch(1)

    def refresh(self) -> None:
        """Count the cases in a worker (every case is read: not on the GUI thread)."""
        if not self.session.is_open:
            return

        def show(rows: list[CaseSummary]) -> None:
            open_ = sum(r.status is CaseStatus.OPEN for r in rows)
            lost = sum(r.status is CaseStatus.LOST_CONTACT for r in rows)
            self.summary.setText(
                f"{open_} open, {lost} lost contact, {len(rows)} in all. Choose a case on the left."
            )

        run_task(self, case_service.list_cases, show, session=self.session, read_only=True)

    def clear(self) -> None:
        self.summary.clear()


HomeFactory = Callable[[Session], QWidget]
HOME_FACTORY: list[HomeFactory] = []  # the dashboard module registers itself here

# Widgets other modules put at the top of the sidebar, above the case list (e.g. global search).
SidebarFactory = Callable[[Session, "WorkspaceView"], QWidget]
SIDEBAR_WIDGETS: list[SidebarFactory] = []


def make_home(session: Session, parent: QWidget | None = None) -> QWidget:
    """The page shown when no case is open (the Today dashboard when its module is loaded)."""
    home = HOME_FACTORY[0](session) if HOME_FACTORY else HomePage(session)
    if parent is not None:
        home.setParent(parent)
    return home


class WorkspaceView(QWidget):
    """The case list beside the open case (or the home page).

    With ``pages=False`` the two pages are left out, for ``add_pages`` to add later:
    ``MainWindow`` builds the workspace a piece per turn of the event loop, each piece made
    inside its final parent (a widget tree moved into a styled parent is styled again)."""

    def __init__(self, session: Session, parent: QWidget | None = None, *, pages: bool = True) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("workspace")
        self._listing: CancelFlag | None = None  # the case list being read
        self._expected: int | None = None  # cases in the vault while the list holds only a page
        self._home_waits = False  # the home page is to be refreshed once the list has arrived
        self._settled = False  # the whole case list has been read once (ui.heap)

        left = QWidget()
        left.setObjectName("sidebar")
        ll = QVBoxLayout(left)
        ll.setContentsMargins(10, 10, 6, 10)
        self.stack = QStackedWidget()
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([430, 850])
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)  # empty: each part is styled as it joins (ui/staged.py)
        staged.build(self._parts(ll, pages))

    def _parts(self, ll: QVBoxLayout, pages: bool) -> Iterator[None]:
        """The sidebar: the widgets other modules put on top, the filters, the case list."""
        session = self.session
        self.sidebar_widgets = [factory(session, self) for factory in SIDEBAR_WIDGETS]
        for w in self.sidebar_widgets:
            ll.addWidget(w)
        yield
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Cases</b>"))
        top.addStretch(1)
        self.new_button = QPushButton("New case")
        self.new_button.setObjectName("newCase")
        top.addWidget(self.new_button)
        ll.addLayout(top)
        self.filter = QLineEdit()
        self.filter.setObjectName("caseFilter")
        self.filter.setPlaceholderText("Filter by name, code, nationality…")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter the case list")
        ll.addWidget(self.filter)
        combos = QHBoxLayout()
        self.status_filter = EnumCombo(CaseStatus, allow_none="Any status")
        self.status_filter.setObjectName("statusFilter")
        self.stage_filter = EnumCombo(Stage, allow_none="Any stage")
        self.stage_filter.setObjectName("stageFilter")
        self.status_filter.setAccessibleName("Show cases with status")
        self.stage_filter.setAccessibleName("Show cases at stage")
        combos.addWidget(self.status_filter)
        combos.addWidget(self.stage_filter)
        ll.addLayout(combos)
        yield

        self.model = CaseListModel(self)
        self.proxy = CaseFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setObjectName("caseList")
        self.table.setAccessibleName("Cases")
        self.table.setAccessibleDescription("Up and Down move through the cases; Enter opens one.")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(6, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed starting widths: ResizeToContents would read every row of a big caseload.
        for col, width in ((1, 80), (2, 110), (3, 90), (4, 100), (5, 120), (6, 100)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        for col in (1, 4, 5, 6):
            self.table.setColumnHidden(col, True)
        ll.addWidget(self.table, 1)
        self.count = QLabel()
        self.count.setObjectName("hint")
        ll.addWidget(self.count)
        self.banner = Banner()
        ll.addWidget(self.banner)

        self.filter.textChanged.connect(self._filters_changed)
        self.status_filter.currentIndexChanged.connect(self._filters_changed)
        self.stage_filter.currentIndexChanged.connect(self._filters_changed)
        # Arrow keys only move the highlight (no case is opened, nothing is audited as viewed);
        # Enter, a double-click or a click opens the case.
        self.table.activated.connect(self._row_activated)
        self.table.clicked.connect(self._row_activated)
        self.new_button.clicked.connect(self.new_case)
        if pages:
            self.add_pages(CaseView(session, self.stack), make_home(session, self.stack))

    def add_pages(self, case_view: CaseView, home: QWidget) -> None:
        """The open case's page and the home page (made with ``self.stack`` as their parent);
        the list is live from here on."""
        self.home = home
        self.case_view = case_view
        self.stack.addWidget(self.home)
        self.stack.addWidget(self.case_view)
        if hasattr(self.home, "open_case"):
            self.home.open_case.connect(self.open_case)
        self.session.cases_changed.connect(self.reload)
        self.case_view.tab_list[0].erased.connect(self._case_erased)  # type: ignore[attr-defined]

    # ---- list ---------------------------------------------------------------------------
    def reload(self, refresh_home: bool = True) -> None:
        """Read the case list in workers (their own connections); a newer reload drops an older
        one's answers. An empty list (just unlocked) first gets the most recently changed cases,
        one batch, from the index, and shows them; then every case is read and merged in
        without a reset, as is every later reload (the selection, current row and scroll
        position stay). The model hands the table its rows in batches."""
        if not self.session.is_open:
            return
        if self._listing is not None:
            self._listing.set()
        flag = self._listing = CancelFlag()

        if refresh_home:
            self._home_waits = True

        def failed(exc: BaseException) -> None:
            if flag is self._listing:
                self._listing = None
                if not isinstance(exc, Cancelled):
                    self.banner.error(message_for(exc))
                self._update_count()
                self._refresh_home()

        def got_all(rows: list[CaseSummary]) -> None:
            if flag is not self._listing:
                return
            self._listing = None
            self._expected = None
            self._show_rows(rows)
            self._refresh_home()
            if not self._settled:  # the first whole list after unlock is held until the lock
                self._settled = True
                heap.settle()  # (once: each freeze also keeps what was garbage then; ui.heap)

        def read_all() -> None:
            read = case_service.list_cases
            run_task(self, read, got_all, failed, session=self.session, read_only=True, cancel=flag)

        def got_page(page: case_service.RecentCases) -> None:
            if flag is not self._listing:
                return
            if len(page.rows) >= page.total:  # every case was in it
                got_all(page.rows)
                return
            self._expected = page.total
            self._show_rows(page.rows)
            read_all()

        if self.model.total():
            read_all()  # the list is on screen: read it again and merge
            return
        batch = self.model.batch
        run_task(
            self,
            lambda uow: case_service.list_recent_cases(uow, batch),
            got_page,
            failed,
            session=self.session,
            read_only=True,
            cancel=flag,
        )

    def _refresh_home(self, now: bool = False) -> None:
        """Refresh the home page (Today reads every case's deadlines in a worker: 1.4 s of
        Python at 10,000 cases) once the case list has been read, not beside it: both want the
        GIL, and the first rows of the list are what the advocate waits for after unlocking."""
        if now:
            self._home_waits = True
        if self._listing is not None or not self._home_waits:
            return
        self._home_waits = False
        if hasattr(self.home, "refresh"):
            attempt(self.banner, self.home.refresh)

    def has_every_case(self) -> bool:
        """False while only the first page of the case list is held (the rest is being read)."""
        return self._expected is None

    def _show_rows(self, rows: list[CaseSummary]) -> None:
        selection = self.table.selectionModel()
        keep = [i.data(CASE_ID_ROLE) for i in (selection.currentIndex(), *selection.selectedRows())]
        selection.blockSignals(True)
        self.model.merge(rows, keep=[k for k in keep if k])
        if self._filtering():
            self.model.fetch_all()  # a filter looks at every case
        selection.blockSignals(False)
        if self.model.canFetchMore():
            self.table.doItemsLayout()  # room left on screen: the table asks for more rows now
        opened = self.case_view.case_id
        if opened and not selection.hasSelection():  # e.g. opened from search before it arrived
            self._select(opened)
        self._update_count()

    def _filtering(self) -> bool:
        p = self.proxy
        return bool(p.text) or p.status is not None or p.stage is not None

    def _update_count(self) -> None:
        held = self.model.total()
        matching = self.proxy.rowCount() if self._filtering() else held
        if self._expected is None:
            self.count.setText(f"{matching} of {held} cases")
            return
        what = "found so far" if self._filtering() else "most recent shown"
        rest = "loading the rest…" if self._listing is not None else "the rest could not be read"
        self.count.setText(f"{matching} {what} of {self._expected} cases; {rest}")

    def _filters_changed(self) -> None:
        self.proxy.set_filters(
            status=self.status_filter.value(),
            stage=self.stage_filter.value(),
            text=self.filter.text(),
        )
        if self._filtering():
            self.model.fetch_all()  # the filter must see the cases not scrolled to yet
        self._update_count()

    def reveal_case(self, case_id: str) -> QModelIndex:
        """The case's index in the table (its row handed over first if it was not yet), or an
        invalid index when it is not in the list or filtered out."""
        row = self.model.row_of(case_id)
        if row < 0:
            return QModelIndex()
        self.model.fetch_to(row)
        return self.proxy.mapFromSource(self.model.index(row, 0))

    def _select(self, case_id: str) -> None:
        """Select the case's row; when it is not in the list (yet), no other case stays selected
        (it is selected when the list that has it arrives)."""
        idx = self.reveal_case(case_id)
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if idx.isValid():
            selection.setCurrentIndex(
                idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
        else:
            selection.clearSelection()
        selection.blockSignals(False)

    def _row_activated(self, current: QModelIndex) -> None:
        if not current.isValid():
            return
        case_id = current.sibling(current.row(), 0).data(CASE_ID_ROLE)
        # Reopen whenever the case is not what is shown (after Today, search or any other view).
        showing = case_id == self.case_view.case_id and self.stack.currentWidget() is self.case_view
        if case_id and not showing:
            self.open_case(case_id)

    def may_leave_case(self, doing: str) -> bool:
        """Before the open case goes off screen: save or ask (True when it may go)."""
        from imsa_desktop.ui import editing

        return editing.ask_to_save(self, self.case_view.unsaved_editors(), doing)

    def open_case(self, case_id: str, tab: int | None = None) -> None:
        if case_id != self.case_view.case_id and not self.may_leave_case("opening another case"):
            self._select(self.case_view.case_id or "")
            return
        self._select(case_id)
        self.case_view.load(case_id)
        if tab is not None:
            self.case_view.tabs.setCurrentIndex(tab)
        self.stack.setCurrentWidget(self.case_view)

    def open_case_tab(self, case_id: str, title: str, record_id: str | None = None) -> None:
        """Open a case on the tab called *title* (if there is one) and, when that tab can,
        select the record *record_id* in it (a search hit)."""
        self.open_case(case_id)
        tabs = self.case_view.tabs
        for i in range(tabs.count()):
            if tabs.tabText(i) == title:
                tabs.setCurrentIndex(i)
                select = getattr(self.case_view.tab_list[i], "select_record", None)
                if record_id and callable(select):
                    select(record_id)
                break

    def show_home(self) -> None:
        if not self.may_leave_case("closing this case"):
            return
        self.table.clearSelection()
        self.case_view.clear()
        self.stack.setCurrentWidget(self.home)
        self._refresh_home(now=True)

    def new_case(self) -> None:
        if not self.may_leave_case("starting a new case"):
            return
        name, ok = QInputDialog.getText(self, "New case", "Survivor's full name (as they give it):")
        if not ok or not name.strip():
            return
        case_id = fetch(
            self.banner,
            lambda: case_service.new_case(self.session.uow(), name.strip(), clock=self.session.clock),
        )
        if case_id is None:
            return
        self.reload()
        self.open_case(case_id, tab=0)
        self.case_view.focus_first_field()

    def _case_erased(self, _case_id: str) -> None:
        self.show_home()
        self.banner.info("The case was erased.")

    # ---- where the advocate was (restored after unlocking) -------------------------------
    def location(self) -> tuple[str | None, int]:
        return self.case_view.case_id, self.case_view.tabs.currentIndex()
