"""Value types shared by services, store and ui (plain data, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SearchHit:
    case_id: str
    record_id: str
    kind: str  # case, event, appointment, evidence, letter
    title: str  # matched words wrapped in \x02 ... \x03
    snippet: str


@dataclass(frozen=True)
class AttachmentInfo:
    """A stored file of an evidence item (its bytes live in encrypted chunks in the vault)."""

    id: str
    case_id: str
    evidence_id: str
    filename: str
    media_type: str
    size: int
    sha256: str  # hex digest of the whole file
    created_at: datetime
