"""Retention review (UK GDPR storage limitation): closed cases kept past the organisation's
retention period are listed for review (erase, or record why they are still needed).

The period is the ``retention.months`` setting (services.settings). The list is shown on
request; ``review_count`` is the number the dashboard can show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from imsa_desktop.domain.deadlines import add_months
from imsa_desktop.domain.model import CaseStatus
from imsa_desktop.services.pacing import checkpoint
from imsa_desktop.services.ports import AbstractUnitOfWork
from imsa_desktop.services.settings import read_settings


@dataclass(frozen=True)
class RetentionDue:
    case_id: str
    code: str
    display_name: str
    closed_on: date
    review_due: date
    reason: str  # the closing reason the advocate recorded


def read_due(uow: AbstractUnitOfWork, today: date) -> list[RetentionDue]:
    """Inside an entered unit of work: closed cases whose review date is today or earlier."""
    months = read_settings(uow).retention_months
    out: list[RetentionDue] = []
    for summary in uow.cases.summaries(status=CaseStatus.CLOSED):
        checkpoint()  # a background read gives way here (services.pacing)
        case = uow.cases.get(summary.id)
        closed = case.closed_on or case.updated_at.date()
        due = add_months(closed, months)
        if due <= today:
            out.append(
                RetentionDue(case.id, case.code, summary.display_name, closed, due, case.status_reason)
            )
    out.sort(key=lambda r: (r.review_due, r.code))
    return out


def cases_past_retention(uow: AbstractUnitOfWork, today: date) -> list[RetentionDue]:
    with uow:
        return read_due(uow, today)


def review_count(uow: AbstractUnitOfWork, today: date) -> int:
    return len(cases_past_retention(uow, today))
