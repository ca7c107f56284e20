"""Reading a bundle: decrypt (pyrage) in a background thread, verify the payload as it streams.

The caller's callbacks run on the calling thread (so an importer writes into its own open
transaction). Everything they receive has passed age's per-chunk authentication; case documents
have also passed their manifest hash; attachment bytes are hash-checked when the member ends
(the last chunk is handed over only after that check). The bundle as a whole is authentic only
when ``read_bundle`` returns: until then the importer must treat what it received as
provisional and roll back on any exception.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import pyrage
from pyrage import passphrase as age_passphrase
from pyrage import x25519

from imsa_desktop.bundle import format as fmt
from imsa_desktop.bundle import wrapped
from imsa_desktop.bundle.keys import parse_identities
from imsa_desktop.bundle.payload import CHUNK, VerifiedBundle, read_payload
from imsa_desktop.bundle.pipe import BoundedPipe, PipeAborted
from imsa_desktop.errors import (
    BundleCorrupt,
    BundleError,
    BundleTooLarge,
    BundleWrongKey,
    Cancelled,
    InvalidInput,
)

NOT_A_BUNDLE = "This file is not an IMSA bundle."
PASSPHRASE_NEEDED = "This bundle is protected by a passphrase; open it with its passphrase."
UNREADABLE = "The bundle file could not be read to the end; the vault was not changed."

_WRONG_KEY_MESSAGES = ("No matching keys found", "Decryption failed", "Failed to decrypt an encrypted key")


class _CountingReader:
    """The ciphertext source handed to pyrage: replays the sniffed prefix, counts bytes, and
    remembers whether the underlying file itself failed (not the same thing as bad data)."""

    def __init__(self, inp: BinaryIO, prefix: bytes) -> None:
        self._inp = inp
        self._prefix = prefix
        self.count = len(prefix)
        self.failed = False

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1, /) -> bytes:
        if self._prefix:
            data = self._prefix if n < 0 else self._prefix[:n]
            self._prefix = self._prefix[len(data) :]
            return data
        try:
            data = self._inp.read(n)
        except Exception:
            self.failed = True
            raise
        self.count += len(data)
        return bytes(data)

    def read_capped(self, cap: int) -> bytes:
        parts: list[bytes] = []
        size = 0
        while True:
            chunk = self.read(1024 * 1024)
            if not chunk:
                return b"".join(parts)
            size += len(chunk)
            if size > cap:
                raise BundleTooLarge(
                    "This passphrase bundle is larger than IMSA Desktop can open with a passphrase; "
                    "it was refused."
                )
            parts.append(chunk)


def _decrypt_into(
    source: _CountingReader, pipe: BoundedPipe, identities: list[x25519.Identity], passphrase: str | None
) -> None:
    try:
        if passphrase is None:
            pyrage.decrypt_io(source, pipe, identities)
        else:
            ciphertext = source.read_capped(fmt.MAX_PASSPHRASE_BUNDLE_BYTES)
            plaintext = age_passphrase.decrypt(ciphertext, passphrase)
            del ciphertext
            view = memoryview(plaintext)
            for start in range(0, len(view), CHUNK):
                pipe.write(view[start : start + CHUNK])
        pipe.finish()
    except PipeAborted:
        pipe.finish()
    except BaseException as e:  # handed to the reading thread, which maps it
        pipe.finish(e)


def _map_error(error: BaseException, source: _CountingReader) -> BundleError:
    if isinstance(error, BundleError):
        return error
    if source.failed:
        return BundleCorrupt(UNREADABLE)
    if isinstance(error, pyrage.DecryptError) and wrapped.EXCESSIVE_WORK in str(error):
        return wrapped.passphrase_error(error)
    if isinstance(error, pyrage.DecryptError) and any(m in str(error) for m in _WRONG_KEY_MESSAGES):
        return BundleWrongKey()
    # pyrage.DecryptError (bad header, header MAC) or OSError (a chunk failed its MAC, or the
    # stream was cut short): damage either way.
    return BundleCorrupt()


class _PlaintextSource:
    def __init__(self, pipe: BoundedPipe, source: _CountingReader) -> None:
        self._pipe = pipe
        self._source = source

    def read(self, n: int = -1, /) -> bytes:
        try:
            return self._pipe.read(n)
        except BaseException as e:
            if isinstance(e, KeyboardInterrupt | SystemExit):
                raise
            raise _map_error(e, self._source) from e


def _remaining_size(inp: BinaryIO) -> int:
    try:
        if not inp.seekable():
            return 0
        here = inp.tell()
        end = inp.seek(0, 2)
        inp.seek(here)
        return max(0, end - here)
    except (OSError, ValueError, AttributeError):
        return 0


def read_bundle(
    inp: BinaryIO,
    *,
    identities: list[str] | None = None,
    passphrase: str | None = None,
    known_signers: dict[str, str] | None = None,
    on_case: Callable[[dict[str, Any]], None],
    on_attachment: Callable[[str, Iterator[bytes]], None],
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    on_signer: Callable[[str, str], None] | None = None,
) -> VerifiedBundle:
    """Decrypt and verify a bundle, streaming cases and attachments to the callbacks.

    Give either ``identities`` ("AGE-SECRET-KEY-1...") or ``passphrase``. ``known_signers`` maps
    signing public keys (base64) to names from the caller's address book. ``progress(done,
    total)`` counts bytes of the bundle file (total is 0 when the size is unknown). Raises a
    BundleError subclass for every bad input, Cancelled when ``cancelled()`` turns true, and lets
    exceptions from the callbacks through unchanged.
    """
    if bool(identities) == (passphrase is not None):
        raise InvalidInput("Give either a passphrase or an identity to open a bundle.")
    if passphrase is not None and not isinstance(passphrase, str):
        raise InvalidInput("The passphrase must be text.")
    age_identities = parse_identities(identities or [])
    total = _remaining_size(inp)
    try:
        prefix = inp.read(len(fmt.AGE_MAGIC))
    except OSError as e:
        raise BundleCorrupt(UNREADABLE) from e
    view: wrapped.PayloadView | None = None
    if prefix != fmt.AGE_MAGIC:
        # A passphrase bundle of any size: a tar holding key.age and payload.age (wrapped.py).
        try:
            block = bytes(prefix) + bytes(inp.read(wrapped.BLOCK - len(prefix)))
        except OSError as e:
            raise BundleCorrupt(UNREADABLE) from e
        if len(block) != wrapped.BLOCK or not wrapped.looks_like_container(block):
            raise BundleCorrupt(NOT_A_BUNDLE)
        if passphrase is None:
            raise BundleWrongKey(PASSPHRASE_NEEDED)
        try:
            one_time, view = wrapped.open_container(inp, block, passphrase)
        except OSError as e:
            raise BundleCorrupt(UNREADABLE) from e
        source = _CountingReader(view, b"")  # type: ignore[arg-type]
        age_identities, passphrase = [one_time], None
    else:
        source = _CountingReader(inp, bytes(prefix))
    pipe = BoundedPipe()
    worker = threading.Thread(
        target=_decrypt_into,
        args=(source, pipe, age_identities, passphrase),
        name="bundle-decrypt",
        daemon=True,
    )

    def checkpoint() -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(source.count, total)

    worker.start()
    try:
        result = read_payload(
            _PlaintextSource(pipe, source),
            known_signers=known_signers,
            on_case=on_case,
            on_attachment=on_attachment,
            checkpoint=checkpoint,
            on_signer=on_signer,
        )
    except BaseException:
        pipe.abort()
        worker.join()
        raise
    worker.join()
    if view is not None:
        try:
            view.check_trailer()
        except OSError as e:
            raise BundleCorrupt(UNREADABLE) from e
    if progress is not None:
        progress(source.count, total)
    return result


def verify_bundle(
    inp: BinaryIO,
    *,
    identities: list[str] | None = None,
    passphrase: str | None = None,
    known_signers: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> VerifiedBundle:
    """``read_bundle`` with sinks that discard everything: checks the whole bundle."""

    def drop_case(case: dict[str, Any]) -> None:
        return None

    def drop_attachment(attachment_id: str, chunks: Iterator[bytes]) -> None:
        for _ in chunks:
            pass

    return read_bundle(
        inp,
        identities=identities,
        passphrase=passphrase,
        known_signers=known_signers,
        on_case=drop_case,
        on_attachment=drop_attachment,
        progress=progress,
        cancelled=cancelled,
    )
