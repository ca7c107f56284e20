"""Writing a bundle: two passes over the sources (hash, then stream), encrypted with pyrage.

The manifest (with every member's size and SHA-256) comes first in the payload, so the writer
hashes every case and attachment before it writes anything, then streams them into age. The
second pass re-checks each hash: a source that changed in between fails the export.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import pyrage
from pyrage import passphrase as age_passphrase

from imsa_desktop.bundle import format as fmt
from imsa_desktop.bundle import wrapped
from imsa_desktop.bundle.keys import Sender, age_public_of, parse_recipients, sign, signing_public_b64
from imsa_desktop.bundle.payload import CHUNK, end_of_archive, member_header, padding
from imsa_desktop.errors import (
    AttachmentDamaged,
    BundleTooLarge,
    Cancelled,
    DiskFull,
    ImsaError,
    InvalidInput,
    StorageError,
)
from imsa_desktop.paths import fsync_folder

WRITE_FAILED = "The bundle could not be written; no bundle was saved."
READ_SIZE = 1024 * 1024  # attachment bytes read per call while streaming (the vault's chunk size)


@dataclass(frozen=True)
class AttachmentSource:
    """One attachment to carry: its id (a UUID), its exact size, and how to open it (twice)."""

    id: str
    size: int
    open: Callable[[], BinaryIO]
    # The SHA-256 (hex) when the caller already knows it (the vault keeps each attachment's
    # hash): the writer then reads the file once, not twice. The bytes streamed are still
    # hashed and checked against it, so a wrong or stale hash aborts the bundle.
    sha256: str | None = None
    # True when ``open()`` itself raises (AttachmentDamaged) at its end unless the bytes match
    # ``sha256`` and ``size``, as the vault's reader does: the writer then checks only the size
    # instead of hashing the same bytes a second time. Either way a mismatch aborts the bundle.
    self_verifying: bool = False


@dataclass(frozen=True)
class BundleSummary:
    case_count: int
    attachment_count: int
    payload_bytes: int
    created_at: str
    signer_key: str


def _app_version() -> str:
    try:
        from importlib.metadata import version

        return version("imsa-desktop")
    except Exception:
        return "0.0.0"


class _Plan:
    def __init__(self) -> None:
        self.members: list[dict[str, Any]] = []
        self.payload_bytes = 0
        self.hash_bytes = 0


class _Progress:
    def __init__(
        self, total: int, progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None
    ) -> None:
        self.total = total
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled

    def step(self, n: int) -> None:
        if self._cancelled is not None and self._cancelled():
            raise Cancelled()
        self.done += n
        if self._progress is not None:
            self._progress(self.done, self.total)


def _read_chunks(source: AttachmentSource, size: int = CHUNK) -> Iterator[bytes]:
    try:
        with source.open() as handle:
            while True:
                chunk = handle.read(size)
                if not chunk:
                    return
                yield bytes(chunk)
    except OSError as e:
        raise StorageError("An attachment could not be read; no bundle was saved.") from e


class _GeneratorReader:
    """A ``read(n)`` face over a generator of byte strings, for pyrage to pull from. Exceptions
    raised by the generator are kept, so they surface even if pyrage reports them differently."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = memoryview(b"")
        self._pos = 0
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1, /) -> bytes:
        # pyrage asks for 8 KiB at a time: hand out slices of the current chunk (one copy each)
        # instead of re-slicing the rest of it on every call.
        try:
            while self._pos >= len(self._buffer):
                self._buffer, self._pos = memoryview(next(self._chunks)), 0
        except StopIteration:
            return b""
        except BaseException as e:
            self.error = e
            raise
        end = len(self._buffer) if n < 0 else self._pos + n
        data = bytes(self._buffer[self._pos : end])
        self._pos += len(data)
        return data


class _GuardedWriter:
    """Records a failure to write the output: pyrage ignores errors of its final flush."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        if self.error is not None:
            raise self.error
        try:
            written = self._out.write(data)
        except OSError as e:
            self.error = e
            raise
        return len(data) if written is None else written

    def flush(self) -> None:
        try:
            self._out.flush()
        except OSError as e:
            self.error = e
            raise

    def tell(self) -> int:
        return self._out.tell()

    def seek(self, offset: int, whence: int = 0) -> int:
        try:
            return self._out.seek(offset, whence)
        except OSError as e:
            self.error = e
            raise


def _storage_error(e: OSError) -> StorageError:
    if e.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull()
    return StorageError(WRITE_FAILED)


def write_bundle(
    out: BinaryIO,
    *,
    cases: list[dict[str, Any]],
    attachments: list[AttachmentSource],
    sender: Sender,
    recipients: list[str] | None = None,
    passphrase: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    now: datetime | None = None,
    app_version: str | None = None,
) -> BundleSummary:
    """Write one bundle to ``out``: to age ``recipients`` ("age1...") or to a ``passphrase``.

    Raises InvalidInput (bad arguments), BundleTooLarge (over the format's limits),
    AttachmentDamaged (a source does not match its size or changed between passes), Cancelled,
    DiskFull or StorageError. On any exception ``out`` holds a partial file: use
    ``write_bundle_file`` to get all-or-nothing behaviour.
    """
    if bool(recipients) == (passphrase is not None):
        raise InvalidInput("Give either a passphrase or at least one recipient for the bundle.")
    if passphrase is not None and (not isinstance(passphrase, str) or not passphrase):
        raise InvalidInput("The bundle passphrase must not be empty.")
    age_recipients = parse_recipients(recipients or [])
    if not isinstance(sender.name, str) or not (1 <= len(sender.name) <= 200):
        raise InvalidInput("The sender's name must be between 1 and 200 characters.")
    sender_age_public = age_public_of(sender.age_identity)
    signer_key = signing_public_b64(sender.signing_private_key)
    if len(cases) > fmt.MAX_CASES or len(attachments) > fmt.MAX_ATTACHMENTS:
        raise BundleTooLarge("A bundle can hold at most 10,000 cases and 100,000 attachments.")

    seen: set[str] = set()
    for case in cases:
        if not isinstance(case, dict) or not fmt.is_canonical_uuid(case.get("id")):
            raise InvalidInput("Every case document needs its UUID as 'id'.")
        if case["id"] in seen:
            raise InvalidInput("The same case was given twice.")
        seen.add(case["id"])
    for att in attachments:
        if not fmt.is_canonical_uuid(att.id) or att.id in seen:
            raise InvalidInput("Every attachment needs its own UUID.")
        if not isinstance(att.size, int) or att.size < 0:
            raise InvalidInput("An attachment has an invalid size.")
        if att.size > fmt.MAX_ATTACHMENT_BYTES:
            raise BundleTooLarge("An attachment is larger than a bundle can carry (64 GiB).")
        seen.add(att.id)

    created = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    created_at = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    mtime = max(0, int(created.timestamp()))

    # Pass 1: sizes and hashes.
    plan = _Plan()
    plan.hash_bytes = sum(a.size for a in attachments)
    ticker = _Progress(0, progress, cancelled)
    for case in cases:
        try:
            data = fmt.encode_case(case)
        except (TypeError, ValueError, RecursionError) as e:
            raise InvalidInput("A case document could not be stored as JSON.") from e
        if len(data) > fmt.MAX_CASE_BYTES:
            raise BundleTooLarge("A case document is larger than a bundle can carry (64 MiB).")
        plan.members.append(
            {
                "name": fmt.case_member_name(case["id"]),
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    # the total is known only once the manifest exists; hashing reports against a provisional one
    ticker.total = plan.hash_bytes
    for att in attachments:
        if att.sha256 is not None and len(att.sha256) == 64:
            plan.members.append(
                {"name": fmt.attachment_member_name(att.id), "size": att.size, "sha256": att.sha256.lower()}
            )
            continue
        digest = hashlib.sha256()
        size = 0
        for chunk in _read_chunks(att):
            digest.update(chunk)
            size += len(chunk)
            if size > att.size:
                break
            ticker.step(len(chunk))
        if size != att.size:
            raise AttachmentDamaged()
        plan.members.append(
            {"name": fmt.attachment_member_name(att.id), "size": size, "sha256": digest.hexdigest()}
        )

    manifest = {
        "format": fmt.FORMAT_NAME,
        "payload_version": fmt.PAYLOAD_VERSION,
        "created_at": created_at,
        "app_version": app_version or _app_version(),
        "sender": {
            "name": sender.name,
            "age_public_key": sender_age_public,
            "signing_public_key": signer_key,
        },
        "counts": {"cases": len(cases), "attachments": len(attachments)},
        "members": plan.members,
    }
    manifest_bytes = fmt.encode_manifest(manifest)
    if len(manifest_bytes) > fmt.MAX_MANIFEST_BYTES:
        raise BundleTooLarge()
    signature = sign(sender.signing_private_key, manifest_bytes)

    sizes = [(fmt.MANIFEST_NAME, len(manifest_bytes)), (fmt.SIGNATURE_NAME, len(signature))]
    sizes += [(m["name"], m["size"]) for m in plan.members]
    offset = 0
    for name, size in sizes:
        offset += len(member_header(name, size, mtime)) + size + len(padding(size))
    plan.payload_bytes = offset + len(end_of_archive(offset))
    ticker.total = plan.hash_bytes + plan.payload_bytes

    container: wrapped.ContainerWriter | None = None
    if passphrase is not None:
        # Any size: stream to a one-time identity, and protect that identity with the
        # passphrase (age scrypt). Both travel in one tar (wrapped.py, docs/bundle-format.md).
        try:
            seekable = out.seekable()
        except (AttributeError, OSError, ValueError):
            seekable = False
        if not seekable:
            raise InvalidInput("A passphrase bundle must be written to a file.")
        one_time, identity_file = wrapped.new_file_identity()
        key_age = age_passphrase.encrypt(identity_file, passphrase)
        del identity_file
        age_recipients = [one_time.to_public()]

    def payload() -> Iterator[bytes]:
        written = 0

        def emit(data: bytes) -> bytes:
            nonlocal written
            written += len(data)
            ticker.step(len(data))
            return data

        yield emit(member_header(fmt.MANIFEST_NAME, len(manifest_bytes), mtime) + manifest_bytes)
        yield emit(padding(len(manifest_bytes)))
        yield emit(
            member_header(fmt.SIGNATURE_NAME, len(signature), mtime) + signature + padding(len(signature))
        )
        for case, entry in zip(cases, plan.members[: len(cases)], strict=True):
            data = fmt.encode_case(case)
            if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                raise InvalidInput("A case changed while the bundle was being made; please try again.")
            yield emit(member_header(entry["name"], len(data), mtime))
            yield emit(data)
            yield emit(padding(len(data)))
        for att, entry in zip(attachments, plan.members[len(cases) :], strict=True):
            yield emit(member_header(entry["name"], entry["size"], mtime))
            # the source checks its own hash when it ends (it raises before its last bytes)
            digest = None if (att.self_verifying and att.sha256) else hashlib.sha256()
            size = 0
            for chunk in _read_chunks(att, READ_SIZE):
                size += len(chunk)
                if size > entry["size"]:
                    raise AttachmentDamaged()
                if digest is not None:
                    digest.update(chunk)
                yield emit(chunk)
            if size != entry["size"] or (digest is not None and digest.hexdigest() != entry["sha256"]):
                raise AttachmentDamaged()
            yield emit(padding(size))
        yield emit(end_of_archive(written))

    reader = _GeneratorReader(payload())
    writer = _GuardedWriter(out)
    try:
        if passphrase is not None:
            container = wrapped.ContainerWriter(writer, key_age, mtime)  # type: ignore[arg-type]
            pyrage.encrypt_io(reader, container, age_recipients)
            if reader.error is None and writer.error is None:
                container.finish()
        else:
            pyrage.encrypt_io(reader, writer, age_recipients)
        writer.flush()
    except BaseException as e:
        if reader.error is not None and reader.error is not e:
            raise reader.error from None
        if writer.error is not None:
            raise _storage_error(writer.error) from e
        if isinstance(e, ImsaError | KeyboardInterrupt | SystemExit):
            raise
        raise StorageError(WRITE_FAILED) from e
    if reader.error is not None:
        raise reader.error
    if writer.error is not None:
        raise _storage_error(writer.error)
    return BundleSummary(
        case_count=len(cases),
        attachment_count=len(attachments),
        payload_bytes=plan.payload_bytes,
        created_at=created_at,
        signer_key=signer_key,
    )


def write_bundle_file(path: str | os.PathLike[str], **kwargs: Any) -> BundleSummary:
    """``write_bundle`` into a temporary file beside ``path``, fsync'd, then renamed over ``path``.

    On any failure (including Cancelled) the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    temp = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    try:
        handle = open(temp, "xb")  # noqa: SIM115 - closed below on every path
    except OSError as e:
        raise _storage_error(e) from e
    try:
        with handle:
            summary = write_bundle(handle, **kwargs)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(e, OSError):
            raise _storage_error(e) from e
        raise
    fsync_folder(target.parent)
    return summary
