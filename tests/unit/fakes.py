"""An in-memory unit of work for service tests (Cosmic Python's FakeUnitOfWork).

``FakeUnitOfWork`` keeps a *committed* state and, while a ``with`` block is open, a working
copy. ``commit()`` publishes the working copy; leaving the block without it (or raising)
throws the working copy away, exactly as ``store.uow.SqlUnitOfWork`` rolls back. Records are
deep-copied in and out, so a service that mutates a loaded object changes nothing until it
saves *and* commits. The search index is a small word-prefix matcher over the same text the
SQL index uses (names, nationality, titles, notes), diacritics-insensitive.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import typing
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from imsa_desktop.domain import model
from imsa_desktop.domain.codec import to_jsonable
from imsa_desktop.domain.model import AuditEntry, Case, CaseStatus, CaseSummary, Record
from imsa_desktop.domain.values import AttachmentInfo, SearchHit
from imsa_desktop.errors import AttachmentDamaged, FileTooLarge, NotFound, UnknownCase
from imsa_desktop.services.ports import STATISTICS_DROPPED, AbstractUnitOfWork

R = TypeVar("R", bound=Record)
K = TypeVar("K")
V = TypeVar("V")


def _required(table: dict[K, V], key: K, missing: Exception) -> V:
    """``table[key]``, or ``missing`` raised (the error the real store gives for an unknown key)."""
    if key not in table:
        raise missing
    return table[key]


# The case document of /work/shared/CLI_CONTRACT.md ("The case document (JSON)"), verbatim.
CONTRACT_DOCUMENT_JSON = """\
{
  "survivor": {"full_name": "Nguyễn Thị Hồng", "preferred_name": "Hồng",
               "date_of_birth": "1994-03-02", "nationality": "Vietnamese",
               "languages": ["vi"], "interpreter_needed": true},
  "jurisdiction": "england-wales",
  "referral": {"date": "2025-01-06", "first_responder": "Example Council",
               "consent_given": true},
  "decisions": [{"id": "optional", "kind": "reasonable_grounds", "outcome": "negative",
                 "date": "2025-01-20", "authority": "SCA", "reference": "NRM-..."}],
  "events": [{"date": "2024-06-01", "title": "Recruited with a false job offer",
              "kind": "exploitation", "evidence_ids": []}],
  "appointments": [{"start": "2025-02-03T10:00", "end": "2025-02-03T11:00",
                    "title": "Solicitor", "location": "...", "kind": "legal"}],
  "evidence": [{"id": "optional", "title": "GP letter", "source": "Dr ...",
                "date_obtained": "2025-01-25", "body": "text of the note",
                "indicators": ["debt_bondage"]}]
}
"""


def fold(text: str) -> str:
    """Lower case, without diacritics ("Nguyễn" -> "nguyen", "Łukasz" -> "lukasz")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    decomposed = decomposed.replace("ł", "l").replace("Ł", "L")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass
class State:
    cases: dict[str, Case] = field(default_factory=dict)
    records: dict[str, dict[str, Record]] = field(default_factory=dict)  # kind -> id -> record
    settings: dict[str, Any] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)


class FakeCaseRepository:
    def __init__(self, state: State) -> None:
        self._s = state

    def find(self, case_id: str) -> Case | None:
        return self.get(case_id) if case_id in self._s.cases else None

    def get(self, case_id: str) -> Case:
        return copy.deepcopy(_required(self._s.cases, case_id, UnknownCase()))

    def add(self, case: Case) -> None:
        if case.id in self._s.cases:
            raise ValueError("duplicate case id")  # the SQL store would hit its primary key
        self._s.cases[case.id] = copy.deepcopy(case)

    def save(self, case: Case) -> None:
        if case.id not in self._s.cases:
            raise UnknownCase()
        self._s.cases[case.id] = copy.deepcopy(case)

    def delete(self, case_id: str) -> None:
        if self._s.cases.pop(case_id, None) is None:
            raise UnknownCase()
        for recs in self._s.records.values():
            for rid in [rid for rid, r in recs.items() if getattr(r, "case_id", None) == case_id]:
                del recs[rid]

    def summaries(
        self, ids: Any = None, *, limit: int | None = None, status: CaseStatus | None = None
    ) -> list[CaseSummary]:
        wanted = None if ids is None else set(ids)
        rows = [
            CaseSummary(
                id=c.id,
                code=c.code,
                display_name=c.survivor.display_name(),
                status=c.status,
                stage=c.stage,
                jurisdiction=c.jurisdiction,
                nationality=c.survivor.nationality,
                updated_at=c.updated_at,
            )
            for c in self._s.cases.values()
            if (wanted is None or c.id in wanted) and (status is None or c.status is status)
        ]
        rows.sort(key=lambda r: (r.updated_at, r.id), reverse=True)
        return rows if limit is None else rows[: max(limit, 0)]

    def count(self) -> int:
        return len(self._s.cases)

    def ids(self) -> list[str]:
        return [c.id for c in sorted(self._s.cases.values(), key=lambda c: c.created_at)]

    def each(self, *, include_closed: bool = True) -> Iterator[Case]:
        for case_id in self.ids():
            if include_closed or self._s.cases[case_id].status is not CaseStatus.CLOSED:
                yield self.get(case_id)

    def statistics_rows(self) -> list[dict[str, Any]]:
        out = []
        for c in self._s.cases.values():
            row = to_jsonable(c)
            for key in STATISTICS_DROPPED:
                head, _, tail = key.partition(".")
                if tail:
                    row[head].pop(tail, None)
                else:
                    row.pop(head, None)
            row["nationality"] = c.survivor.nationality
            out.append(row)
        return out


class FakeRecordRepository(Generic[R]):
    def __init__(self, state: State, kind: str, sort_key: Any = lambda r: "") -> None:
        self._s = state
        self._kind = kind
        self._sort_key = sort_key

    @property
    def _recs(self) -> dict[str, Record]:
        return self._s.records.setdefault(self._kind, {})

    def find(self, record_id: str) -> R | None:
        return self.get(record_id) if record_id in self._recs else None

    def get(self, record_id: str) -> R:
        missing = NotFound(f"There is no {self._kind} with that id in this vault.")
        return typing.cast(R, copy.deepcopy(_required(self._recs, record_id, missing)))

    def for_case(self, case_id: str) -> list[R]:
        rows = [r for r in self._recs.values() if getattr(r, "case_id", None) == case_id]
        rows.sort(key=lambda r: (self._sort_key(r), r.created_at))
        return typing.cast(list[R], copy.deepcopy(rows))

    def between(self, start_key: str, end_key: str) -> list[R]:
        rows = [r for r in self._recs.values() if start_key <= self._sort_key(r) < end_key]
        rows.sort(key=self._sort_key)
        return typing.cast(list[R], copy.deepcopy(rows))

    def by_case(self) -> dict[str, list[R]]:
        out: dict[str, list[R]] = {}
        for case_id in {getattr(r, "case_id", "") for r in self._recs.values()}:
            out[case_id] = self.for_case(case_id)
        return out

    def add(self, record: R) -> None:
        if getattr(record, "case_id", None) not in self._s.cases:
            raise UnknownCase()
        if record.id in self._recs:
            raise ValueError("duplicate record id")
        self._recs[record.id] = copy.deepcopy(record)

    def save(self, record: R) -> None:
        if record.id not in self._recs:
            raise NotFound(f"There is no {self._kind} with that id in this vault.")
        self._recs[record.id] = copy.deepcopy(record)

    def delete(self, record_id: str) -> None:
        if self._recs.pop(record_id, None) is None:
            raise NotFound(f"There is no {self._kind} with that id in this vault.")


class FakeSettings:
    def __init__(self, state: State) -> None:
        self._s = state

    def get(self, key: str, default: Any = None) -> Any:
        return copy.deepcopy(self._s.settings.get(key, default))

    def set(self, key: str, value: Any) -> None:
        self._s.settings[key] = copy.deepcopy(value)

    def items(self) -> list[tuple[str, Any]]:
        return sorted(copy.deepcopy(self._s.settings).items())


class FakeAuditLog:
    def __init__(self, state: State, clock: Any, actor: str) -> None:
        self._s = state
        self._clock = clock
        self._actor = actor

    def record(self, action: str, case_id: str | None, detail: str = "") -> None:
        seq = len(self._s.audit) + 1
        self._s.audit.append(AuditEntry(seq, self._clock(), self._actor, action, case_id, detail))

    def restore(self, entry: AuditEntry) -> None:
        seq = len(self._s.audit) + 1
        self._s.audit.append(
            AuditEntry(seq, entry.at, entry.actor, entry.action, entry.case_id, entry.detail)
        )

    def entries(
        self, case_id: str | None = None, action: str | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        rows = [
            e
            for e in reversed(self._s.audit)
            if (case_id is None or e.case_id == case_id) and (action is None or e.action == action)
        ]
        return rows[:limit]


def _case_text(c: Case) -> str:
    s = c.survivor
    parts = [s.full_name, s.preferred_name, *s.aliases, c.code, s.nationality, c.referral.first_responder]
    parts += [c.referral.reference, c.notes, c.status_reason, *(d.reference for d in c.decisions)]
    return " ".join(p for p in parts if p)


def _record_text(r: Record) -> str:
    data = to_jsonable(r)
    keys = ("title", "notes", "source", "location", "body", "provided_to", "interpreter_language")
    return " ".join(str(data[k]) for k in keys if data.get(k))


class FakeSearchIndex:
    """Every query word must be a prefix of some word of the record (as the FTS index does)."""

    def __init__(self, state: State) -> None:
        self._s = state

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        wanted = re.findall(r"\w+", fold(query))
        if not wanted:
            return []
        hits: list[SearchHit] = []
        for c in self._s.cases.values():
            if _matches(_case_text(c), wanted):
                hits.append(SearchHit(c.id, c.id, "case", c.survivor.full_name, ""))
        for kind, recs in self._s.records.items():
            for r in recs.values():
                if kind != "override" and _matches(_record_text(r), wanted):
                    hits.append(SearchHit(getattr(r, "case_id", ""), r.id, kind, getattr(r, "title", ""), ""))
        return hits[:limit]


def _matches(text: str, wanted: list[str]) -> bool:
    words = re.findall(r"\w+", fold(text))
    return all(any(w.startswith(q) for w in words) for q in wanted)


class FakeAttachments:
    """In-memory attachments (store.attachments.AttachmentStore): metadata and bytes."""

    def __init__(self, clock: Any) -> None:
        self._clock = clock
        self.files: dict[str, tuple[AttachmentInfo, bytes]] = {}

    def write(
        self, case_id: str, evidence_id: str, filename: str, media_type: str, stream: Any, **options: Any
    ) -> AttachmentInfo:
        """As the store's write; of its keyword options only ``max_bytes`` matters here (no
        progress to report, nothing to cancel: the bytes are in memory at once)."""
        data = stream.read()
        max_bytes = options.get("max_bytes")
        if max_bytes is not None and len(data) > max_bytes:
            raise FileTooLarge()
        info = AttachmentInfo(
            str(uuid.uuid4()),
            case_id,
            evidence_id,
            filename,
            media_type,
            len(data),
            hashlib.sha256(data).hexdigest(),
            self._clock(),
        )
        self.files[info.id] = (info, data)
        return info

    def write_in_transaction(self, *, attachment_id: str, chunks: Any, **kw: Any) -> int:
        data = b"".join(chunks)
        if len(data) != kw["expected_size"] or hashlib.sha256(data).hexdigest() != kw["expected_sha256"]:
            raise AttachmentDamaged()
        info = AttachmentInfo(
            attachment_id,
            kw["case_id"],
            kw["evidence_id"],
            kw["filename"],
            kw["media_type"],
            len(data),
            kw["expected_sha256"],
            kw["created_at"],
        )
        self.files[attachment_id] = (info, data)
        return len(data)

    def exists(self, attachment_id: str) -> bool:
        return attachment_id in self.files

    def get(self, attachment_id: str) -> AttachmentInfo:
        return _required(self.files, attachment_id, NotFound("There is no such file in this vault."))[0]

    def open(self, attachment_id: str) -> Any:
        self.get(attachment_id)
        return io.BytesIO(self.files[attachment_id][1])

    def for_evidence(self, evidence_id: str) -> list[AttachmentInfo]:
        return [i for i, _ in self.files.values() if i.evidence_id == evidence_id]

    def for_case(self, case_id: str) -> list[AttachmentInfo]:
        return [i for i, _ in self.files.values() if i.case_id == case_id]

    def read_all_verified(self, attachment_id: str, max_bytes: int) -> bytes:
        info = self.get(attachment_id)
        if info.size > max_bytes:
            raise FileTooLarge()
        return self.files[attachment_id][1]

    def verify(self, attachment_id: str) -> bool:
        info, data = self.files[attachment_id]
        return hashlib.sha256(data).hexdigest() == info.sha256

    def extract(self, attachment_id: str, out_path: Any) -> AttachmentInfo:
        info = self.get(attachment_id)
        out_path.write_bytes(self.files[attachment_id][1])
        return info

    def discard(self, attachment_id: str) -> None:
        self.files.pop(attachment_id, None)

    def delete(self, attachment_id: str) -> None:
        self.files.pop(attachment_id, None)

    def purge(self, attachment_ids: list[str]) -> None:
        for a in attachment_ids:
            self.files.pop(a, None)


class FakeUnitOfWork(AbstractUnitOfWork):
    """In-memory unit of work. ``committed`` counts commits; ``state`` is what was committed."""

    def __init__(self, clock: Any = None, actor: str = "Test Advocate") -> None:
        self.state = State()
        self.committed = 0
        self._clock = clock or (lambda: datetime.now(UTC))
        self._actor = actor
        self._work: State | None = None
        # Files are not rolled back (as AttachmentStore.write commits on its own).
        self.attachments = FakeAttachments(self._clock)
        self._bind(self.state)  # reads outside a ``with`` see the committed state

    def _bind(self, s: State) -> None:
        self.cases = FakeCaseRepository(s)
        self.events = FakeRecordRepository[model.TimelineEvent](
            s, "event", lambda e: f"{e.date.earliest.isoformat()}|{e.date.latest.isoformat()}"
        )
        self.appointments = FakeRecordRepository[model.Appointment](
            s, "appointment", lambda a: a.start.isoformat(timespec="minutes")
        )
        self.evidence = FakeRecordRepository[model.EvidenceItem](
            s, "evidence", lambda e: e.date_obtained.isoformat() if e.date_obtained else ""
        )
        self.overrides = FakeRecordRepository[model.DeadlineOverride](s, "override")
        self.settings = FakeSettings(s)
        self.audit = FakeAuditLog(s, self._clock, self._actor)
        self.search = FakeSearchIndex(s)

    def actor(self) -> str:
        return self._actor

    def __enter__(self) -> FakeUnitOfWork:
        if self._work is not None:
            raise RuntimeError("unit of work already active")
        self._work = copy.deepcopy(self.state)
        self._bind(self._work)
        return self

    def __exit__(self, *args: object) -> None:
        self.rollback()

    def commit(self) -> None:
        if self._work is None:
            return
        self.state = self._work
        self.committed += 1
        self._work = copy.deepcopy(self.state)
        self._bind(self._work)

    def rollback(self) -> None:
        self._work = None
        self._bind(self.state)

    # ---- for assertions -----------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """The committed state as plain JSON (to compare before/after a failing call)."""
        return {
            "cases": {k: to_jsonable(v) for k, v in self.state.cases.items()},
            "records": {k: {i: to_jsonable(r) for i, r in v.items()} for k, v in self.state.records.items()},
            "settings": copy.deepcopy(self.state.settings),
            "audit": [to_jsonable(e) for e in self.state.audit],
        }


class FakeLetterPdfs:
    """In-memory ``letter_pdfs`` (store.letter_pdfs.SqlLetterPdfs): kept on the state, never replaced."""

    def __init__(self, state: State) -> None:
        self._s = state

    @property
    def _pdfs(self) -> dict[str, tuple[bytes, str]]:
        if not hasattr(self._s, "letter_pdfs"):
            self._s.letter_pdfs = {}  # type: ignore[attr-defined]
        return self._s.letter_pdfs  # type: ignore[attr-defined, no-any-return]

    def put(self, letter_id: str, pdf: bytes) -> str:
        import hashlib

        from imsa_desktop.errors import ConflictError, DocumentError

        if not pdf.startswith(b"%PDF-"):
            raise DocumentError("The letter could not be stored: the document is not a PDF.")
        if letter_id in self._pdfs:
            raise ConflictError("This letter already has its sent PDF; it cannot be replaced.")
        if letter_id not in self._s.records.get("letter", {}):
            raise NotFound("There is no letter with that id in this vault.")
        digest = hashlib.sha256(pdf).hexdigest()
        self._pdfs[letter_id] = (bytes(pdf), digest)
        return digest

    def has(self, letter_id: str) -> bool:
        return letter_id in self._pdfs

    def get(self, letter_id: str) -> bytes:
        missing = NotFound("No PDF was kept for this letter (only sent letters keep one).")
        return _required(self._pdfs, letter_id, missing)[0]

    def delete(self, letter_id: str) -> None:
        self._pdfs.pop(letter_id, None)


class LetterFakeUnitOfWork(FakeUnitOfWork):
    """``FakeUnitOfWork`` plus ``letters`` and ``letter_pdfs`` (issue 5)."""

    def _bind(self, s: State) -> None:
        from imsa_desktop.domain.letter_records import LetterRecord

        super()._bind(s)
        self.letters = FakeRecordRepository[LetterRecord](s, "letter", lambda r: r.created_at.isoformat())
        self.letter_pdfs = FakeLetterPdfs(s)
