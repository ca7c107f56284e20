"""Passphrase bundles and backups of any size: age's "passphrase-encrypted identity" pattern.

pyrage (1.4) streams only to X25519 recipients; its scrypt (passphrase) API works on whole byte
strings. So a passphrase file is made the way the age tool itself supports:

- a fresh X25519 identity is generated for this one file;
- the payload is streamed with ``pyrage.encrypt_io`` to that identity's recipient (any size);
- the identity file (a few hundred bytes) is encrypted with the passphrase (age scrypt).

Both parts travel in ONE file, an uncompressed POSIX tar of exactly two members, in this order:
``key.age`` (the passphrase-encrypted identity file) and ``payload.age`` (the age v1 payload).
Any tar tool splits it; the reference tool then reads it directly::

    tar -xf handover.imsabundle            # -> key.age, payload.age
    age -d -i key.age -o payload.tar payload.age    # asks for the passphrase

No cryptography of our own: generation, scrypt and the stream are all pyrage (the Rust ``age``
crate). See docs/bundle-format.md, section 1.
"""

from __future__ import annotations

import tarfile
from typing import BinaryIO

import pyrage
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from imsa_desktop.bundle.payload import member_header
from imsa_desktop.errors import BundleCorrupt, BundleError, BundlePassphraseWork, BundleWrongKey

KEY_MEMBER = "key.age"
PAYLOAD_MEMBER = "payload.age"
BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE
MAX_KEY_MEMBER = 16 * 1024  # an encrypted identity file is < 1 KiB
# The largest payload the container may announce (the format's own limits, with headroom).
MAX_PAYLOAD_MEMBER = 8 * 1024**4
# age (Rust) refuses a scrypt stanza whose work factor exceeds the one it measures this computer
# does in a second, plus 4, with this message. It measures by timing one small scrypt (about a
# millisecond) at each attempt, so a process paused by a busy machine for a few tens of
# milliseconds refuses a sound file with the right passphrase. Not a wrong passphrase.
EXCESSIVE_WORK = "Excessive work parameter"


def passphrase_error(error: Exception) -> BundleError:
    """What a failed ``pyrage.passphrase.decrypt`` means for the advocate."""
    if isinstance(error, pyrage.DecryptError):
        if EXCESSIVE_WORK in str(error):
            return BundlePassphraseWork()
        return BundleWrongKey()
    return BundleCorrupt()  # a malformed age header


def new_file_identity() -> tuple[x25519.Identity, bytes]:
    """A one-time identity and its identity file (the text ``age -i`` reads)."""
    identity = x25519.Identity.generate()
    text = (
        "# IMSA Desktop: the one-time key of one bundle or backup, protected by its passphrase\n"
        f"# public key: {identity.to_public()}\n"
        f"{identity}\n"
    )
    return identity, text.encode("ascii")


def _header(name: str, size: int, mtime: int) -> bytes:
    # GNU format: one 512-byte block for any size (base-256 size field from 8 GiB on), so the
    # payload header can be written before its size is known and filled in afterwards.
    data = member_header(name, size, mtime, tarfile.GNU_FORMAT)
    assert len(data) == BLOCK
    return data


def _pad(size: int) -> bytes:
    return bytes(-size % BLOCK)


class ContainerWriter:
    """Writes the two-member tar around a streamed payload. ``out`` must be seekable: the size
    of ``payload.age`` is written into its header once the stream has ended."""

    def __init__(self, out: BinaryIO, key_age: bytes, mtime: int) -> None:
        self._out = out
        self._mtime = mtime
        self.start = out.tell()
        out.write(_header(KEY_MEMBER, len(key_age), mtime) + key_age + _pad(len(key_age)))
        self._payload_header_at = out.tell()
        out.write(_header(PAYLOAD_MEMBER, 0, mtime))
        self.payload_bytes = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        n = self._out.write(data)
        n = len(data) if n is None else n
        self.payload_bytes += n
        return n

    def flush(self) -> None:
        self._out.flush()

    def finish(self) -> None:
        size = self.payload_bytes
        end = self._out.tell() + len(_pad(size)) + 2 * BLOCK
        self._out.write(_pad(size) + bytes(2 * BLOCK + (-(end - self.start) % RECORD)))
        after = self._out.tell()
        self._out.seek(self._payload_header_at)
        self._out.write(_header(PAYLOAD_MEMBER, size, self._mtime))
        self._out.seek(after)
        self._out.flush()


def looks_like_container(first_block: bytes) -> bool:
    return first_block[:100].rstrip(b"\x00") == KEY_MEMBER.encode("ascii")


def _read_exact(inp: BinaryIO, n: int) -> bytes:
    parts: list[bytes] = []
    while n > 0:
        data = inp.read(min(n, 1024 * 1024))
        if not data:
            raise BundleCorrupt()
        parts.append(bytes(data))
        n -= len(data)
    return b"".join(parts)


def _parse_header(block: bytes, name: str, limit: int) -> int:
    try:
        info = tarfile.TarInfo.frombuf(block, "utf-8", "strict")
    except (tarfile.HeaderError, UnicodeDecodeError, ValueError) as e:
        raise BundleCorrupt() from e
    if info.name != name or info.type != tarfile.REGTYPE or not (0 <= info.size <= limit):
        raise BundleCorrupt()
    return int(info.size)


def open_container(inp: BinaryIO, first_block: bytes, passphrase: str) -> tuple[x25519.Identity, PayloadView]:
    """Read ``key.age`` (the first header is ``first_block``), decrypt it with the passphrase and
    return the one-time identity and a view of ``payload.age`` (``inp`` is left at its start)."""
    key_size = _parse_header(first_block, KEY_MEMBER, MAX_KEY_MEMBER)
    key_age = _read_exact(inp, key_size)
    if any(_read_exact(inp, len(_pad(key_size)))):
        raise BundleCorrupt()
    payload_size = _parse_header(_read_exact(inp, BLOCK), PAYLOAD_MEMBER, MAX_PAYLOAD_MEMBER)
    try:
        text = age_passphrase.decrypt(key_age, passphrase)
    except Exception as e:
        raise passphrase_error(e) from e
    secrets = [
        line.strip()
        for line in text.decode("ascii", "replace").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if len(secrets) != 1:
        raise BundleCorrupt()
    try:
        identity = x25519.Identity.from_str(secrets[0])
    except Exception as e:
        raise BundleCorrupt() from e
    offset = 2 * BLOCK + key_size + len(_pad(key_size))
    return identity, PayloadView(inp, payload_size, offset)


class PayloadView:
    """Exactly ``size`` bytes of ``payload.age`` from ``inp``; then ``check_trailer`` reads the
    tar's end (padding, two zero blocks, NUL to a record) and refuses anything else."""

    def __init__(self, inp: BinaryIO, size: int, offset: int) -> None:
        self._inp = inp
        self._left = size
        self._size = size
        self._offset = offset  # where payload.age starts in the container

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1, /) -> bytes:
        if self._left <= 0:
            return b""
        n = self._left if n < 0 else min(n, self._left)
        data = self._inp.read(n)
        if not data:
            return b""  # cut short: age reports the truncated stream
        self._left -= len(data)
        return bytes(data)

    def check_trailer(self) -> None:
        if self._left:
            raise BundleCorrupt()
        end = self._offset + self._size + len(_pad(self._size)) + 2 * BLOCK
        rest = _read_exact(self._inp, end - self._offset - self._size + (-end % RECORD))
        if any(rest) or self._inp.read(1):  # exactly the end the writer makes, nothing after it
            raise BundleCorrupt()
