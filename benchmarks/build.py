"""Build (once) and cache the benchmark vault and its plain-SQLite twin.

The vault is a real IMSA vault (Vault.create, every migration), filled from benchmarks.caseload.
Rows are made by the repositories' own row functions (``case_row``, ``record_row``,
``search_row``), so columns, JSON and search rows are what the app writes; they go in with
``executemany``, all in one transaction, through a 1 GiB page cache, with no fsync and the
rollback journal in memory (every commit writes out every index page the random ids touched:
with the default 2 MiB cache, 100 cases per commit and the WAL each batch took longer than the
last, and 1,000-case commits still wrote a third more than one transaction: see
docs/performance.md); the vault is put back in WAL mode. The
full-text rows are inserted directly and ``search_map`` filled from their rowids (the
repositories' per-record look-up is not needed for new rows). Attachments go through
AttachmentStore.write, streamed, exactly as the app writes them. The plain twin is
``sqlcipher_export`` of the vault into an unkeyed database, so both hold identical rows.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from benchmarks.caseload import SIZES, AttachmentSpec, SyntheticCase, attachment_bytes, generate
from imsa_desktop.crypto.kdf import TEST_PARAMS
from imsa_desktop.domain.model import Record
from imsa_desktop.services import identity as identity_service
from imsa_desktop.store import repositories as repo
from imsa_desktop.store import search as fts
from imsa_desktop.store.attachments import AttachmentStore
from imsa_desktop.store.connection import Connection
from imsa_desktop.store.uow import _event_key, _evidence_key
from imsa_desktop.store.vault import Vault, unwrap_with_passphrase

FORMAT_VERSION = "1"  # bump when the generator or the build changes
PASSPHRASE = "benchmark passphrase: synthetic data only"
ADVOCATE = "Benchmark Advocate (fictional)"
BATCH_CASES = 100  # cases prepared and inserted at a time
BUILD_CACHE_KIB = 1 << 20  # page cache of the build's connection (1 GiB): see docs/performance.md


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


def _rows(
    kind: str, recs: Iterable[Record], key: Callable[[Any], str], rows: list[Any], fts_rows: list[Any]
) -> None:
    for r in recs:
        row, data = repo.record_row(r, kind, key(r))
        rows.append(row)
        fts_rows.append(fts.search_row(row[1], r.id, kind, *fts.record_text(kind, data)))


def insert_batch(conn: Connection, batch: list[SyntheticCase]) -> None:
    """Insert *batch* inside the caller's transaction, rows as the repositories write them."""
    case_rows: list[Any] = []
    rec_rows: list[Any] = []
    fts_rows: list[Any] = []
    audit_rows = []
    for sc in batch:
        c = sc.case
        row, data = repo.case_row(c)
        case_rows.append(row)
        fts_rows.append(fts.search_row(c.id, c.id, "case", *fts.case_text(data), fts.case_hidden_text(data)))
        _rows("event", sc.events, _event_key, rec_rows, fts_rows)
        _rows("evidence", sc.evidence, _evidence_key, rec_rows, fts_rows)
        audit_rows.append((c.created_at.isoformat(), ADVOCATE, "created", c.id, f"events={len(sc.events)}"))
    conn.executemany(repo.INSERT_CASE, case_rows)
    conn.executemany(repo.INSERT_RECORD, rec_rows)
    start = conn.execute("SELECT coalesce(max(rowid), 0) FROM search").fetchone()[0]
    conn.executemany(fts.INSERT_SEARCH, fts_rows)
    conn.execute(
        "INSERT INTO search_map (record_id, case_id, fts_rowid)"
        " SELECT record_id, case_id, rowid FROM search WHERE rowid > ?",
        (start,),
    )
    conn.executemany(
        "INSERT INTO audit (at, actor, action, case_id, detail) VALUES (?, ?, ?, ?, ?)", audit_rows
    )


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
    t0, cpu0 = time.perf_counter(), time.process_time()
    vault, _recovery = Vault.create(built.vault_path, PASSPHRASE, ADVOCATE, TEST_PARAMS)
    try:
        assert vault.conn is not None
        conn = vault.conn
        with vault.unit_of_work() as uow:
            identity_service.ensure_identity_in(uow)
            uow.commit()
        # The cache is rebuilt from scratch after a failure (built.json is written last), so
        # the build needs neither fsync nor the WAL's second copy of every page: on a disk
        # shared with other work, those writes were most of the build's time.
        conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        batch: list[SyntheticCase] = []
        attachments: list[tuple[str, AttachmentSpec]] = []
        counts = {"cases": 0, "events": 0, "notes": 0}
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sc in generate(size, seed):
                batch.append(sc)
                counts["cases"] += 1
                counts["events"] += len(sc.events)
                counts["notes"] += len(sc.evidence) - len(sc.attachments)
                attachments += [(sc.case.id, a) for a in sc.attachments]
                if len(batch) >= BATCH_CASES:
                    insert_batch(conn, batch)
                    batch = []
                    _log(f"{size}: {counts['cases']} cases, {time.perf_counter() - t0:.0f} s")
            if batch:
                insert_batch(conn, batch)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        t_rows = time.perf_counter() - t0
        store = AttachmentStore(conn)
        total = 0
        for i, (case_id, spec) in enumerate(attachments):
            store.write(case_id, spec.evidence_id, spec.filename, "application/pdf", attachment_stream(spec))
            total += spec.size
            if i % 200 == 199:
                _log(f"{size}: {i + 1} attachments, {total / 1e6:.0f} MB")
        conn.execute("ANALYZE")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]  # as the app leaves every vault
        if mode != "wal":
            raise RuntimeError(f"the benchmark vault could not go back to WAL mode ({mode})")
        t_att = time.perf_counter() - t0 - t_rows
        conn.execute(f"ATTACH DATABASE '{built.plain_path}' AS plaintext KEY ''")
        # The twin is written like the vault's rows: no fsync, no journal file, a large cache
        # (an attached database starts with the defaults, whatever the vault's connection says).
        conn.execute(f"PRAGMA plaintext.cache_size = -{BUILD_CACHE_KIB}")
        conn.execute("PRAGMA plaintext.journal_mode = OFF")
        conn.execute("PRAGMA plaintext.synchronous = OFF")
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
        "build_cpu_seconds": round(time.process_time() - cpu0, 1),  # wall minus waiting (disk, CPU)
        "vault_bytes": built.vault_path.stat().st_size,
    }
    built.info_path.write_text(json.dumps(info, indent=2))
    _log(f"{size}: built in {time.perf_counter() - t0:.0f} s")
    return built
