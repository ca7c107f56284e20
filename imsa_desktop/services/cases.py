"""Case use cases. Every change to a case goes through here; GUI and CLI both call these.

Each function takes a unit of work (not yet entered), opens it, does one thing, records it
in the audit log (never with case text) and commits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any, NamedTuple

from imsa_desktop.domain import case_document, validation
from imsa_desktop.domain.model import (
    Case,
    CaseStatus,
    CaseSummary,
    Clock,
    ConsentRecord,
    Decision,
    Record,
    utc_now,
)
from imsa_desktop.domain.sync import comparable
from imsa_desktop.errors import InvalidInput, NotFound
from imsa_desktop.services.ports import AbstractUnitOfWork

UowFactory = Callable[[], AbstractUnitOfWork]


def add_case(uow: AbstractUnitOfWork, doc: Any, *, clock: Clock = utc_now, today: date | None = None) -> str:
    """Add a case from a case document; returns the new case id."""
    parsed = case_document.parse(doc, today=today or clock().date())
    now = clock()
    _stamp_new([parsed.case, *parsed.case.decisions, *parsed.case.consents], now)
    _stamp_new([*parsed.events, *parsed.appointments, *parsed.evidence], now)
    with uow:
        if uow.cases.find(parsed.case.id) is not None:
            raise InvalidInput("A case with that id already exists in this vault.")
        check_unique_in_vault(uow, parsed)
        uow.cases.add(parsed.case)
        for e in parsed.events:
            uow.events.add(e)
        for a in parsed.appointments:
            uow.appointments.add(a)
        for ev in parsed.evidence:
            uow.evidence.add(ev)
        uow.audit.record("created", parsed.case.id, _counts(parsed))
        uow.commit()
    return parsed.case.id


RECORD_KINDS = ("events", "appointments", "evidence")


def check_unique_in_vault(
    uow: AbstractUnitOfWork, doc: case_document.CaseDocument, *, check_code: bool = True
) -> None:
    """Inside an open unit of work: the case code is not another case's, and no id of the
    document belongs to a record of another kind or another case (ids are unique across kinds:
    search and bundles key on them). InvalidInput names the first clash."""
    case_id = doc.case.id
    for other in uow.cases.summaries() if check_code else []:
        if other.id != case_id and other.code == doc.case.code:
            raise InvalidInput(f"code '{validation.shorten(doc.case.code)}' is already used by another case.")
    for kind in RECORD_KINDS:
        if getattr(uow, kind).find(case_id) is not None:
            raise InvalidInput("The case id is already used by another record in this vault.")
    for kind in RECORD_KINDS:
        for i, rec in enumerate(getattr(doc, kind)):
            where = f"{kind}[{i}].id '{validation.shorten(rec.id)}'"
            if rec.id == case_id or uow.cases.find(rec.id) is not None:
                raise InvalidInput(f"{where} is already used by a case in this vault.")
            for other_kind in RECORD_KINDS:
                found = getattr(uow, other_kind).find(rec.id)
                if found is not None and (other_kind != kind or found.case_id != case_id):
                    raise InvalidInput(f"{where} is already used by another record in this vault.")


def _stamp_new(records: list[Any], now: Any) -> None:
    for r in records:
        r.created_at = now
        r.updated_at = now


def _counts(doc: case_document.CaseDocument) -> str:
    return (
        f"decisions={len(doc.case.decisions)} events={len(doc.events)} "
        f"appointments={len(doc.appointments)} evidence={len(doc.evidence)}"
    )


def load_document(uow: AbstractUnitOfWork, case_id: str) -> case_document.CaseDocument:
    """Inside an entered unit of work: the whole case."""
    case = uow.cases.get(case_id)
    return case_document.CaseDocument(
        case,
        events=uow.events.for_case(case_id),
        appointments=uow.appointments.for_case(case_id),
        evidence=uow.evidence.for_case(case_id),
    )


def show_case(uow: AbstractUnitOfWork, case_id: str, *, audit: bool = True) -> dict[str, Any]:
    """The case document with ids and stamps; viewing is audited."""
    with uow:
        doc = case_document.render(load_document(uow, case_id))
        if audit:
            uow.audit.record("viewed", case_id)
            uow.commit()
    return doc


def update_case(
    uow: AbstractUnitOfWork, case_id: str, partial: Any, *, clock: Clock = utc_now, today: date | None = None
) -> None:
    """Merge a partial case document into the case (records matched by id)."""
    with uow:
        before = load_document(uow, case_id)
        current = case_document.render(before)
        merged = case_document.merge(current, partial)
        after = case_document.parse(merged, today=today or clock().date())
        now = clock()
        changed = _restamp(before, after, now)
        if after.case.id != case_id:
            raise InvalidInput("A case update cannot change the case's id.")
        check_unique_in_vault(uow, after)
        uow.cases.save(after.case)
        for repo_name in ("events", "appointments", "evidence"):
            repo = getattr(uow, repo_name)
            old_ids = {r.id for r in getattr(before, repo_name)}
            for rec in getattr(after, repo_name):
                if rec.id in old_ids:
                    repo.save(rec)
                else:
                    repo.add(rec)
        uow.audit.record("changed", case_id, f"records changed={changed}")
        uow.commit()


def _restamp(before: case_document.CaseDocument, after: case_document.CaseDocument, now: Any) -> int:
    """Give new and changed records fresh ``updated_at`` stamps; returns how many changed."""
    old: dict[str, dict[str, Any]] = {}
    for r in _all_records(before):
        old[r.id] = comparable(r)
    changed = 0
    for r in _all_records(after):
        prev = old.get(r.id)
        if prev is None:
            r.created_at = now
            r.updated_at = now
            changed += 1
        elif prev != comparable(r):
            r.updated_at = now
            changed += 1
    return changed


def _all_records(doc: case_document.CaseDocument) -> list[Record]:
    return [doc.case, *doc.case.decisions, *doc.case.consents, *doc.events, *doc.appointments, *doc.evidence]


def list_cases(
    uow: AbstractUnitOfWork, *, status: CaseStatus | None = None, text: str = ""
) -> list[CaseSummary]:
    with uow:
        rows = uow.cases.summaries()
        if text.strip():
            ids = {h.case_id for h in uow.search.search(text, limit=10_000)}
            rows = [r for r in rows if r.id in ids]
    if status is not None:
        rows = [r for r in rows if r.status is status]
    return rows


class RecentCases(NamedTuple):
    rows: list[CaseSummary]  # the most recently changed first
    total: int  # every case in the vault


def list_recent_cases(uow: AbstractUnitOfWork, limit: int) -> RecentCases:
    """The *limit* most recently changed cases and how many there are in all: what the case
    list shows first, while ``list_cases`` reads the rest (one index read, not every case)."""
    with uow:
        return RecentCases(uow.cases.summaries(limit=limit), uow.cases.count())


def load_case(uow: AbstractUnitOfWork, case_id: str) -> Case:
    """The case (without audit: for refreshing views already opened)."""
    with uow:
        return uow.cases.get(case_id)


def get_case(uow: AbstractUnitOfWork, case_id: str) -> Case:
    with uow:
        case = uow.cases.get(case_id)
        uow.audit.record("viewed", case_id)
        uow.commit()
    return case


def save_case(uow: AbstractUnitOfWork, case: Case, *, clock: Clock = utc_now) -> Case:
    """Save an edited case (profile, referral, status ...) after validating it."""
    doc = case_document.render(case_document.CaseDocument(case))
    doc.pop("events"), doc.pop("appointments"), doc.pop("evidence")
    parsed = case_document.parse(doc, today=clock().date())
    with uow:
        before = uow.cases.get(case.id)
        old = {r.id: comparable(r) for r in [before, *before.decisions, *before.consents]}
        now = clock()
        for r in [parsed.case, *parsed.case.decisions, *parsed.case.consents]:
            if r.id not in old:
                r.created_at = r.updated_at = now
            elif old[r.id] != comparable(r):
                r.updated_at = now
        check_unique_in_vault(uow, parsed)
        uow.cases.save(parsed.case)
        uow.audit.record("changed", case.id, "profile")
        uow.commit()
    return parsed.case


def new_case(uow: AbstractUnitOfWork, full_name: str, *, clock: Clock = utc_now) -> str:
    """A new case with just a name (the GUI's "New case")."""
    return add_case(uow, {"survivor": {"full_name": full_name}}, clock=clock)


def _save_changed(uow: AbstractUnitOfWork, case: Case, what: str, clock: Clock) -> None:
    """Inside an entered unit of work: stamp and store the changed case, audit ``what``, commit."""
    case.touch(clock)
    uow.cases.save(case)
    uow.audit.record("changed", case.id, what)
    uow.commit()


def upsert_decision(
    uow: AbstractUnitOfWork, case_id: str, decision: Decision, *, clock: Clock = utc_now
) -> None:
    with uow:
        case = uow.cases.get(case_id)
        now = clock()
        for i, d in enumerate(case.decisions):
            if d.id == decision.id:
                case.decisions[i] = dataclasses.replace(decision, updated_at=now)
                break
        else:
            case.decisions.append(dataclasses.replace(decision, created_at=now, updated_at=now))
        validation.check_record(decision, "decision")
        _save_changed(uow, case, f"decision {decision.kind.value}", clock)


def delete_decision(
    uow: AbstractUnitOfWork, case_id: str, decision_id: str, *, clock: Clock = utc_now
) -> None:
    with uow:
        case = uow.cases.get(case_id)
        kept = [d for d in case.decisions if d.id != decision_id]
        if len(kept) == len(case.decisions):
            raise NotFound("There is no decision with that id in this case.")
        case.decisions = kept
        _save_changed(uow, case, "decision deleted", clock)


def add_consent(
    uow: AbstractUnitOfWork, case_id: str, consent: ConsentRecord, *, clock: Clock = utc_now
) -> None:
    consent = dataclasses.replace(consent, scope=list(consent.scope))
    consent.validate()
    with uow:
        case = uow.cases.get(case_id)
        now = clock()
        case.consents.append(dataclasses.replace(consent, created_at=now, updated_at=now))
        _save_changed(uow, case, f"consent recorded: {consent.purpose.value}", clock)


def withdraw_consent(
    uow: AbstractUnitOfWork, case_id: str, consent_id: str, on: date, *, clock: Clock = utc_now
) -> None:
    """Record that the survivor withdrew a consent on ``on`` (UK GDPR Art. 7(3)); the record stays."""
    with uow:
        case = uow.cases.get(case_id)
        consent = next((c for c in case.consents if c.id == consent_id), None)
        if consent is None:
            raise NotFound("There is no consent record with that id in this case.")
        dataclasses.replace(consent, withdrawn_on=on, scope=list(consent.scope)).validate()
        consent.withdrawn_on = on
        consent.touch(clock)
        _save_changed(uow, case, f"consent withdrawn: {consent.purpose.value}", clock)


def set_status(
    uow: AbstractUnitOfWork, case_id: str, status: CaseStatus, reason: str, *, clock: Clock = utc_now
) -> None:
    with uow:
        case = uow.cases.get(case_id)
        case.set_status(status, reason, clock().date(), clock)  # closing needs a reason
        uow.cases.save(case)
        uow.audit.record("changed", case_id, f"status {status.value}")
        uow.commit()


def delete_case(uow: AbstractUnitOfWork, case_id: str) -> None:
    with uow:
        uow.cases.delete(case_id)
        uow.audit.record("deleted", case_id)
        uow.commit()
