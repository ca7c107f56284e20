""" "Open with another program": the ONLY place where attachment plaintext leaves the vault
on its own (``imsa extract`` and "Save a copy" write where the user explicitly chooses).

The GUI must show a warning before calling ``export_for_external_open`` (the copy is
unencrypted on disk while the other program has it open, and that program may keep its own
copies or recent-file lists). The copy goes into a private folder,
``<user cache dir>/IMSA Desktop/open-external`` (mode 0700, each copy 0600, each in its own
random sub-folder so the original filename can be kept for the other program), and is
deleted by ``cleanup_external_copies`` when the program is closed, when the vault locks,
and at the next start (for copies left by a crash).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import time
from pathlib import Path

import platformdirs

from imsa_desktop.errors import StorageError
from imsa_desktop.services.evidence import attachment_in_case, attachment_repo
from imsa_desktop.services.ports import AbstractUnitOfWork

APP_NAME = "IMSA Desktop"
APP_AUTHOR = "IMSA"


def external_open_dir() -> Path:
    """The private folder for temporary plaintext copies (created with mode 0700)."""
    folder = Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)) / "open-external"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(folder, 0o700)
    except OSError as e:
        raise StorageError("The temporary folder for opening files could not be created.") from e
    return folder


def safe_file_name(filename: str) -> str:
    """A bare file name (no folders, no control or reserved characters) from any stored name."""
    return _safe_name(filename)


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f/:*?\"<>|]", "_", name).strip(" .")
    return name[:150] or "attachment"


def export_for_external_open(uow: AbstractUnitOfWork, case_id: str, attachment_id: str) -> Path:
    """A verified plaintext copy of the attachment for another program; returns its path.

    Show the user a warning first. Call ``cleanup_external_copies`` afterwards."""
    repo = attachment_repo(uow)
    with uow:
        info = attachment_in_case(uow, case_id, attachment_id)
    sub = external_open_dir() / secrets.token_hex(8)
    try:
        sub.mkdir(mode=0o700)
    except OSError as e:
        raise StorageError("The temporary folder for opening files could not be created.") from e
    target = sub / _safe_name(info.filename)
    try:
        repo.extract(attachment_id, target)
        os.chmod(target, 0o600)
    except BaseException:
        shutil.rmtree(sub, ignore_errors=True)
        raise
    with uow:
        uow.audit.record("exported", case_id, "attachment opened in another program")
        uow.commit()
    return target


def cleanup_external_copies(older_than: float | None = None) -> int:
    """Delete temporary copies (all, or those whose folder is older than *older_than*
    seconds); returns how many folders were removed. Never raises."""
    try:
        folder = Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)) / "open-external"
        entries = list(folder.iterdir())
    except OSError:
        return 0
    removed = 0
    now = time.time()
    for entry in entries:
        with contextlib.suppress(OSError):
            if older_than is not None and now - entry.stat().st_mtime < older_than:
                continue
            if entry.is_dir() and not entry.is_symlink():
                _overwrite_files(entry)
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed += 1
    return removed


def _overwrite_files(folder: Path) -> None:
    """Best effort: zero the copies before unlinking (helps on plain disks, not on SSDs)."""
    for p in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if p.is_file() and not p.is_symlink():
                size = p.stat().st_size
                with open(p, "r+b") as f:
                    block = b"\0" * (1024 * 1024)
                    left = size
                    while left > 0:
                        f.write(block[: min(left, len(block))])
                        left -= min(left, len(block))
                    f.flush()
                    os.fsync(f.fileno())
