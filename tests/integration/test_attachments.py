"""Attachments against a real SQLCipher vault: round trips, damage, cancel, crash clean-up."""

from __future__ import annotations

import hashlib
import io
import os
import random
import stat
from pathlib import Path

import pytest

from imsa_desktop.errors import (
    AttachmentDamaged,
    Cancelled,
    FileTooLarge,
    InvalidInput,
    NotFound,
    StorageError,
)
from imsa_desktop.services import cases as case_service
from imsa_desktop.services import evidence as ev
from imsa_desktop.services import search as search_service
from imsa_desktop.services import tempfiles
from imsa_desktop.store import attachments as store_attachments
from imsa_desktop.store import vault as store_vault
from imsa_desktop.store.attachments import CHUNK_SIZE, AttachmentStore
from imsa_desktop.store.vault import Vault
from tests.conftest import PASSPHRASE

MiB = 1024 * 1024


def _pattern(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


@pytest.fixture
def case_ids(vault: Vault) -> tuple[str, str, str]:
    """(case id, evidence id, other case id)."""
    cid = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "Nguyễn Thị Hồng"},
            "evidence": [
                {"id": "ev-gp", "title": "GP letter", "body": "Bruising noted; referred to counselling."}
            ],
        },
    )
    other = case_service.add_case(
        vault.unit_of_work(),
        {"survivor": {"full_name": "Arbër Hoxha"}, "evidence": [{"id": "ev-other", "title": "Payslips"}]},
    )
    return cid, "ev-gp", other


def _counts(vault: Vault) -> tuple[int, int]:
    assert vault.conn is not None
    a = vault.conn.execute("SELECT count(*) FROM attachments").fetchone()[0]
    c = vault.conn.execute("SELECT count(*) FROM attachment_chunks").fetchone()[0]
    return int(a), int(c)


def _attach(
    vault: Vault, case_ids: tuple[str, str, str], tmp_path: Path, data: bytes, name: str = "scan.pdf"
):  # type: ignore[no-untyped-def]
    src = tmp_path / name
    src.write_bytes(data)
    return ev.attach_file(vault.unit_of_work(), case_ids[0], case_ids[1], src)


def test_round_trip_across_chunk_boundaries(vault: Vault, case_ids, tmp_path: Path) -> None:
    data = _pattern(2 * CHUNK_SIZE + 12345)
    progress: list[tuple[int, int]] = []
    src = tmp_path / "Hồng GP letter.pdf"
    src.write_bytes(data)
    info = ev.attach_file(
        vault.unit_of_work(), case_ids[0], "ev-gp", src, progress=lambda d, t: progress.append((d, t))
    )

    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.media_type == "application/pdf"
    assert info.filename == "Hồng GP letter.pdf"
    assert progress[-1] == (len(data), len(data))
    assert [a.id for a in ev.list_attachments(vault.unit_of_work(), case_ids[0], "ev-gp")] == [info.id]
    assert _counts(vault) == (1, 3)

    out = ev.extract_attachment(vault.unit_of_work(), case_ids[0], info.id, tmp_path / "out.pdf")
    assert out.read_bytes() == data
    # Extracting into a folder keeps the stored filename.
    folder = tmp_path / "outdir"
    folder.mkdir()
    assert ev.extract_attachment(vault.unit_of_work(), case_ids[0], info.id, folder).read_bytes() == data
    assert (folder / "Hồng GP letter.pdf").exists()


def test_audit_records_size_but_no_filename(vault: Vault, case_ids, tmp_path: Path) -> None:
    _attach(vault, case_ids, tmp_path, _pattern(3 * 1000 * 1000), name="Hoxha passport.jpg")
    with vault.unit_of_work() as uow:
        details = [e.detail for e in uow.audit.entries(case_id=case_ids[0])]
    assert "attachment added 3.0 MB" in details
    assert not any("Hoxha" in d or "passport" in d for d in details)


def test_empty_file_round_trips(vault: Vault, case_ids, tmp_path: Path) -> None:
    info = _attach(vault, case_ids, tmp_path, b"", name="empty.txt")
    assert info.size == 0
    out = ev.extract_attachment(vault.unit_of_work(), case_ids[0], info.id, tmp_path / "e.txt")
    assert out.read_bytes() == b""


def test_reader_has_read_n_semantics(vault: Vault, case_ids, tmp_path: Path) -> None:
    data = _pattern(CHUNK_SIZE + 5000, seed=3)
    info = _attach(vault, case_ids, tmp_path, data)
    store = AttachmentStore(vault.conn)  # type: ignore[arg-type]
    with store.open(info.id) as r:
        first = r.read(10)
        parts = [first]
        while block := r.read(777_777):
            assert len(block) <= 777_777
            parts.append(block)
        assert r.read(5) == b""
    assert first == data[:10]
    assert b"".join(parts) == data
    with store.open(info.id) as r:
        assert r.read() == data
    assert store.verify(info.id)


def _flip_byte(vault: Vault, attachment_id: str, seq: int, offset: int) -> None:
    assert vault.conn is not None
    (blob,) = vault.conn.execute(
        "SELECT data FROM attachment_chunks WHERE attachment_id = ? AND seq = ?", (attachment_id, seq)
    ).fetchone()
    damaged = bytearray(blob)
    damaged[offset] ^= 0x01
    vault.conn.execute(
        "UPDATE attachment_chunks SET data = ? WHERE attachment_id = ? AND seq = ?",
        (bytes(damaged), attachment_id, seq),
    )


def test_flipped_byte_is_detected_and_nothing_is_written(vault: Vault, case_ids, tmp_path: Path) -> None:
    data = _pattern(2 * CHUNK_SIZE + 99, seed=11)
    info = _attach(vault, case_ids, tmp_path, data, name="photo.png")
    _flip_byte(vault, info.id, seq=1, offset=4242)

    outdir = tmp_path / "extract"
    outdir.mkdir()
    with pytest.raises(AttachmentDamaged):
        ev.extract_attachment(vault.unit_of_work(), case_ids[0], info.id, outdir / "photo.png")
    assert list(outdir.iterdir()) == []  # no output, no leftover temp file
    with pytest.raises(AttachmentDamaged):
        ev.preview_bytes(vault.unit_of_work(), case_ids[0], info.id)
    store = AttachmentStore(vault.conn)  # type: ignore[arg-type]
    assert store.verify(info.id) is False
    with pytest.raises(AttachmentDamaged):
        tempfiles.export_for_external_open(vault.unit_of_work(), case_ids[0], info.id)
    assert list(tempfiles.external_open_dir().iterdir()) == []


def test_missing_or_extra_chunk_is_damage(vault: Vault, case_ids, tmp_path: Path) -> None:
    info = _attach(vault, case_ids, tmp_path, _pattern(2 * CHUNK_SIZE + 1), name="a.png")
    assert vault.conn is not None
    vault.conn.execute("DELETE FROM attachment_chunks WHERE attachment_id = ? AND seq = 2", (info.id,))
    with pytest.raises(AttachmentDamaged):
        ev.preview_bytes(vault.unit_of_work(), case_ids[0], info.id)

    info2 = _attach(vault, case_ids, tmp_path, _pattern(100), name="b.png")
    vault.conn.execute(
        "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, 1, ?)", (info2.id, b"extra")
    )
    with pytest.raises(AttachmentDamaged):
        ev.preview_bytes(vault.unit_of_work(), case_ids[0], info2.id)


def test_preview_returns_verified_bytes_and_refuses_big_or_unknown_types(
    vault: Vault, case_ids, tmp_path
) -> None:
    data = _pattern(5000)
    info = _attach(vault, case_ids, tmp_path, data, name="scan.png")
    got_info, got = ev.preview_bytes(vault.unit_of_work(), case_ids[0], info.id)
    assert got == data and got_info.media_type == "image/png"
    with pytest.raises(FileTooLarge):
        ev.preview_bytes(vault.unit_of_work(), case_ids[0], info.id, max_bytes=4999)
    bin_info = _attach(vault, case_ids, tmp_path, data, name="archive.bin")
    with pytest.raises(InvalidInput):
        ev.preview_bytes(vault.unit_of_work(), case_ids[0], bin_info.id)


def test_cancel_midway_leaves_no_rows(vault: Vault, case_ids, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(store_attachments, "BATCH_CHUNKS", 1)
    src = tmp_path / "big.bin"
    src.write_bytes(_pattern(5 * CHUNK_SIZE))
    polls = []

    def cancelled() -> bool:
        polls.append(1)
        return len(polls) > 3  # after three 1-chunk batches were committed

    with pytest.raises(Cancelled):
        ev.attach_file(vault.unit_of_work(), case_ids[0], "ev-gp", src, cancelled=cancelled)
    assert _counts(vault) == (0, 0)
    with vault.unit_of_work() as uow:
        assert not any("attachment" in e.detail for e in uow.audit.entries(case_id=case_ids[0]))


def test_read_error_midway_leaves_no_rows(vault: Vault) -> None:
    class Failing(io.RawIOBase):
        def __init__(self) -> None:
            self.calls = 0

        def readable(self) -> bool:
            return True

        def read(self, n: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 20:
                raise OSError(5, "I/O error")
            return b"x" * min(n, 100_000)

    store = AttachmentStore(vault.conn)  # type: ignore[arg-type]
    cid = case_service.new_case(vault.unit_of_work(), "Paweł Wiśniewski")
    with pytest.raises(StorageError):
        store.write(cid, "e", "f.bin", "application/octet-stream", Failing())  # type: ignore[arg-type]
    assert _counts(vault) == (0, 0)


def test_cleanup_incomplete_removes_a_crashed_write(vault: Vault, case_ids, vault_path: Path) -> None:
    assert vault.conn is not None
    conn = vault.conn
    conn.execute(
        "INSERT INTO attachments (id, case_id, evidence_id, filename, complete, created_at, updated_at)"
        " VALUES ('crashed', ?, 'ev-gp', 'x.bin', 0, '2025-01-01', '2025-01-01')",
        (case_ids[0],),
    )
    conn.executemany(
        "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES ('crashed', ?, ?)",
        [(i, b"left over") for i in range(3)],
    )
    assert _counts(vault) == (1, 3)
    with pytest.raises(NotFound):  # never visible to readers
        AttachmentStore(conn).get("crashed")
    vault.close()
    reopened = Vault.open(store_vault.unwrap_with_passphrase(vault_path, PASSPHRASE))
    try:
        assert _counts(reopened) == (0, 0)
    finally:
        reopened.close()


def test_cleanup_incomplete_returns_count(vault: Vault, case_ids) -> None:
    assert vault.conn is not None
    vault.conn.execute(
        "INSERT INTO attachments (id, case_id, evidence_id, filename, complete, created_at, updated_at)"
        " VALUES ('half', ?, 'ev-gp', 'x.bin', 0, '2025-01-01', '2025-01-01')",
        (case_ids[0],),
    )
    store = AttachmentStore(vault.conn)
    assert store.cleanup_incomplete() == 1
    assert store.cleanup_incomplete() == 0


def test_writes_refuse_to_nest_in_a_unit_of_work(vault: Vault, case_ids) -> None:
    with vault.unit_of_work() as uow, pytest.raises(RuntimeError):
        uow.attachments.write(case_ids[0], "ev-gp", "a", "b", io.BytesIO(b"data"))


def test_refuses_missing_file_folder_and_too_large(vault: Vault, case_ids, tmp_path: Path) -> None:
    uow = vault.unit_of_work()
    with pytest.raises(InvalidInput, match="does not exist"):
        ev.attach_file(uow, case_ids[0], "ev-gp", tmp_path / "nope.pdf")
    with pytest.raises(InvalidInput, match="folder"):
        ev.attach_file(uow, case_ids[0], "ev-gp", tmp_path)
    src = tmp_path / "f.bin"
    src.write_bytes(b"0123456789")
    with pytest.raises(FileTooLarge):
        ev.attach_file(uow, case_ids[0], "ev-gp", src, max_bytes=9)
    with pytest.raises(NotFound):
        ev.attach_file(uow, case_ids[0], "ev-other", src)  # evidence of another case
    with pytest.raises(NotFound):
        ev.attach_file(uow, case_ids[0], "no-such-evidence", src)
    assert _counts(vault) == (0, 0)


def test_attachment_of_another_case_is_not_found(vault: Vault, case_ids, tmp_path: Path) -> None:
    info = _attach(vault, case_ids, tmp_path, b"hello")
    with pytest.raises(NotFound):
        ev.extract_attachment(vault.unit_of_work(), case_ids[2], info.id, tmp_path / "o")
    assert not (tmp_path / "o").exists()


def test_extract_does_not_overwrite_without_asking(vault: Vault, case_ids, tmp_path: Path) -> None:
    info = _attach(vault, case_ids, tmp_path, b"new content")
    out = tmp_path / "existing.txt"
    out.write_bytes(b"keep me")
    with pytest.raises(InvalidInput):
        ev.extract_attachment(vault.unit_of_work(), case_ids[0], info.id, out)
    assert out.read_bytes() == b"keep me"
    ev.extract_attachment(vault.unit_of_work(), case_ids[0], info.id, out, overwrite=True)
    assert out.read_bytes() == b"new content"


def test_deleting_evidence_deletes_attachments_and_search_hits(
    vault: Vault, case_ids, tmp_path: Path
) -> None:
    _attach(vault, case_ids, tmp_path, _pattern(CHUNK_SIZE + 1))
    assert search_service.search_cases(vault.unit_of_work(), "counselling")
    ev.delete_evidence(vault.unit_of_work(), case_ids[0], "ev-gp")
    assert _counts(vault) == (0, 0)
    assert search_service.search_cases(vault.unit_of_work(), "counselling") == []
    with vault.unit_of_work() as uow:
        assert uow.evidence.find("ev-gp") is None
        assert "evidence deleted with 1 attachment(s)" in [e.detail for e in uow.audit.entries()]


def test_deleting_the_case_deletes_its_attachments(vault: Vault, case_ids, tmp_path: Path) -> None:
    _attach(vault, case_ids, tmp_path, b"abc")
    case_service.delete_case(vault.unit_of_work(), case_ids[0])
    assert _counts(vault) == (0, 0)


def test_open_with_another_program_copy_is_private_and_cleaned(
    vault: Vault, case_ids, tmp_path: Path
) -> None:
    data = _pattern(4000)
    # A stored filename is never trusted as a path (bundles can carry any name).
    info = AttachmentStore(vault.conn).write(  # type: ignore[arg-type]
        case_ids[0], "ev-gp", "../../etc/Hồng statement.pdf", "application/pdf", io.BytesIO(data)
    )
    copy = tempfiles.export_for_external_open(vault.unit_of_work(), case_ids[0], info.id)
    base = tempfiles.external_open_dir()
    assert copy.read_bytes() == data
    assert copy.name == "Hồng statement.pdf"
    assert base in copy.parents
    assert stat.S_IMODE(os.stat(base).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert tempfiles.cleanup_external_copies(older_than=3600) == 0  # just made: kept
    assert tempfiles.cleanup_external_copies() == 1
    assert not copy.exists() and list(base.iterdir()) == []


def test_store_delete(vault: Vault, case_ids, tmp_path: Path) -> None:
    info = _attach(vault, case_ids, tmp_path, _pattern(3 * CHUNK_SIZE))
    store = AttachmentStore(vault.conn)  # type: ignore[arg-type]
    store.delete(info.id)
    assert _counts(vault) == (0, 0)
    with pytest.raises(NotFound):
        store.delete(info.id)


def test_link_event_both_ways_and_unlinked_on_delete(vault: Vault, case_ids) -> None:
    cid = case_service.add_case(
        vault.unit_of_work(),
        {
            "survivor": {"full_name": "ሰላም ተስፋይ"},
            "events": [{"id": "e1", "date": "2024-05", "title": "Passport taken"}],
            "evidence": [{"id": "ev-p", "title": "Witness statement"}],
        },
    )
    ev.link_event(vault.unit_of_work(), cid, "ev-p", "e1")
    ev.link_event(vault.unit_of_work(), cid, "ev-p", "e1")  # idempotent
    with vault.unit_of_work() as uow:
        assert uow.evidence.get("ev-p").event_ids == ["e1"]
        assert uow.events.get("e1").evidence_ids == ["ev-p"]
    with pytest.raises(NotFound):
        ev.link_event(vault.unit_of_work(), cid, "ev-p", "no-such-event")
    with pytest.raises(NotFound):  # evidence of another case
        ev.link_event(vault.unit_of_work(), cid, case_ids[1], "e1")
    ev.delete_evidence(vault.unit_of_work(), cid, "ev-p")
    with vault.unit_of_work() as uow:
        assert uow.events.get("e1").evidence_ids == []


def test_unlinking_an_event_updates_both_sides(vault) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from imsa_desktop.domain.dates import FuzzyDate
    from imsa_desktop.domain.model import EvidenceItem, TimelineEvent
    from imsa_desktop.services import cases as case_service
    from imsa_desktop.services import evidence as evidence_service

    case_id = case_service.add_case(vault.unit_of_work(), {"survivor": {"full_name": "Arbër Hoxha"}})
    event = TimelineEvent(case_id=case_id, date=FuzzyDate.parse("2024-06"), title="Left the site")
    with vault.unit_of_work() as uow:
        uow.events.add(event)
        uow.commit()
    ev_id = evidence_service.add_evidence(
        vault.unit_of_work(), EvidenceItem(case_id=case_id, title="Witness statement", event_ids=[event.id])
    )
    evidence_service.link_event(vault.unit_of_work(), case_id, ev_id, event.id)
    with vault.unit_of_work() as uow:
        assert uow.events.get(event.id).evidence_ids == [ev_id]
        item = uow.evidence.get(ev_id)
    evidence_service.update_evidence(vault.unit_of_work(), dataclasses.replace(item, event_ids=[]))
    with vault.unit_of_work() as uow:
        assert uow.events.get(event.id).evidence_ids == []
        assert uow.evidence.get(ev_id).event_ids == []
