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
    recent: bool = False  # the query matched too many records to rank: these are the newest


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

    def metadata_json(self, added_key: str = "created_at") -> dict[str, object]:
        """What a bundle's case document or a subject access export says of the file (not its
        case id); *added_key* names the time it was added."""
        return {
            "id": self.id,
            "evidence_id": self.evidence_id,
            "filename": self.filename,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            added_key: self.created_at.isoformat(),
        }
