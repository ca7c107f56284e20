"""A bundle is a standard age file: the reference `age` tool (apt-get install age) decrypts it.

`age` reads a passphrase only from a terminal, so the test drives it through a pseudo-terminal.
"""

from __future__ import annotations

import fcntl
import io
import os
import pty
import select
import shutil
import subprocess
import tarfile
import termios
import time
import uuid
from pathlib import Path

import pytest

from imsa_desktop.bundle import AttachmentSource, Sender, new_identity, write_bundle

AGE = shutil.which("age")
ALICE = new_identity()
BOB = new_identity()
SENDER = Sender("Nguyễn Thị Hồng", ALICE.age_secret, ALICE.signing_private)
CASE = {"id": str(uuid.uuid4()), "survivor": {"name": "Arbër Hoxha"}}
LETTER = b"fictional evidence letter\n" * 1000
ATTACHMENT = AttachmentSource(str(uuid.uuid4()), len(LETTER), lambda: io.BytesIO(LETTER))


@pytest.fixture(scope="module")
def age_tool() -> str:
    assert AGE, "the reference age tool is required for this test: apt-get install -y age"
    return AGE


def _members(tar_path: Path) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    with tarfile.open(tar_path, mode="r|") as archive:
        for info in archive:
            handle = archive.extractfile(info)
            assert handle is not None
            found[info.name] = handle.read()
    return found


def _controlling_tty() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _age_decrypt_with_passphrase(age: str, bundle: Path, out: Path, passphrase: str) -> int:
    """Split the one file with tar, then ``age -d -i key.age payload.age`` (docs/bundle-format.md)."""
    parts = bundle.parent / "parts"
    parts.mkdir(exist_ok=True)
    subprocess.run(["tar", "-xf", str(bundle), "-C", str(parts)], check=True, timeout=60)
    assert sorted(p.name for p in parts.iterdir()) == ["key.age", "payload.age"]
    return _age_with_tty(
        [age, "-d", "-i", str(parts / "key.age"), "-o", str(out), str(parts / "payload.age")], passphrase
    )


def _age_with_tty(argv: list[str], passphrase: str) -> int:
    """Run age with a pseudo-terminal as its /dev/tty and type the passphrase at its prompt."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        preexec_fn=_controlling_tty,  # noqa: PLW1509 - the child needs the pty as its terminal
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while b"passphrase" not in seen.lower() and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1)
            if ready:
                seen += os.read(master, 1024)
        os.write(master, passphrase.encode("utf-8") + b"\n")
        return proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)


def test_age_decrypts_a_passphrase_bundle_to_the_documented_tar(age_tool: str, tmp_path: Path) -> None:
    bundle = tmp_path / "handover.imsabundle"
    with open(bundle, "wb") as handle:
        write_bundle(
            handle, cases=[CASE], attachments=[ATTACHMENT], sender=SENDER, passphrase="ceann-tìre 2025"
        )
    out = tmp_path / "payload.tar"
    assert _age_decrypt_with_passphrase(age_tool, bundle, out, "ceann-tìre 2025") == 0
    members = _members(out)
    assert list(members)[:2] == ["manifest.json", "manifest.sig"]
    assert f"cases/{CASE['id']}.json" in members
    assert members[f"attachments/{ATTACHMENT.id}"] == LETTER
    assert "Arbër Hoxha".encode() in members[f"cases/{CASE['id']}.json"]


def test_age_decrypts_a_recipient_bundle_with_the_identity_file(age_tool: str, tmp_path: Path) -> None:
    bundle = tmp_path / "handover.imsabundle"
    with open(bundle, "wb") as handle:
        write_bundle(
            handle, cases=[CASE], attachments=[ATTACHMENT], sender=SENDER, recipients=[BOB.age_public]
        )
    key_file = tmp_path / "bob.key"
    key_file.write_text(BOB.age_secret + "\n")
    out = tmp_path / "payload.tar"
    subprocess.run([age_tool, "-d", "-i", str(key_file), "-o", str(out), str(bundle)], check=True, timeout=60)
    assert _members(out)[f"attachments/{ATTACHMENT.id}"] == LETTER
