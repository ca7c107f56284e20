"""The case document (JSON) of the CLI contract: parse, validate, render and merge.

A case document is what ``imsa case add`` reads and ``imsa case show --json`` prints, and
what bundles carry. Parsing is strict about types and dates (one clear sentence for the
first problem found) and refuses keys it does not know at the levels people type by hand,
so a typo is reported instead of silently dropped.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from imsa_desktop.domain import validation
from imsa_desktop.domain.codec import from_jsonable, to_jsonable
from imsa_desktop.domain.model import (
    Appointment,
    Case,
    ConsentRecord,
    Decision,
    EvidenceItem,
    Record,
    Referral,
    Survivor,
    TimelineEvent,
)
from imsa_desktop.errors import InvalidInput

CASE_FIELDS = {f.name for f in dataclasses.fields(Case)} - {"decisions", "consents"}
TOP_LEVEL = CASE_FIELDS | {"decisions", "consents", "events", "appointments", "evidence"}
RECORD_LISTS = {
    "events": TimelineEvent,
    "appointments": Appointment,
    "evidence": EvidenceItem,
}


@dataclass
class CaseDocument:
    case: Case
    events: list[TimelineEvent] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)
    evidence: list[EvidenceItem] = field(default_factory=list)


def _check_keys(obj: Any, allowed: set[str], where: str) -> None:
    if not isinstance(obj, dict):
        raise InvalidInput(f"{where} should be an object.")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise InvalidInput(f"{where} has an unknown field '{unknown[0]}'.")


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def parse(doc: Any, *, today: date | None = None) -> CaseDocument:
    """Validate a whole case document and build the domain objects (new ids where absent)."""
    if not isinstance(doc, dict):
        raise InvalidInput("A case document must be a JSON object.")
    _check_keys(doc, TOP_LEVEL, "The case document")
    if "survivor" not in doc:
        raise InvalidInput("The case document needs a 'survivor' with at least a 'full_name'.")
    _check_keys(doc["survivor"], _fields(Survivor), "survivor")
    if "referral" in doc:
        _check_keys(doc["referral"], _fields(Referral), "referral")
    case_data = {k: v for k, v in doc.items() if k in CASE_FIELDS or k in ("decisions", "consents")}
    nested: tuple[tuple[str, type[Record]], ...] = (("decisions", Decision), ("consents", ConsentRecord))
    for key, cls in nested:
        for i, item in enumerate(case_data.get(key) or []):
            _check_keys(item, _fields(cls), f"{key}[{i}]")
    case = from_jsonable(Case, _drop_nulls_for_ids(case_data), "case")
    _validate_case(case, today)
    out = CaseDocument(case)
    for key, cls in RECORD_LISTS.items():
        items = doc.get(key)
        if items is None:
            items = []
        if not isinstance(items, list):
            raise InvalidInput(f"{key} should be a list.")
        for i, item in enumerate(items):
            _check_keys(item, _fields(cls), f"{key}[{i}]")
            rec = from_jsonable(cls, {**_drop_nulls_for_ids(item), "case_id": case.id}, f"{key}[{i}]")
            _validate_record(rec, f"{key}[{i}]")
            getattr(out, key).append(rec)
    _check_unique_ids(out)
    return out


def _drop_nulls_for_ids(d: dict[str, Any]) -> dict[str, Any]:
    """``"id": "optional"`` or null in the contract means: make one."""
    d = dict(d)
    if d.get("id") in (None, "", "optional"):
        d.pop("id", None)
    for key in ("decisions", "consents"):
        if isinstance(d.get(key), list):
            d[key] = [_drop_nulls_for_ids(x) if isinstance(x, dict) else x for x in d[key]]
    return d


def _validate_case(case: Case, today: date | None) -> None:
    if not case.survivor.full_name.strip():
        raise InvalidInput("The survivor's full name is empty.")
    dob = case.survivor.date_of_birth
    if dob is not None and today is not None and dob > today:
        raise InvalidInput("The date of birth is in the future.")
    if case.re_referral_count < 0:
        raise InvalidInput("The re-referral count cannot be negative.")
    for i, d in enumerate(case.decisions):
        if d.received_on is not None and d.date is not None and d.received_on < d.date:
            raise InvalidInput(
                f"decisions[{i}] was received ({d.received_on.isoformat()}) before the date of the "
                f"decision letter ({d.date.isoformat()})."
            )
    for i, c in enumerate(case.consents):
        c.validate(f"consents[{i}]")
    validation.check_record(case, "")


def _validate_record(rec: Record, where: str) -> None:
    validation.check_record(rec, where)
    if isinstance(rec, TimelineEvent | Appointment | EvidenceItem) and not rec.title.strip():
        raise InvalidInput(f"{where} needs a title.")
    if isinstance(rec, Appointment) and rec.end is not None and rec.end < rec.start:
        raise InvalidInput(f"{where} ends before it starts.")


def _check_unique_ids(doc: CaseDocument) -> None:
    seen: set[str] = {doc.case.id}
    for rec in [*doc.case.decisions, *doc.case.consents, *doc.events, *doc.appointments, *doc.evidence]:
        if rec.id in seen:
            raise InvalidInput("The case document uses the same id twice.")
        seen.add(rec.id)


def render(doc: CaseDocument) -> dict[str, Any]:
    """The case document with ids and stamps (``imsa case show --json``)."""
    out: dict[str, Any] = to_jsonable(doc.case)
    out["events"] = [_strip_case_id(to_jsonable(e)) for e in doc.events]
    out["appointments"] = [_strip_case_id(to_jsonable(a)) for a in doc.appointments]
    out["evidence"] = [_strip_case_id(to_jsonable(e)) for e in doc.evidence]
    return out


def _strip_case_id(d: dict[str, Any]) -> dict[str, Any]:
    d.pop("case_id", None)
    return d


def merge(current: dict[str, Any], partial: Any) -> dict[str, Any]:
    """Merge a partial document into a rendered one (``imsa case update``).

    Objects merge key by key; lists of records merge by ``id`` (a known id updates that
    record, an item without a known id is added). Nothing is deleted by an update.
    """
    if not isinstance(partial, dict):
        raise InvalidInput("A case update must be a JSON object.")
    _check_keys(partial, TOP_LEVEL, "The case update")
    for key in ("id", "created_at"):
        if key in partial and partial[key] != current.get(key):
            raise InvalidInput(f"A case update cannot change the case's {key}.")
    out = copy.deepcopy(current)
    for key, value in partial.items():
        if key in ("survivor", "referral") and isinstance(value, dict):
            _check_keys(value, _fields(Survivor if key == "survivor" else Referral), key)
            out[key] = {**(out.get(key) or {}), **value}
        elif key in ("decisions", "consents", *RECORD_LISTS):
            if not isinstance(value, list):
                raise InvalidInput(f"{key} should be a list.")
            existing = {item["id"]: item for item in out.get(key) or []}
            merged = list(out.get(key) or [])
            for i, item in enumerate(value):
                if not isinstance(item, dict):
                    raise InvalidInput(f"{key}[{i}] should be an object.")
                rid = item.get("id")
                if rid in existing:
                    idx = next(j for j, x in enumerate(merged) if x["id"] == rid)
                    merged[idx] = {**merged[idx], **item}
                else:
                    merged.append(item)
            out[key] = merged
        else:
            out[key] = value
    return out
