"""The plaintext payload: a POSIX (pax) tar stream, written and read strictly, in bounded memory.

Writing: headers come from ``tarfile.TarInfo.tobuf`` (PAX format), so any tar tool can list a
decrypted payload. Reading: we accept exactly the subset we write (regular files; a pax ``x``
header carrying only ``size`` for members of 8 GiB and more; NUL padding) and check every member
against the signed manifest as it streams. Any damage is ``BundleCorrupt``.
"""

from __future__ import annotations

import hashlib
import tarfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from imsa_desktop.bundle import format as fmt
from imsa_desktop.bundle.keys import verify
from imsa_desktop.errors import BundleCorrupt, BundleTooLarge

BLOCK = tarfile.BLOCKSIZE  # 512
RECORD = tarfile.RECORDSIZE  # 10240
ZERO_BLOCK = bytes(BLOCK)
CHUNK = 64 * 1024


class ReadableStream(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


# --- writing ---------------------------------------------------------------------------------


def member_header(
    name: str, size: int, mtime: int, tar_format: Literal[0, 1, 2] = tarfile.PAX_FORMAT
) -> bytes:
    """A regular file's tar header (mode 0600, no owner names)."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.type = tarfile.REGTYPE
    info.uname = info.gname = ""
    return info.tobuf(tar_format, "utf-8", "strict")


def padding(size: int) -> bytes:
    return bytes(-size % BLOCK)


def end_of_archive(offset: int) -> bytes:
    """Two zero blocks, then NUL up to a whole record, as ``tarfile`` closes an archive."""
    end = offset + 2 * BLOCK
    return bytes(2 * BLOCK + (-end % RECORD))


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedBundle:
    """What ``read_bundle`` returns once the whole bundle has been authenticated."""

    manifest: dict[str, Any]
    sender_name: str
    sender_known: bool
    signer_key: str
    case_count: int
    attachment_count: int


class MemberChunks:
    """An attachment member's bytes as ``on_attachment`` receives them: raises BundleCorrupt
    before handing over the last chunk unless they match the signed manifest's ``size`` and
    ``sha256`` (given here, so a sink expecting the same hash need not compute it again)."""

    def __init__(self, chunks: Iterator[bytes], size: int, sha256: str) -> None:
        self._chunks = chunks
        self.size = size
        self.sha256 = sha256

    def __iter__(self) -> MemberChunks:
        return self

    def __next__(self) -> bytes:
        return next(self._chunks)


def _is_safe_name(name: str) -> bool:
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def _parse_pax(data: bytes) -> int:
    """The ``size`` of a pax extended header: the only record our writer puts there."""
    size: int | None = None
    pos = 0
    while pos < len(data):
        space = data.find(b" ", pos)
        if space <= pos or space - pos > 10 or not data[pos:space].isdigit():
            raise BundleCorrupt()
        length = int(data[pos:space])
        record = data[pos : pos + length]
        if length <= space - pos + 1 or len(record) != length or not record.endswith(b"\n"):
            raise BundleCorrupt()
        key, sep, value = record[space - pos + 1 : -1].partition(b"=")
        if key != b"size" or not sep or size is not None or not value.isdigit() or len(value) > 20:
            raise BundleCorrupt()
        size = int(value)
        pos += length
    if size is None:
        raise BundleCorrupt()
    return size


def _frombuf(block: bytes) -> tarfile.TarInfo:
    try:
        return tarfile.TarInfo.frombuf(block, "utf-8", "strict")
    except Exception as e:  # HeaderError subclasses, UnicodeDecodeError, ValueError
        raise BundleCorrupt() from e


class PayloadReader:
    """Reads one payload from ``src`` (``read(n)`` returning up to n bytes, ``b""`` at the end)."""

    def __init__(self, src: ReadableStream, checkpoint: Callable[[], None] | None = None) -> None:
        self._src = src
        self._checkpoint = checkpoint
        self._pending = b""

    # low level

    def _read_some(self, n: int) -> bytes:
        if self._checkpoint is not None:
            self._checkpoint()
        if self._pending:
            data, self._pending = self._pending[:n], self._pending[n:]
            return data
        data = self._src.read(n)
        if not isinstance(data, bytes):
            raise BundleCorrupt()
        if not data:
            raise BundleCorrupt()  # the stream ended inside the archive
        if len(data) > n:
            data, self._pending = data[:n], data[n:]
        return data

    def _read_exact(self, n: int) -> bytes:
        parts: list[bytes] = []
        remaining = n
        while remaining:
            chunk = self._read_some(min(remaining, 1024 * 1024))
            parts.append(chunk)
            remaining -= len(chunk)
        return b"".join(parts)

    def _skip_padding(self, size: int) -> None:
        if self._read_exact(-size % BLOCK).strip(b"\x00"):
            raise BundleCorrupt()

    def _next_header(self) -> tuple[str, int] | None:
        block = self._read_exact(BLOCK)
        if block == ZERO_BLOCK:
            return None
        info = _frombuf(block)
        pax_size: int | None = None
        if info.type == tarfile.XHDTYPE:
            if info.size > fmt.MAX_PAX_HEADER_BYTES:
                raise BundleCorrupt()
            pax_size = _parse_pax(self._read_exact(info.size))
            self._skip_padding(info.size)
            info = _frombuf(self._read_exact(BLOCK))
        if info.type != tarfile.REGTYPE or info.sparse is not None:
            raise BundleCorrupt()  # links, devices, folders, fifos, sparse files, nested pax headers
        name = info.name
        if not _is_safe_name(name):
            raise BundleCorrupt()
        size = pax_size if pax_size is not None else info.size
        return name, size

    def _read_member(self, size: int) -> bytes:
        data = self._read_exact(size)
        self._skip_padding(size)
        return data

    def _expect(self, name: str, size: int) -> None:
        header = self._next_header()
        if header is None or header != (name, size):
            raise BundleCorrupt()

    def _attachment_chunks(self, entry: fmt.MemberEntry, done: list[bool]) -> MemberChunks:
        return MemberChunks(self._checked_chunks(entry, done), entry.size, entry.sha256)

    def _checked_chunks(self, entry: fmt.MemberEntry, done: list[bool]) -> Iterator[bytes]:
        digest = hashlib.sha256()
        remaining = entry.size
        while remaining:
            chunk = self._read_some(min(remaining, CHUNK))
            digest.update(chunk)
            remaining -= len(chunk)
            if remaining == 0:
                self._skip_padding(entry.size)
                if digest.hexdigest() != entry.sha256:
                    raise BundleCorrupt()
                done.append(True)
            yield chunk
        if entry.size == 0:
            if digest.hexdigest() != entry.sha256:
                raise BundleCorrupt()
            done.append(True)

    # the payload

    def read(
        self,
        *,
        known_signers: dict[str, str] | None,
        on_case: Callable[[dict[str, Any]], None],
        on_attachment: Callable[[str, Iterator[bytes]], None],
        on_signer: Callable[[str, str], None] | None = None,
    ) -> VerifiedBundle:
        header = self._next_header()
        if header is None or header[0] != fmt.MANIFEST_NAME:
            raise BundleCorrupt()
        if header[1] > fmt.MAX_MANIFEST_BYTES:
            raise BundleTooLarge()
        manifest_bytes = self._read_member(header[1])
        self._expect(fmt.SIGNATURE_NAME, fmt.SIGNATURE_SIZE)
        signature = self._read_member(fmt.SIGNATURE_SIZE)

        manifest = fmt.check_format_and_version(fmt.loads_strict(manifest_bytes))
        key_b64, key_raw = fmt.signing_key_from_manifest(manifest)
        verify(key_raw, signature, manifest_bytes)
        parsed = fmt.parse_manifest(manifest)
        if on_signer is not None:  # who signed, before any case: the importer decides trust
            on_signer(key_b64, parsed.sender_age_public_key)

        for entry in parsed.members:
            self._expect(entry.name, entry.size)
            if entry.kind == "case":
                data = self._read_member(entry.size)
                if hashlib.sha256(data).hexdigest() != entry.sha256:
                    raise BundleCorrupt()
                case = fmt.loads_strict(data)
                if not isinstance(case, dict) or case.get("id") != entry.ident:
                    raise BundleCorrupt()
                on_case(case)
            else:
                done: list[bool] = []
                chunks = self._attachment_chunks(entry, done)
                on_attachment(entry.ident, chunks)
                if not done:
                    for _ in chunks:  # the sink stopped early: read on, and still check the hash
                        pass
                if not done:
                    raise BundleCorrupt()  # the sink swallowed our error

        if self._next_header() is not None:
            raise BundleCorrupt()  # a member the manifest does not list
        if self._read_exact(BLOCK) != ZERO_BLOCK:
            raise BundleCorrupt()
        self._expect_clean_end()
        known = known_signers or {}
        signer_known = key_b64 in known
        return VerifiedBundle(
            manifest=parsed.raw,
            sender_name=known[key_b64] if signer_known else parsed.sender_name,
            sender_known=signer_known,
            signer_key=key_b64,
            case_count=parsed.case_count,
            attachment_count=parsed.attachment_count,
        )

    def _expect_clean_end(self) -> None:
        """Only NUL record padding may follow; reading to the end lets age check its last chunk."""
        trailing = len(self._pending)
        if self._pending.strip(b"\x00"):
            raise BundleCorrupt()
        self._pending = b""
        while True:
            if self._checkpoint is not None:
                self._checkpoint()
            data = self._src.read(CHUNK)
            if not data:
                return
            trailing += len(data)
            if trailing > RECORD or data.strip(b"\x00"):
                raise BundleCorrupt()


def read_payload(
    src: ReadableStream,
    *,
    known_signers: dict[str, str] | None = None,
    on_case: Callable[[dict[str, Any]], None],
    on_attachment: Callable[[str, Iterator[bytes]], None],
    checkpoint: Callable[[], None] | None = None,
    on_signer: Callable[[str, str], None] | None = None,
) -> VerifiedBundle:
    """Read and verify a plaintext payload. Raises only BundleError subclasses for bad input
    (and whatever ``on_case``/``on_attachment``/``checkpoint`` raise themselves).
    ``on_signer(signing_key_b64, sender_age_public)`` runs once the manifest's signature holds,
    before the first case."""
    return PayloadReader(src, checkpoint).read(
        known_signers=known_signers, on_case=on_case, on_attachment=on_attachment, on_signer=on_signer
    )
