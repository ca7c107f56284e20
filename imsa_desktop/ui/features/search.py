"""Search everything, as you type: a box at the top of the sidebar, results grouped by case.

Typing is debounced (150 ms). The search itself is services.search.search_cases (accents and
letters such as đ/ł ignored; any text the user types is safe). Matched words come back between
HL_START/HL_END marks: the rest is HTML-escaped and the marks become bold. Clicking a hit opens
its case on the right tab (and, on the Evidence tab, the right item). A failure shows a quiet
line under the box, never a dialog.

Registered in ui/plugins.py (FEATURES, ``search_box``); importing this module changes nothing.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from imsa_desktop.errors import Cancelled
from imsa_desktop.services.search import HL_END, HL_START, KIND_LABELS, CaseHits, search_cases
from imsa_desktop.ui.common import message_for
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.views.workspace_view import WorkspaceView
from imsa_desktop.ui.workers import CancelFlag, run_task

DEBOUNCE_MS = 150
HIT_ROLE = Qt.ItemDataRole.UserRole + 1  # (case_id, kind, record_id) for a hit; None for a heading
MAX_ROWS = 30  # rows of hits rendered (one more is asked for, to know the list is capped)

# The tab each kind of hit opens (by the tab's title; a missing tab leaves the case on Profile).
TAB_FOR_KIND = {
    "case": "Profile",
    "evidence": "Evidence",
    "event": "Timeline",
    "appointment": "Appointments",
    "letter": "Letters",
}

HTML_ROLE = Qt.ItemDataRole.UserRole + 2
HEADING_ROLE = Qt.ItemDataRole.UserRole + 3


class _HtmlDelegate(QStyledItemDelegate):
    """Paints each row's rich text straight from the model: no widget per row, and only the
    rows on screen are painted (a widget per row cost ~2 ms each to build and lay out). Each
    row's text is parsed once (when the list is filled, or kept from a recent search that
    showed it) and laid out again only when the width changes (``laid_out``): a repaint of
    the list parses nothing."""

    KEEP = 400  # documents kept (a list shows MAX_ROWS hits and their headings)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.width = 240
        self._docs: dict[tuple[str, bool], QTextDocument] = {}

    def document(self, body: str, heading: bool) -> QTextDocument:
        """The row's text, parsed (once)."""
        key = (body, heading)
        doc = self._docs.get(key)
        if doc is None:
            if len(self._docs) >= self.KEEP:  # the oldest half goes
                self._docs = dict(list(self._docs.items())[self.KEEP // 2 :])
            doc = self._docs[key] = QTextDocument()
            doc.setDocumentMargin(5 if heading else 4)
            doc.setIndentWidth(0)
            doc.setHtml(body if heading else f"<div style='margin-left:8px'>{body}</div>")
        return doc

    def laid_out(self, index: Any) -> QTextDocument:
        """The row's text laid out at ``width`` (the width its height is computed for)."""
        doc = self.document(str(index.data(HTML_ROLE) or ""), bool(index.data(HEADING_ROLE)))
        if doc.textWidth() != self.width:
            doc.setTextWidth(self.width)
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        if index.data(HEADING_ROLE):
            painter.fillRect(opt.rect, QColor("#f4f6f8"))
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self.laid_out(index)
        painter.save()
        painter.translate(opt.rect.topLeft())
        doc.drawContents(painter)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        return QSize(self.width, int(self.laid_out(index).size().height()) + 1)


MARK_OPEN = '<b style="background-color:#fde68a;">'
MARK_CLOSE = "</b>"

LOCAL_STYLE = """
QListWidget#searchResults { border: 1px solid #dde2e8; border-radius: 6px; background: #ffffff; }
QListWidget#searchResults::item { border-bottom: 1px solid #eef1f4; }
QListWidget#searchResults::item:selected { background: #cfe8ec; }
QLabel#searchGroup { color: #0b4f5c; font-weight: 600; padding: 6px 6px 2px 6px; background: #f4f6f8; }
QLabel#searchHit { padding: 3px 6px 4px 14px; }
QLineEdit#globalSearch { padding: 6px 8px; }
"""


def marked_html(text: str) -> str:
    """*text* with HL_START/HL_END marks as HTML: everything escaped, matches in bold."""
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch == HL_START:
            if depth == 0:
                out.append(MARK_OPEN)
            depth += 1
        elif ch == HL_END:
            if depth > 0:
                depth -= 1
                if depth == 0:
                    out.append(MARK_CLOSE)
        else:
            out.append(html.escape(ch, quote=False))
    if depth > 0:
        out.append(MARK_CLOSE)
    return "".join(out)


class GlobalSearch(QWidget):
    """The search box and its results list (hidden while the box is empty)."""

    hit_opened = Signal(str, str, str)  # case id, kind, record id
    searched = Signal(int)  # number of hits shown

    def __init__(self, session: Session, workspace: WorkspaceView | None = None) -> None:
        super().__init__()
        self.session = session
        self.workspace = workspace
        self.setObjectName("globalSearchPanel")
        self.setStyleSheet(LOCAL_STYLE)
        self.groups: list[CaseHits] = []
        self._query = ""
        self._searching: CancelFlag | None = None  # the search under way in a worker

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 6)
        lay.setSpacing(4)
        self.field = QLineEdit()
        self.field.setObjectName("globalSearch")
        self.field.setPlaceholderText("Search all cases: names, notes, evidence, timeline…")
        self.field.setClearButtonEnabled(True)
        lay.addWidget(self.field)
        self.status = QLabel()
        self.status.setObjectName("hint")
        self.status.setWordWrap(True)
        self.status.hide()
        lay.addWidget(self.status)
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.delegate = _HtmlDelegate(self.results)
        self.results.setItemDelegate(self.delegate)
        self.results.hide()
        lay.addWidget(self.results)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.run_search)
        self.field.textChanged.connect(self._typed)
        self.field.returnPressed.connect(self._open_first)
        self.results.itemClicked.connect(self._open_item)
        self.results.itemActivated.connect(self._open_item)
        self.results.setAccessibleName("Search results")
        self.field.setAccessibleName("Search all cases")
        self.field.installEventFilter(self)  # Down from the box goes into the results
        session.cases_changed.connect(self._refresh_if_shown)

    # ---- searching ------------------------------------------------------------------------
    def _typed(self, _text: str) -> None:
        """Typing on cancels the search under way (one still waiting for a thread never runs)."""
        self._cancel_search()
        self.timer.start()

    def _cancel_search(self) -> None:
        if self._searching is not None:
            self._searching.set()
            self._searching = None

    def run_search(self) -> None:
        """Search in a worker (its own connection); the newest query's answer is shown."""
        self.timer.stop()
        self._cancel_search()
        query = self._query = self.field.text()
        if not query.strip():
            self._show([], "")
            return
        if not self.session.is_open:
            return
        flag = self._searching = CancelFlag()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, Cancelled):
                self._searched(query, None, exc)

        run_task(
            self,
            lambda uow: search_cases(uow, query, MAX_ROWS + 1),
            lambda groups: self._searched(query, groups),
            failed,
            session=self.session,
            read_only=True,
            cancel=flag,
        )

    def _searched(self, query: str, groups: list[CaseHits] | None, exc: BaseException | None = None) -> None:
        if query != self._query:
            return  # a newer search is under way
        if groups is None:
            if exc is not None:
                message_for(exc)  # an unexpected error is logged (without case data)
            # Whatever was typed, the user never gets an error dialog from the search box.
            self._show([], "Search is not available just now; the case list still works.")
            return
        if not groups:
            self._show([], "No matches.")
            return
        n = sum(len(g.hits) for g in groups)  # MAX_ROWS + 1 at most, which means "more than"
        cases = len(groups)
        status = f"{n} match{'es' if n != 1 else ''} in {cases} case{'s' if cases != 1 else ''}"
        shown, kept = 0, []
        for g in groups:  # best-ranked first; a long list in a sidebar helps no one
            if shown >= MAX_ROWS:
                break
            hits = g.hits[: max(1, MAX_ROWS - shown)]
            kept.append(dataclasses.replace(g, hits=hits))
            shown += len(hits)
        if shown < n:
            # A query matching more records than the index ranks gets the newest first (recent).
            first = "the most recent" if groups[0].hits[0].recent else "the first"
            status = f"More than {shown} matches; showing {first} {shown}: add a word to narrow it down"
        self._show(kept, status)

    def _refresh_if_shown(self) -> None:
        if self.field.text().strip() and self.session.is_open:
            self.run_search()

    def _show(self, groups: list[CaseHits], status: str) -> None:
        self.results.setUpdatesEnabled(False)
        try:
            self._fill(groups, status)
        finally:
            self.results.setUpdatesEnabled(True)

    def _fill(self, groups: list[CaseHits], status: str) -> None:
        self.groups = groups
        self.results.clear()
        self.status.setText(status)
        self.status.setVisible(bool(status))
        for g in groups:
            head = QListWidgetItem()
            head.setFlags(Qt.ItemFlag.NoItemFlags)
            head.setData(HIT_ROLE, None)
            self._set_html(
                head,
                f"<div style='color:#0b4f5c;font-weight:600'>{html.escape(g.display_name)}  "
                f"<span style='color:#57606a;font-weight:400'>· {html.escape(g.code)}</span></div>",
                heading=True,
            )
            self.results.addItem(head)
            for h in g.hits:
                item = QListWidgetItem()
                item.setData(HIT_ROLE, (h.case_id, h.kind, h.record_id))
                kind = KIND_LABELS.get(h.kind, h.kind.capitalize())
                body = f"<span style='color:#57606a'>{html.escape(kind)}:</span> {marked_html(h.title)}"
                if h.snippet and h.snippet != h.title:
                    body += f"<br><span style='color:#3d444d'>{marked_html(h.snippet)}</span>"
                self._set_html(item, body)
                self.results.addItem(item)
        self.results.setVisible(bool(groups))
        self._relayout()
        self.searched.emit(sum(len(g.hits) for g in groups))

    def _set_html(self, item: QListWidgetItem, body: str, heading: bool = False) -> None:
        """The row's marked-up text; a screen reader gets it as plain text (from the document
        the row is painted from: parsed once)."""
        item.setData(HTML_ROLE, body)
        item.setData(HEADING_ROLE, heading)
        plain = self.delegate.document(body, heading).toPlainText()
        item.setData(Qt.ItemDataRole.AccessibleTextRole, plain)

    def _row_width(self) -> int:
        """The text width of a row, leaving room for the scrollbar whether or not it shows
        (heights are computed for this width, so rows never overlap when it appears)."""
        bar = self.results.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        frame = 2 * self.results.frameWidth()
        return max(self.results.width() - frame - bar - 2, 160)

    def _relayout(self) -> None:
        self.delegate.width = self._row_width()
        total = sum(self.results.sizeHintForRow(i) for i in range(self.results.count()))
        self.results.doItemsLayout()
        # As tall as the hits need, between 120 and 380 pixels; the case list keeps the rest.
        self.results.setFixedHeight(max(120, min(380, total + 4)))

    def hit_texts(self) -> list[str]:
        """The marked-up text of each row shown (headings and hits)."""
        return [str(self.results.item(i).data(HTML_ROLE)) for i in range(self.results.count())]

    # ---- keyboard -------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            if self.timer.isActive():
                self.run_search()
            for i in range(self.results.count()):
                if self.results.item(i).data(HIT_ROLE):
                    self.results.setCurrentRow(i)
                    self.results.setFocus(Qt.FocusReason.TabFocusReason)
                    return True
        return super().eventFilter(watched, event)

    # ---- opening --------------------------------------------------------------------------
    def _open_first(self) -> None:
        self.run_search()
        for i in range(self.results.count()):
            if self.results.item(i).data(HIT_ROLE):
                self._open_item(self.results.item(i))
                return

    def _open_item(self, item: QListWidgetItem) -> None:
        data = item.data(HIT_ROLE)
        if not data:
            return
        case_id, kind, record_id = data
        self.open_hit(case_id, kind, record_id)

    def open_hit(self, case_id: str, kind: str, record_id: str) -> None:
        if self.workspace is not None:
            self.workspace.open_case_tab(case_id, TAB_FOR_KIND.get(kind, "Profile"), record_id)
        self.hit_opened.emit(case_id, kind, record_id)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._relayout()

    def clear(self) -> None:
        self.timer.stop()
        self._cancel_search()
        self.field.clear()
        self._show([], "")


def search_box(session: Session, workspace: WorkspaceView) -> QWidget:
    return GlobalSearch(session, workspace)
