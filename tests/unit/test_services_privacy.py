"""Privacy services against the in-memory unit of work: settings, retention review, audit
filters, and the order of the erasure steps."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from imsa_desktop.domain.model import CaseStatus
from imsa_desktop.errors import InvalidInput, UnknownCase
from imsa_desktop.services import audit as audit_service
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import privacy, retention
from imsa_desktop.services import settings as settings_service
from tests.conftest import FIXED_NOW, FixedClock
from tests.unit.fakes import FakeUnitOfWork

NOW = FIXED_NOW  # the shared ``clock`` fixture (tests/conftest.py) starts here


@pytest.fixture
def uow(clock: FixedClock) -> FakeUnitOfWork:
    return FakeUnitOfWork(clock=clock)


def test_settings_defaults_round_trip_and_validation(uow: FakeUnitOfWork) -> None:
    assert settings_service.load_settings(uow) == settings_service.PrivacySettings(5, 72, 30)
    settings_service.save_settings(uow, settings_service.PrivacySettings(12, 24, 45))
    assert settings_service.load_settings(uow) == settings_service.PrivacySettings(12, 24, 45)
    assert [e.action for e in uow.audit.entries()] == ["settings"]
    with pytest.raises(InvalidInput, match="auto-lock time must be between 1 and 240 minutes"):
        settings_service.save_settings(uow, settings_service.PrivacySettings(0, 24, 45))
    with pytest.raises(InvalidInput, match="retention period"):
        settings_service.save_settings(uow, settings_service.PrivacySettings(5, 0, 45))
    assert settings_service.load_settings(uow).idle_minutes == 12


def test_damaged_setting_values_fall_back_to_defaults(uow: FakeUnitOfWork) -> None:
    with uow:
        uow.settings.set(settings_service.IDLE_MINUTES_KEY, "ten")
        uow.settings.set(settings_service.RETENTION_MONTHS_KEY, -3)
        uow.commit()
    s = settings_service.load_settings(uow)
    assert (s.idle_minutes, s.retention_months) == (5, 72)


def test_add_months_clamps_to_month_end() -> None:
    assert retention.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert retention.add_months(date(2019, 3, 15), 72) == date(2025, 3, 15)


def test_closed_cases_past_retention_are_listed(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    old = case_service.add_case(uow, {"survivor": {"full_name": "Nguyễn Thị Hồng"}}, clock=clock)
    recent = case_service.add_case(uow, {"survivor": {"full_name": "Arbër Hoxha"}}, clock=clock)
    still_open = case_service.add_case(uow, {"survivor": {"full_name": "ሰላም ተስፋይ"}}, clock=clock)
    clock.now = NOW - timedelta(days=3 * 365)
    case_service.set_status(uow, old, CaseStatus.CLOSED, "Support ended", clock=clock)
    clock.now = NOW - timedelta(days=200)
    case_service.set_status(uow, recent, CaseStatus.CLOSED, "Moved abroad", clock=clock)
    clock.now = NOW
    settings_service.save_settings(uow, settings_service.PrivacySettings(5, 24, 30))

    due = retention.cases_past_retention(uow, NOW.date())
    assert [(d.case_id, d.reason) for d in due] == [(old, "Support ended")]
    assert due[0].review_due == retention.add_months(due[0].closed_on, 24)
    assert retention.review_count(uow, NOW.date()) == 1
    assert still_open not in {d.case_id for d in due}
    # Two years after the recent closure it is due too.
    assert retention.review_count(uow, NOW.date() + timedelta(days=2 * 366)) == 2


def test_audit_filters_by_case_action_and_dates(uow: FakeUnitOfWork, clock: FixedClock) -> None:
    a = case_service.add_case(uow, {"survivor": {"full_name": "Paweł Wiśniewski"}}, clock=clock)
    b = case_service.add_case(uow, {"survivor": {"full_name": "Arbër Hoxha"}}, clock=clock)
    clock.now = NOW + timedelta(days=10)
    case_service.show_case(uow, a)
    clock.now = NOW + timedelta(days=20)
    audit_service.record(uow, "printed", b, "timeline")

    f = audit_service.AuditFilter
    assert [e.action for e in audit_service.list_entries(uow, f(case_id=a))] == ["viewed", "created"]
    assert [e.case_id for e in audit_service.list_entries(uow, f(action="printed"))] == [b]
    window = f(since=date(2025, 2, 5), until=date(2025, 2, 15))
    assert [(e.action, e.case_id) for e in audit_service.list_entries(uow, window)] == [("viewed", a)]
    with pytest.raises(InvalidInput, match="start date"):
        f(since=date(2025, 3, 1), until=date(2025, 2, 1))


class FakeEraser:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.calls: list[str] = []

    def remove_case_rows(self, case_id: str) -> int:
        assert self.uow._work is not None, "rows are removed inside the unit of work"
        self.calls.append("remove")
        self.uow.cases.delete(case_id)
        self.uow._work.audit[:] = [e for e in self.uow._work.audit if e.case_id != case_id]
        return 1

    def compact(self) -> None:
        assert self.uow._work is None, "compaction runs after the commit"
        self.calls.append("compact")


def test_erase_case_removes_then_compacts_and_leaves_a_tombstone(
    uow: FakeUnitOfWork, clock: FixedClock
) -> None:
    cid = case_service.add_case(uow, {"survivor": {"full_name": "Nguyễn Thị Hồng"}}, clock=clock)
    case_service.show_case(uow, cid)
    eraser = FakeEraser(uow)
    result = privacy.erase_case(uow, cid, eraser=eraser)
    assert eraser.calls == ["remove", "compact"]
    assert result.case_id == cid and result.attachments_removed == 0
    assert case_service.list_cases(uow) == []
    assert [(e.action, e.case_id, e.detail) for e in uow.audit.entries()] == [("erased", cid, "case erased")]


def test_erase_unknown_case_does_nothing(uow: FakeUnitOfWork) -> None:
    eraser = FakeEraser(uow)
    with pytest.raises(UnknownCase):
        privacy.erase_case(uow, "nope", eraser=eraser)
    assert eraser.calls == [] and uow.audit.entries() == []


def test_subject_access_files_appear_together_or_not_at_all(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from imsa_desktop.errors import DiskFull
    from imsa_desktop.services import cases as case_service
    from imsa_desktop.services import privacy
    from tests.unit.fakes import FakeUnitOfWork

    uow = FakeUnitOfWork()
    case_id = case_service.add_case(uow, {"survivor": {"full_name": "Олена Коваленко"}})
    real_write = privacy._atomic_write
    calls: list[object] = []

    def fail_on_the_json(path, data):  # type: ignore[no-untyped-def]
        calls.append(path)
        if str(path).endswith(".json"):
            raise DiskFull("The disk is full, so the subject access files were not written.")
        real_write(path, data)

    monkeypatch.setattr(privacy, "_atomic_write", fail_on_the_json)
    with pytest.raises(DiskFull):
        privacy.subject_access_export(uow, case_id, tmp_path, clock=lambda: NOW)
    assert len(calls) == 3 and list(tmp_path.iterdir()) == []
