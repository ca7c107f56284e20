"""The typed task runner: a unit of work on the worker's own connection, the pool injected."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QWidget

from imsa_desktop.errors import Cancelled
from imsa_desktop.services import cases as case_service
from imsa_desktop.ui.common import Banner
from imsa_desktop.ui.session import Session
from imsa_desktop.ui.workers import CancelFlag, SynchronousPool, run_task


class Page(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.banner = Banner(self)


@pytest.fixture
def session(vault, vault_path, clock):  # type: ignore[no-untyped-def]
    s = Session(vault_path, clock=clock)
    s.attach(vault)
    return s


def test_a_task_gets_its_own_unit_of_work_and_its_result_comes_back(qtbot, session: Session) -> None:
    cid = case_service.new_case(session.uow(), "Besnik Krasniqi")
    page = Page()
    qtbot.addWidget(page)
    results: list[str] = []
    seen_conn: list[object] = []

    def work(uow):  # type: ignore[no-untyped-def]
        seen_conn.append(uow.conn)
        return case_service.load_case(uow, cid).survivor.full_name

    run_task(page, work, results.append, session=session, pool=SynchronousPool())
    assert results == ["Besnik Krasniqi"]
    assert seen_conn[0] is not session.uow().conn  # never the GUI thread's connection


def test_progress_reaches_the_gui_side(qtbot, session: Session) -> None:
    page = Page()
    qtbot.addWidget(page)
    reports: list[tuple[int, str]] = []

    def work(uow, report):  # type: ignore[no-untyped-def]
        report(50, "half way")
        return len(case_service.list_cases(uow))

    done: list[int] = []
    run_task(
        page,
        work,
        done.append,
        session=session,
        progress=lambda p, t: reports.append((p, t)),
        pool=SynchronousPool(),
    )
    assert reports == [(50, "half way")] and done == [0]


def test_a_cancelled_task_is_an_error_not_a_result(qtbot, session: Session) -> None:
    page = Page()
    qtbot.addWidget(page)
    flag = CancelFlag()
    errors: list[BaseException] = []
    done: list[object] = []

    def work(uow):  # type: ignore[no-untyped-def]
        flag.set()  # the advocate pressed Cancel meanwhile
        return 1

    run_task(page, work, done.append, errors.append, session=session, cancel=flag, pool=SynchronousPool())
    assert done == [] and len(errors) == 1 and isinstance(errors[0], Cancelled)


def test_a_failure_lands_in_the_banner_by_default(qtbot, session: Session) -> None:
    page = Page()
    qtbot.addWidget(page)
    run_task(
        page,
        lambda uow: case_service.load_case(uow, "no-such-case"),
        lambda _r: None,
        session=session,
        pool=SynchronousPool(),
    )
    assert page.banner.isVisibleTo(page) and page.banner.text()


def test_a_locked_vault_fails_without_starting_the_task(qtbot, session: Session) -> None:
    page = Page()
    qtbot.addWidget(page)
    session.lock()
    ran: list[object] = []
    run_task(page, lambda uow: ran.append(uow), lambda _r: None, session=session, pool=SynchronousPool())
    assert ran == [] and "locked" in page.banner.text().casefold()
