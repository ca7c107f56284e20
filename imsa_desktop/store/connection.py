"""Opening a SQLCipher 4 database with a raw 256-bit key, and mapping its errors.

This is the only module that talks to ``sqlcipher3`` directly. The key never appears in an
error message or a log line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeAlias

from sqlcipher3 import dbapi2 as sqlcipher

from imsa_desktop.errors import DiskFull, StorageError, VaultDamaged

DatabaseError = sqlcipher.DatabaseError
# sqlcipher3 ships no type information: its connection is the stdlib sqlite3 API.
Connection: TypeAlias = Any


def translate(exc: BaseException) -> StorageError | VaultDamaged:
    """Turn a SQLCipher error into an ImsaError with a plain sentence (never the SQL)."""
    text = str(exc).lower()
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull()
    if "disk i/o error" in text:
        # SQLite reports a failed write (ENOSPC, EFBIG, a pulled USB disk) as a plain I/O error.
        return DiskFull(
            "The vault could not be written: the disk may be full, removed or failing. "
            "Nothing was saved; free some space and try again."
        )
    if "not a database" in text or "malformed" in text or "hmac" in text:
        return VaultDamaged()
    if "locked" in text or "busy" in text:
        return StorageError("The vault is busy in another window or program; please try again.")
    if "readonly" in text or "read-only" in text:
        return StorageError("The vault's folder cannot be written to; nothing was saved.")
    if "unable to open" in text:
        return StorageError("The vault file could not be opened; check that its folder exists.")
    return StorageError()


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    try:
        yield
    except (sqlcipher.DatabaseError, sqlcipher.OperationalError) as e:
        raise translate(e) from e
    except OSError as e:
        import errno

        if e.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
            raise translate(sqlcipher.OperationalError("disk I/O error")) from e
        raise StorageError() from e


def connect(path: Path, key: bytes | bytearray) -> Connection:
    """Open (or create) the encrypted database at *path* with a raw 32-byte key.

    Raises VaultDamaged if the file is not a database under this key.
    """
    return finish(keyed(path, key))


def keyed(path: Path, key: bytes | bytearray) -> Connection:
    """The first half of ``connect``: the connection holds the key, nothing is read yet. It is
    what needs the key; ``finish`` (which reads and sets up) can run later, on another thread
    (a worker's connection: the GUI thread keys it, the worker does the rest)."""
    if len(key) != 32:
        raise ValueError("the data key must be 32 bytes")
    with storage_errors():
        conn = sqlcipher.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5.0)
    try:
        # Quiet SQLCipher's own stderr logging; must precede the key.
        _quiet(conn)
        conn.execute(f"PRAGMA key = \"x'{bytes(key).hex()}'\"")
    except sqlcipher.DatabaseError as e:
        conn.close()
        raise translate(e) from e
    return conn


def finish(conn: Connection) -> Connection:
    """The second half of ``connect``: check the key against the file and set the connection
    up. Raises VaultDamaged (and closes *conn*) if the file is not a database under the key."""
    try:
        conn.execute("PRAGMA cipher_memory_security = OFF")
        # Touch the schema: with a wrong key this raises "file is not a database".
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        add_term_lookup(conn)
    except sqlcipher.DatabaseError as e:
        conn.close()
        raise translate(e) from e
    return conn


SEARCH_TERMS = "search_terms"


def add_term_lookup(conn: Connection) -> None:
    """The temp table through which search looks up the index terms a typed prefix starts
    (store/search.py ``_terms_with_prefix``). An fts5vocab table holds no data; it is made once
    per connection, outside any transaction (one rolled back would drop it again)."""
    conn.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{SEARCH_TERMS} USING fts5vocab(main, search, 'instance')"
    )


def _quiet(conn: Any) -> None:
    with contextlib.suppress(sqlcipher.DatabaseError):
        conn.execute("PRAGMA cipher_log_level = NONE")


def integrity_ok(conn: Connection) -> bool:
    """PRAGMA integrity_check and cipher_integrity_check both clean."""
    with storage_errors():
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            return False
        return bool(conn.execute("PRAGMA cipher_integrity_check").fetchall() == [])
