"""Build (once) and cache the benchmark vault and its plain-SQLite twin.

The vault is a real IMSA vault (Vault.create, every migration), filled from benchmarks.caseload.
Rows go in with the same column values and JSON the repositories write, in one transaction per
100 cases; the full-text rows are inserted directly (the repositories' per-record
``DELETE FROM search WHERE record_id = ?`` scans the whole FTS table, which makes 200,000
inserts quadratic: see docs/performance.md). Attachments go through AttachmentStore.write,
streamed, exactly as the app writes them. The plain twin is ``sqlcipher_export`` of the vault
into an unkeyed database, so both hold identical pages' worth of rows.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from benchmarks.caseload import SIZES, AttachmentSpec, SyntheticCase, attachment_bytes, generate
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.domain.codec import to_jsonable
from imsa_desktop.domain.model import Record
from imsa_desktop.services import identity as identity_service
from imsa_desktop.store import search as fts
from imsa_desktop.store.attachments import AttachmentStore
from imsa_desktop.store.connection import Connection
from imsa_desktop.store.uow import _event_key, _evidence_key
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase

FORMAT_VERSION = "1"  # bump when the generator or the build changes
PASSPHRASE = "benchmark passphrase: synthetic data only"
ADVOCATE = "Benchmark Advocate (fictional)"
BATCH_CASES = 100


def cache_root() -> Path:
    base = (
        os.environ.get("IMSA_BENCH_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    )
    return Path(base) / "imsa-bench"


class Built:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.vault_path = folder / "vault.imsa"
        self.plain_path = folder / "plain.db"
        self.info_path = folder / "built.json"

    @property
    def info(self) -> dict[str, Any]:
        return dict(json.loads(self.info_path.read_text()))

    def open_vault(self) -> Vault:
        return Vault.open(unwrap_with_passphrase(self.vault_path, PASSPHRASE))


def _dumps(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, separators=(",", ":"))


class _Stream(io.RawIOBase):
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buf = b""

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self._buf) < n:
            nxt = next(self._chunks, None)
            if nxt is None:
                break
            self._buf += nxt
        if n < 0:
            out, self._buf = self._buf, b""
        else:
            out, self._buf = self._buf[:n], self._buf[n:]
        return out


def attachment_stream(spec: AttachmentSpec) -> BinaryIO:
    return cast(BinaryIO, _Stream(attachment_bytes(spec)))


def _record_rows(
    kind: str, recs: Iterable[Record], key: Any
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rows, fts_rows = [], []
    for r in recs:
        data = to_jsonable(r)
        rows.append(
            (
                r.id,
                data["case_id"],
                kind,
                key(r),
                r.created_at.isoformat(),
                r.updated_at.isoformat(),
                json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            )
        )
        title, body = fts.record_text(kind, data)
        fts_rows.append((data["case_id"], r.id, kind, title, body, fts._alt(f"{title}\n{body}")))
    return rows, fts_rows


def insert_batch(conn: Connection, batch: list[SyntheticCase]) -> None:
    case_rows, fts_rows, rec_rows, audit_rows = [], [], [], []
    for sc in batch:
        c = sc.case
        data = to_jsonable(c)
        case_rows.append(
            (
                c.id,
                c.code,
                c.survivor.display_name(),
                c.status.value,
                c.stage.value,
                c.created_at.isoformat(),
                c.updated_at.isoformat(),
                json.dumps(data, ensure_ascii=False, separators=(",", ":")),
            )
        )
        title, body = fts.case_text(data)
        fts_rows.append((c.id, c.id, "case", title, body, fts._alt(f"{title}\n{body}")))
        r1, f1 = _record_rows("event", sc.events, _event_key)
        r2, f2 = _record_rows("evidence", sc.notes, _evidence_key)
        rec_rows += r1 + r2
        fts_rows += f1 + f2
        audit_rows.append((c.created_at.isoformat(), ADVOCATE, "created", c.id, f"events={len(sc.events)}"))
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(
            "INSERT INTO cases (id, code, display_name, status, stage, created_at, updated_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            case_rows,
        )
        conn.executemany(
            "INSERT INTO records (id, case_id, kind, sort_key, created_at, updated_at, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rec_rows,
        )
        start = conn.execute("SELECT coalesce(max(rowid), 0) FROM search").fetchone()[0]
        conn.executemany(
            "INSERT INTO search (case_id, record_id, kind, title, body, alt) VALUES (?, ?, ?, ?, ?, ?)",
            fts_rows,
        )
        conn.execute(
            "INSERT INTO search_map (record_id, case_id, fts_rowid)"
            " SELECT record_id, case_id, rowid FROM search WHERE rowid > ?",
            (start,),
        )
        conn.executemany(
            "INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?, ?, ?, ?, ?)", audit_rows
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _log(msg: str) -> None:
    print(f"[build] {msg}", file=sys.stderr, flush=True)


def build(size: str, seed: int, *, force: bool = False) -> Built:
    """The cached vault for (size, seed), building it if it is missing or out of date."""
    folder = cache_root() / f"{size}-{seed}"
    built = Built(folder)
    if not force and built.info_path.exists():
        try:
            if built.info.get("format") == FORMAT_VERSION and built.plain_path.exists():
                return built
        except (OSError, ValueError):
            pass
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    vault, _recovery = Vault.create(built.vault_path, PASSPHRASE, ADVOCATE, TEST_PARAMS)
    try:
        assert vault.conn is not None
        conn = vault.conn
        with vault.unit_of_work() as uow:
            identity_service.ensure_identity_in(uow)
            uow.commit()
        batch: list[SyntheticCase] = []
        attachments: list[tuple[str, AttachmentSpec]] = []
        counts = {"cases": 0, "events": 0, "notes": 0}
        for sc in generate(size, seed):
            batch.append(sc)
            counts["cases"] += 1
            counts["events"] += len(sc.events)
            counts["notes"] += len(sc.notes) - len(sc.attachments)
            attachments += [(sc.case.id, a) for a in sc.attachments]
            if len(batch) >= BATCH_CASES:
                insert_batch(conn, batch)
                batch = []
                _log(f"{size}: {counts['cases']} cases")
        if batch:
            insert_batch(conn, batch)
        t_rows = time.perf_counter() - t0
        store = AttachmentStore(conn)
        total = 0
        for i, (case_id, spec) in enumerate(attachments):
            store.write(case_id, spec.evidence_id, spec.filename, "application/pdf", attachment_stream(spec))
            total += spec.size
            if i % 200 == 199:
                _log(f"{size}: {i + 1} attachments, {total / 1e6:.0f} MB")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("ANALYZE")
        t_att = time.perf_counter() - t0 - t_rows
        conn.execute(f"ATTACH DATABASE '{built.plain_path}' AS plaintext KEY ''")
        conn.execute("SELECT sqlcipher_export('plaintext')")
        conn.execute("DETACH DATABASE plaintext")
        t_plain = time.perf_counter() - t0 - t_rows - t_att
    finally:
        vault.close()
    info = {
        "format": FORMAT_VERSION,
        "size": size,
        "seed": seed,
        **counts,
        "attachments": len(attachments),
        "attachment_bytes": total,
        "spec": SIZES[size],
        "build_seconds": {
            "rows": round(t_rows, 1),
            "attachments": round(t_att, 1),
            "plain_twin": round(t_plain, 1),
        },
        "vault_bytes": built.vault_path.stat().st_size,
    }
    built.info_path.write_text(json.dumps(info, indent=2))
    _log(f"{size}: built in {time.perf_counter() - t0:.0f} s")
    return built
