"""``python -m benchmarks [--size quick|default|large] [--seed N] [--json] [--rebuild]``.

Every figure is measured several times and reported as a median; every comparison is a ratio
of two things measured in this same run. Targets are checked for the ``default`` size (and
the two ``large`` ones); tests never assert times, this does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.build import PASSPHRASE, Built, build
from benchmarks.caseload import BASE_DAY

QUERIES = [
    "Nguyen",  # no diacritics, many cases
    "Nguyen Hong",
    "Dang Thi",  # đ folded
    "Wisniewski",
    "Lukasz",  # ł folded
    "Hoxha Arber",
    "Selam",  # romanised alias of a Ge'ez-script name
    "Шевченко",
    "Popescu Stefan",
    "BENCH-NRM-00042",
    "car wash",
    "cannabis grow house",
    "passport",
    "Millbrook GP",
    "debt",
    "interview",  # a very common word
]

TARGETS = {  # figure -> (comparison, limit); checked for --size default
    "start_ratio": ("<=", 2.0),
    "frozen_start_ratio": ("<=", 2.0),  # the packaged app (benchmarks/frozen.py)
    "vault_open_ms": ("<=", 150),
    "search_p95_ms": ("<=", 20),
    "sqlcipher_plain_ratio": ("<=", 1.3),
    "letter_pdf_ms": ("<=", 150),
    "timeline_pdf_ms": ("<=", 1500),
    "bundle_vs_pyrage": (">=", 0.7),
    "bundle_vs_limit": (">=", 0.7),  # SQLCipher read + age encrypt/decrypt + SQLCipher write
    "big_attachment_peak_mib": ("<=", 200),
    "gui_stall_ms": ("<=", 50),
    "stats_ms": ("<=", 1000),
}
LARGE_TARGETS = {  # issue 18, at 10,000 cases and 1,000,000 events
    "vault_open_ms": ("<=", 300),
    "search_p95_ms": ("<=", 20),
    "stats_ms": ("<=", 1000),
    "build_minutes": ("<=", 20),  # the caseload build itself (built.json)
    "case_list_services_ms": ("<=", 200),  # the service calls behind the case list after unlock
    "open_large_case_services_ms": ("<=", 150),  # ... behind opening the 1,000-event case
    "gui_case_list_shown_ms": ("<=", 200),  # derived key -> first case-list rows painted
    "gui_open_large_case_ms": ("<=", 150),  # click on the 1,000-event case -> its tab painted
}


def _log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def median_ms(fn: Callable[[], Any], reps: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), times


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = max(0, min(len(s) - 1, round(p / 100 * (len(s) - 1))))
    return s[k]


def _probe_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    scratch = Path(tempfile.gettempdir()) / "imsa-bench-home"
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(scratch / var.lower())
    env.pop("IMSA_VAULT", None)
    return env


def probe_command(
    cmd: list[str], timeout: float = 1200, env: dict[str, str] | None = None
) -> tuple[dict[str, Any], float]:
    """Run a command that prints one ``RESULT {json}`` line; returns the JSON and the wall time
    from spawning it to that line."""
    t = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**_probe_env(), **(env or {})},
        cwd=str(Path(__file__).resolve().parent.parent),
        text=True,
    )
    assert proc.stdout is not None
    result: dict[str, Any] = {}
    elapsed = 0.0
    for line in proc.stdout:
        if line.startswith("RESULT "):
            elapsed = time.perf_counter() - t
            result = json.loads(line[7:])
    proc.wait(timeout=timeout)
    if not result:
        raise RuntimeError(
            f"{Path(cmd[0]).name} {' '.join(cmd[1:3])} gave no result (exit {proc.returncode})"
        )
    return result, elapsed


def probe(*args: str, timeout: float = 1200) -> tuple[dict[str, Any], float]:
    """Run a probe subprocess; returns its JSON result and the wall time to its result line."""
    return probe_command([sys.executable, "-m", "benchmarks.probes", *args], timeout)


# ---- figures ---------------------------------------------------------------------------------


def fig_start(built: Built, reps: int) -> dict[str, Any]:
    bare, app = [], []
    probe("start-bare")  # warm the OS file cache for both
    probe("start-app", str(built.vault_path))
    for _ in range(reps):
        bare.append(probe("start-bare")[1] * 1000)
        res, s = probe("start-app", str(built.vault_path))
        if not res.get("unlock_view"):
            raise RuntimeError("the app did not show the unlock window")
        app.append(s * 1000)
    b, a = statistics.median(bare), statistics.median(app)
    return {"start_bare_ms": round(b), "start_app_ms": round(a), "start_ratio": round(a / b, 2)}


def fig_frozen(reps: int) -> dict[str, Any]:
    """The packaged app's start (benchmarks/frozen.py); needs PyInstaller (`make package`)."""
    import importlib.util

    if importlib.util.find_spec("PyInstaller") is None:
        _log("frozen start: skipped, PyInstaller is not installed (run `make package` once)")
        return {"frozen_start": "skipped: PyInstaller not installed"}
    from benchmarks.frozen import fig_frozen_start

    return fig_frozen_start(reps)


def fig_open(built: Built, reps: int, kdf_reps: int) -> dict[str, Any]:
    from imsa_desktop.crypto.kdf import DEFAULT_PARAMS, derive_key
    from imsa_desktop.store.vault import UnwrappedKey, Vault, unwrap_with_passphrase

    unwrap_ms, _ = median_ms(lambda: unwrap_with_passphrase(built.vault_path, PASSPHRASE), reps)
    u = unwrap_with_passphrase(built.vault_path, PASSPHRASE)
    key = bytes(u.key)

    def open_close() -> None:
        Vault.open(UnwrappedKey(u.path, u.slots, bytearray(key))).close()

    def open_list() -> None:
        v = Vault.open(UnwrappedKey(u.path, u.slots, bytearray(key)))
        with v.unit_of_work() as uow:
            uow.cases.summaries()
        v.close()

    open_close()
    open_ms, _ = median_ms(open_close, reps)
    list_ms, _ = median_ms(open_list, reps)
    kdf_ms, _ = median_ms(lambda: derive_key(PASSPHRASE, b"\0" * 16, DEFAULT_PARAMS), kdf_reps)
    return {
        "vault_open_ms": round(open_ms, 1),
        "vault_open_and_case_summaries_ms": round(list_ms, 1),
        "unwrap_bench_params_ms": round(unwrap_ms, 1),
        "kdf_default_params_ms": round(kdf_ms),
    }


def fig_case_services(built: Built, reps: int) -> dict[str, Any]:
    """What the GUI waits for, without the GUI: the service calls behind the case list after
    unlock (open the vault on the derived key, ``list_cases``) and behind opening the
    1,000-event case on its Timeline tab (the Profile tab's ``get_case``, the header's
    ``load_case``, the Timeline tab's ``chronology`` with derived entries and
    ``evidence_choices``). Each call gets a fresh unit of work, as the GUI's do."""
    from imsa_desktop.services import cases as case_service
    from imsa_desktop.services import timeline as timeline_service
    from imsa_desktop.store.vault import UnwrappedKey, Vault, unwrap_with_passphrase

    u = unwrap_with_passphrase(built.vault_path, PASSPHRASE)
    key = bytes(u.key)
    rows = 0

    def case_list() -> None:
        nonlocal rows
        v = Vault.open(UnwrappedKey(u.path, u.slots, bytearray(key)))
        try:
            rows = len(case_service.list_cases(v.unit_of_work()))
        finally:
            v.close()

    case_list()
    list_ms, _ = median_ms(case_list, reps)
    vault = built.open_vault()
    try:
        cid = vault.conn.execute("SELECT id FROM cases WHERE code = 'BENCH-00000'").fetchone()[0]  # type: ignore[union-attr]
        today = BASE_DAY  # the caseload's 'today'
        parts: dict[str, list[float]] = {"profile": [], "header": [], "timeline": [], "evidence": []}
        entries = 0

        def open_case() -> None:
            nonlocal entries
            for name, call in (
                ("profile", lambda: case_service.get_case(vault.unit_of_work(), cid)),
                ("header", lambda: case_service.load_case(vault.unit_of_work(), cid)),
                ("timeline", lambda: timeline_service.chronology(vault.unit_of_work(), cid, today)),
                ("evidence", lambda: timeline_service.evidence_choices(vault.unit_of_work(), cid)),
            ):
                t = time.perf_counter()
                got = call()
                parts[name].append((time.perf_counter() - t) * 1000)
                if name == "timeline":
                    entries = len(got)  # type: ignore[arg-type]

        open_case()
        for v in parts.values():
            v.clear()
        case_ms, _ = median_ms(open_case, reps)
    finally:
        vault.close()
    return {
        "case_list_services_ms": round(list_ms, 1),
        "case_list_rows": rows,
        "open_large_case_services_ms": round(case_ms, 1),
        "open_large_case_by_call_ms": {k: round(statistics.median(v), 1) for k, v in parts.items()},
        "open_large_case_timeline_entries": entries,
    }


def fig_search(built: Built, reps: int) -> dict[str, Any]:
    from sqlcipher3 import dbapi2 as sqlcipher

    from imsa_desktop.services.search import search_cases
    from imsa_desktop.store.connection import add_term_lookup
    from imsa_desktop.store.uow import SqlUnitOfWork

    vault = built.open_vault()
    plain = sqlcipher.connect(str(built.plain_path), isolation_level=None, check_same_thread=False)
    for pragma in ("foreign_keys = ON", "secure_delete = ON", "temp_store = MEMORY", "journal_mode = WAL"):
        plain.execute(f"PRAGMA {pragma}")
    add_term_lookup(plain)  # as store.connection.connect() does for the vault
    try:
        v_times: dict[str, list[float]] = {q: [] for q in QUERIES}
        p_times: dict[str, list[float]] = {q: [] for q in QUERIES}
        cpu: list[float] = []  # the vault's searches, CPU time (SQLCipher runs in the process)
        hits: dict[str, int] = {}
        for q in QUERIES:  # warm both caches
            hits[q] = sum(len(g.hits) for g in search_cases(vault.unit_of_work(), q))
            search_cases(SqlUnitOfWork(plain), q)
        for _ in range(reps):
            for q in QUERIES:
                t, c = time.perf_counter(), time.process_time()
                search_cases(vault.unit_of_work(), q)
                v_times[q].append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                t = time.perf_counter()
                search_cases(SqlUnitOfWork(plain), q)
                p_times[q].append((time.perf_counter() - t) * 1000)
        all_v = [t for ts in v_times.values() for t in ts]
        all_p = [t for ts in p_times.values() for t in ts]
        per_query = {
            q: {
                "hits": hits[q],
                "ms": round(statistics.median(v_times[q]), 1),
                "plain_ms": round(statistics.median(p_times[q]), 1),
            }
            for q in QUERIES
        }
        # Adding one event: the FTS row's delete-before-insert (rolled back: the vault is unchanged).
        from imsa_desktop.domain.dates import FuzzyDate
        from imsa_desktop.domain.model import TimelineEvent

        case_id = vault.conn.execute("SELECT id FROM cases LIMIT 1").fetchone()[0]  # type: ignore[union-attr]

        def add_event() -> None:
            with vault.unit_of_work() as uow:
                uow.events.add(
                    TimelineEvent(case_id=case_id, date=FuzzyDate.parse("2024-05"), title="Probe event")
                )
                uow.rollback()

        add_ms, _ = median_ms(add_event, max(3, reps))
        return {
            "search_p50_ms": round(percentile(all_v, 50), 1),
            "search_p95_ms": round(percentile(all_v, 95), 1),
            "search_cpu_p50_ms": round(percentile(cpu, 50), 1),
            "search_cpu_p95_ms": round(percentile(cpu, 95), 1),
            "plain_search_p50_ms": round(percentile(all_p, 50), 1),
            "plain_search_p95_ms": round(percentile(all_p, 95), 1),
            "sqlcipher_plain_ratio": round(sum(all_v) / sum(all_p), 2),
            "search_queries": per_query,
            "add_one_event_ms": round(add_ms, 1),
        }
    finally:
        vault.close()
        plain.close()


def fig_documents(built: Built, reps: int) -> dict[str, Any]:
    from imsa_desktop.documents.letter_pdf import render_letter
    from imsa_desktop.documents.samples import demo_draft
    from imsa_desktop.documents.timeline_pdf import render_timeline

    t = time.perf_counter()
    draft = demo_draft()
    render_letter(draft)
    cold = (time.perf_counter() - t) * 1000
    letter_ms, _ = median_ms(lambda: render_letter(draft), reps)
    vault = built.open_vault()
    try:
        with vault.unit_of_work() as uow:
            cid = uow.conn.execute(
                "SELECT case_id FROM records WHERE kind = 'event'"
                " GROUP BY case_id ORDER BY count(*) DESC LIMIT 1"
            ).fetchone()[0]
            case = uow.cases.get(cid)
            events = uow.events.for_case(cid)[:1000]
    finally:
        vault.close()
    today = case.updated_at.date()
    tl_ms, _ = median_ms(
        lambda: render_timeline(case, events, pseudonymous=False, today=today), max(1, reps // 2)
    )
    return {
        "letter_pdf_first_ms": round(cold),
        "letter_pdf_ms": round(letter_ms, 1),
        "timeline_pdf_ms": round(tl_ms),
        "timeline_events": len(events),
    }


class _ChunkStream:
    """``read(n)`` over the attachments' chunk rows, one streaming SELECT per attachment."""

    def __init__(self, conn: Any, ids: list[str]) -> None:
        sql = "SELECT data FROM attachment_chunks WHERE attachment_id = ? ORDER BY seq"
        self._rows = (row[0] for aid in ids for row in conn.execute(sql, (aid,)))
        self._view = memoryview(b"")
        self._pos = 0

    def read(self, n: int = -1, /) -> bytes:
        while self._pos >= len(self._view):
            row = next(self._rows, None)
            if row is None:
                return b""
            self._view, self._pos = memoryview(row), 0
        end = len(self._view) if n < 0 else self._pos + n
        out = bytes(self._view[self._pos : end])
        self._pos += len(out)
        return out


class _ChunkSink:
    """``write(data)`` that cuts the decrypted stream back into the attachments (their sizes
    known up front, as a bundle's manifest gives them) and inserts the store's chunk rows."""

    def __init__(self, conn: Any, rows: list[tuple[Any, ...]], chunk_size: int) -> None:
        self._conn = conn
        self._rows = iter(rows)
        self._chunk = chunk_size
        self._buf = bytearray()
        self._id = ""
        self._left = 0
        self._seq = 0

    def _next_attachment(self) -> bool:
        row = next(self._rows, None)
        if row is None:
            return False
        self._conn.execute(
            "INSERT INTO attachments (id, case_id, evidence_id, filename, media_type, size, sha256,"
            " complete, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
            row,
        )
        self._id, self._left, self._seq = row[0], int(row[5]), 0
        return True

    def _flush(self) -> None:
        self._conn.execute(
            "INSERT INTO attachment_chunks (attachment_id, seq, data) VALUES (?, ?, ?)",
            (self._id, self._seq, self._buf),
        )
        self._buf.clear()
        self._seq += 1

    def write(self, data: bytes) -> int:
        view, i = memoryview(data), 0
        while i < len(view):
            while self._left == 0:
                if not self._next_attachment():
                    raise ValueError("more bytes than the attachments hold")
            take = min(len(view) - i, self._left, self._chunk - len(self._buf))
            self._buf += view[i : i + take]
            i += take
            self._left -= take
            if len(self._buf) == self._chunk or self._left == 0:
                self._flush()
        return len(view)

    def flush(self) -> None:
        return None

    def finish(self) -> None:
        while self._next_attachment():  # empty files have no chunks
            if self._left:
                raise ValueError("the stream ended early")


def limit_round_trip(src: Any, dst: Any, rows: list[tuple[Any, ...]], folder: Path) -> float:
    """The physical limit of this design for moving these attachments between two vaults:
    read the chunk rows out of the source vault (one streaming SELECT per attachment: the
    fastest read of the store's layout), age-encrypt them to a file (pyrage.encrypt_io, X25519
    recipient, as bundles), decrypt that file (pyrage.decrypt_io) straight into the store's
    1 MiB chunk rows of the other vault in one transaction (as an import), commit. No hashing,
    tar, JSON, case rows, fsync of the file or progress: only what the design cannot avoid.
    *rows* are the attachments' rows (the metadata a manifest carries). Returns seconds."""
    import pyrage

    from imsa_desktop.store.attachments import CHUNK_SIZE

    ident = pyrage.x25519.Identity.generate()
    ciphertext = folder / "limit.age"
    t = time.perf_counter()
    with open(ciphertext, "wb") as out:
        pyrage.encrypt_io(_ChunkStream(src, [r[0] for r in rows]), out, [ident.to_public()])
    sink = _ChunkSink(dst, rows, CHUNK_SIZE)
    dst.execute("BEGIN IMMEDIATE")
    with open(ciphertext, "rb") as inp:
        pyrage.decrypt_io(inp, sink, [ident])
    sink.finish()
    dst.execute("COMMIT")
    elapsed = time.perf_counter() - t
    ciphertext.unlink()
    return elapsed


def fig_bundle(built: Built, reps: int, target_bytes: int) -> dict[str, Any]:
    import pyrage

    from imsa_desktop.crypto.kdf import TEST_PARAMS
    from imsa_desktop.services import bundles
    from imsa_desktop.services import identity as identity_service
    from imsa_desktop.store.vault import Vault

    vault = built.open_vault()
    src: Any = vault.conn
    try:
        rows = src.execute(
            "SELECT case_id, sum(size) AS n FROM attachments GROUP BY case_id ORDER BY n DESC, case_id"
        ).fetchall()
        ids, total = [], 0
        for cid, size in rows:
            ids.append(cid)
            total += size
            if total >= target_bytes:
                break
        marks = ", ".join("?" * len(ids))
        cases = src.execute(f"SELECT id, code FROM cases WHERE id IN ({marks})", ids).fetchall()
        atts = src.execute(
            "SELECT id, case_id, evidence_id, filename, media_type, size, sha256, created_at, updated_at"
            f" FROM attachments WHERE complete = 1 AND case_id IN ({marks}) ORDER BY case_id, id",
            ids,
        ).fetchall()
        bundle_times, limit_times, sizes = [], [], []
        bundle_cpu, limit_cpu = [], []  # this process's CPU time (SQLCipher and pyrage run in it)
        for i in range(reps):
            with tempfile.TemporaryDirectory(prefix="imsa-bench-bundle-") as tmp:
                other, _ = Vault.create(
                    Path(tmp) / "b.imsa", "benchmark passphrase b", "Advocate B (fictional)", TEST_PARAMS
                )
                limit, _ = Vault.create(
                    Path(tmp) / "c.imsa", "benchmark passphrase c", "Advocate C (fictional)", TEST_PARAMS
                )
                try:
                    key = identity_service.my_identity(other.unit_of_work()).age_public
                    out = Path(tmp) / f"share-{i}.imsabundle"
                    t, c = time.perf_counter(), time.process_time()
                    bundles.export_cases(vault.unit_of_work(), ids, out, recipients=[key], reason="benchmark")
                    bundles.import_bundle(other.unit_of_work(), out)
                    bundle_times.append(time.perf_counter() - t)
                    bundle_cpu.append(time.process_time() - c)
                    sizes.append(out.stat().st_size)
                    out.unlink()
                    dst: Any = limit.conn
                    dst.execute("BEGIN IMMEDIATE")  # the cases the attachments belong to
                    dst.executemany(
                        "INSERT INTO cases (id, code, display_name, status, stage, created_at,"
                        " updated_at, data) VALUES (?, ?, '', '', '', '', '', '{}')",
                        cases,
                    )
                    dst.execute("COMMIT")
                    c = time.process_time()
                    limit_times.append(limit_round_trip(src, dst, atts, Path(tmp)))
                    limit_cpu.append(time.process_time() - c)
                finally:
                    other.close()
                    limit.close()
    finally:
        vault.close()
    size = statistics.median(sizes)
    att_bytes = sum(int(a[5]) for a in atts)
    ident = pyrage.x25519.Identity.generate()
    data = os.urandom(int(size))
    age_times = []
    for _ in range(reps):
        t = time.perf_counter()
        ct = pyrage.encrypt(data, [ident.to_public()])
        pyrage.decrypt(ct, [ident])
        age_times.append(time.perf_counter() - t)
        del ct
    b, a, lim = statistics.median(bundle_times), statistics.median(age_times), statistics.median(limit_times)
    return {
        "bundle_cases": len(ids),
        "bundle_mb": round(size / 1e6, 1),
        "bundle_attachment_mb": round(att_bytes / 1e6, 1),
        "bundle_export_import_mb_s": round(size / 1e6 / b, 1),
        "pyrage_encrypt_decrypt_mb_s": round(size / 1e6 / a, 1),
        "limit_read_age_write_mb_s": round(att_bytes / 1e6 / lim, 1),
        "bundle_vs_pyrage": round(a / b, 2),
        "bundle_vs_limit": round(lim / b, 2),
        # the same in CPU time: on a loaded machine the wall time also holds waits for the disk
        # (the bundle file's fsync, WAL commits) and for the other processes
        "bundle_vs_limit_cpu": round(statistics.median(limit_cpu) / statistics.median(bundle_cpu), 2),
    }


def fig_bigfile(mib: int) -> dict[str, Any]:
    res, _ = probe("bigfile", str(mib))
    return {
        "big_attachment_mib": mib,
        "big_attachment_peak_mib": res["peak_rss_mib"],
        "big_attachment_above_baseline_mib": res["peak_above_baseline_mib"],
        "big_attachment_attach_mb_s": round(mib * 1.048576 / res["attach_s"], 1),
        "big_attachment_export_mb_s": round(mib * 1.048576 / res["export_s"], 1),
        "big_attachment_import_mb_s": round(mib * 1.048576 / res["import_s"], 1),
    }


def fig_stall(built: Built, reps: int) -> dict[str, Any]:
    import shutil

    from benchmarks.probes import copy_with_real_kdf

    queries = ["Nguyen", "car wash", "Wisniewski", "BENCH-NRM-00042"]
    real = copy_with_real_kdf(built.vault_path)  # one copy for every run: large is 3.6 GB
    try:
        args = (str(built.vault_path), json.dumps(queries), str(real))
        runs = [probe("stall", *args)[0] for _ in range(reps)]
    finally:
        shutil.rmtree(real.parent, ignore_errors=True)
    phases = sorted({k for r in runs for k in r["max_gap_ms"]})
    per_phase = {p: statistics.median(r["max_gap_ms"].get(p, 0.0) for r in runs) for p in phases}
    # Every step counts, the wait while Argon2id runs included (it is also reported on its own
    # line: the workspace used to be built then, and the progress bar froze).
    during_kdf = per_phase.get("during_key_derivation", 0.0)
    unlock_ms = [r["call_ms"].get("unlock_until_workspace_ms", 0.0) for r in runs]

    def call(name: str) -> float | None:
        values = [r["call_ms"][name] for r in runs if name in r["call_ms"]]
        return round(statistics.median(values)) if values else None

    return {
        "gui_stall_ms": round(max(per_phase.values())),
        "gui_stall_while_key_derivation_ms": round(during_kdf),
        "gui_unlock_press_to_workspace_ms": round(statistics.median(unlock_ms)),
        "gui_stall_by_phase_ms": {k: round(v) for k, v in per_phase.items()},
        # the GUI thread's own CPU time within each phase's longest gap (the rest was waiting)
        "gui_stall_cpu_by_phase_ms": {
            p: round(statistics.median(r.get("max_gap_cpu_ms", {}).get(p, 0.0) for r in runs)) for p in phases
        },
        # from the derived key to the first case-list rows painted
        "gui_case_list_shown_ms": call("case_list_shown_ms"),
        # from the click on its row to its visible tab filled and painted
        "gui_open_large_case_ms": call("open_large_case_ms"),
        # from the click on its Timeline tab to the 1,000 events painted
        "gui_large_case_timeline_ms": call("large_case_timeline_ms"),
        "gui_large_case_events": runs[0]["large_case_events"],
        "gui_search_path": runs[0].get("search_path", ""),
        "gui_letter_in_worker_ms": round(statistics.median(r["letter_in_worker"].get("ms", 0) for r in runs)),
    }


def fig_stats(built: Built, reps: int) -> dict[str, Any]:
    """Statistics of the whole caseload (issue 16): count, export, and the suppressed report PDF."""
    from datetime import date

    from imsa_desktop.domain import stats as st
    from imsa_desktop.services import stats as stats_service

    period, today = st.Period(date(2022, 1, 1), date(2025, 12, 31)), date(2025, 6, 2)
    vault = built.open_vault()
    try:
        stats_service.vault_id(vault.unit_of_work())  # the identity exists from here on
        n_cases = int(built.info["cases"])

        def count() -> st.Counts:
            return stats_service.collect(vault.unit_of_work(), period, st.Filters(), today)

        t = time.perf_counter()
        counts = count()
        first = (time.perf_counter() - t) * 1000
        count_ms, _ = median_ms(count, reps)
        cpu = []  # CPU time of this process: what the count costs when it has a core to itself
        for _ in range(reps):
            c0 = time.process_time()
            count()
            cpu.append((time.process_time() - c0) * 1000)

        def export() -> bytes:
            e = stats_service.make_export(vault.unit_of_work(), period, st.Filters(), today)
            return stats_service.export_bytes(e, ".json")

        export_ms, _ = median_ms(export, reps)

        def case_list() -> None:  # the same caseload's case list, as a yardstick in this run
            with vault.unit_of_work() as uow:
                uow.cases.summaries()

        list_ms, _ = median_ms(case_list, reps)
        made = stats_service.make_export(vault.unit_of_work(), period, st.Filters(), today)
    finally:
        vault.close()
    report = stats_service.make_report(st.combine([made]))
    report_ms, _ = median_ms(lambda: stats_service.report_bytes(report, ".pdf"), max(1, reps // 2))
    return {
        "stats_ms": round(count_ms, 1),
        "stats_cpu_ms": round(statistics.median(cpu), 1),
        "stats_first_ms": round(first, 1),
        "stats_ms_per_1000_cases": round(count_ms / max(1, n_cases) * 1000, 1),
        "stats_export_ms": round(export_ms, 1),
        "stats_vs_case_list_ratio": round(count_ms / list_ms, 1),
        "stats_report_pdf_ms": round(report_ms, 1),
        "stats_cases_open": counts.get("cases.open_during"),
    }


# ---- the run ---------------------------------------------------------------------------------


def check(figures: dict[str, Any], size: str) -> dict[str, dict[str, Any]]:
    targets = dict(TARGETS)
    if size == "large":
        targets.update(LARGE_TARGETS)
    out = {}
    for name, (op, limit) in targets.items():
        if figures.get(name) is None:  # not measured in this run
            continue
        v = figures[name]
        ok = v <= limit if op == "<=" else v >= limit
        out[name] = {"value": v, "target": f"{op} {limit}", "met": ok}
    return out


def _compile_bytecode() -> None:
    """Byte-compile the app first, as an installation has it: with PYTHONDONTWRITEBYTECODE set
    (as on this machine) every probe would otherwise compile each module it imports again (the
    stall probe spent ~130 ms of its unlock in ``compile``)."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("imsa_desktop", "benchmarks"):
        compileall.compile_dir(root / package, quiet=1)


def run(size: str, seed: int, rebuild: bool, only: list[str] | None = None) -> dict[str, Any]:
    quick = size == "quick"
    reps = 3 if quick else 5
    t0 = time.perf_counter()
    built = build(size, seed, force=rebuild)
    _compile_bytecode()
    figures: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        ("vault open", lambda: fig_open(built, 7, 1 if quick else 3)),
        ("case services", lambda: fig_case_services(built, 7)),
        ("search", lambda: fig_search(built, reps)),
        ("documents", lambda: fig_documents(built, reps)),
        ("start", lambda: fig_start(built, 2 if quick else 5)),
        ("frozen start", lambda: fig_frozen(2 if quick else 7)),
        ("gui stall", lambda: fig_stall(built, 1 if quick else 3)),
        ("bundle", lambda: fig_bundle(built, 1 if quick else 3, (10 if quick else 200) * 1_000_000)),
        ("big attachment", lambda: fig_bigfile(built.info["spec"]["big_file_mib"])),
        ("statistics", lambda: fig_stats(built, reps)),
    ]
    if only:
        unknown = sorted(set(only) - {name for name, _ in steps})
        if unknown:
            raise SystemExit(f"unknown step(s): {', '.join(unknown)}")
        steps = [(name, fn) for name, fn in steps if name in only]
    figures["build_minutes"] = round(sum(built.info["build_seconds"].values()) / 60, 1)
    for name, fn in steps:
        _log(f"{size}: {name}")
        figures.update(fn())
    return {
        "size": size,
        "seed": seed,
        "caseload": {
            k: built.info[k] for k in ("cases", "events", "notes", "attachments", "attachment_bytes")
        },
        "build_seconds": built.info["build_seconds"],
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "figures": figures,
        "targets": check(figures, size) if size in ("default", "large") else {},
        "run_seconds": round(time.perf_counter() - t0, 1),
    }


def _print_text(result: dict[str, Any]) -> None:
    print(f"IMSA Desktop benchmarks - size {result['size']} (seed {result['seed']}), {result['machine']}")
    print("caseload:", ", ".join(f"{k} {v:,}" for k, v in result["caseload"].items()))
    for k, v in result["figures"].items():
        if isinstance(v, dict):
            continue
        t = result["targets"].get(k)
        mark = "" if t is None else f"   target {t['target']}: {'met' if t['met'] else 'MISSED'}"
        print(f"  {k:40} {v}{mark}")
    if "search_queries" in result["figures"]:
        print("search queries (median ms, SQLCipher / plain):")
        for q, d in result["figures"]["search_queries"].items():
            print(f"  {q:24} hits {d['hits']:>4}  {d['ms']:>8} / {d['plain_ms']}")
    if "gui_stall_by_phase_ms" in result["figures"]:
        print("GUI stall by phase (ms):", result["figures"]["gui_stall_by_phase_ms"])
        print("  of which GUI-thread CPU (ms):", result["figures"].get("gui_stall_cpu_by_phase_ms"))
    print(f"run took {result['run_seconds']} s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument("--size", choices=["quick", "default", "large"], default="default")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", action="store_true", help="print the figures as JSON on stdout")
    p.add_argument("--rebuild", action="store_true", help="regenerate the cached caseload")
    p.add_argument(
        "--only",
        action="append",
        metavar="STEP",
        help="run only this step (repeatable), e.g. --only statistics",
    )
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = run(args.size, args.seed, args.rebuild, args.only)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        _print_text(result)
    return 0
