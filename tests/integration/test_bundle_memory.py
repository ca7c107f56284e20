"""Bundles stream: writing and reading a multi-hundred-MB attachment keeps memory bounded.

Measured in a fresh interpreter (peak RSS is per process and never goes down), not by time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

SIZE = 320 * 1024 * 1024

SCRIPT = textwrap.dedent(
    """
    import hashlib, io, json, resource, sys, uuid
    from imsa_desktop.bundle import AttachmentSource, Sender, new_identity, read_bundle, write_bundle_file

    SIZE = int(sys.argv[2])
    PATTERN = bytes(range(256)) * 4096  # 1 MiB, so the stream is not trivially compressible

    class Generated(io.RawIOBase):
        def __init__(self):
            self.left = SIZE
        def readable(self):
            return True
        def read(self, n=-1):
            n = min(self.left, len(PATTERN) if n < 0 else min(n, len(PATTERN)))
            self.left -= n
            return PATTERN[:n]

    def expected_sha():
        h = hashlib.sha256()
        left = SIZE
        while left:
            n = min(left, len(PATTERN)); h.update(PATTERN[:n]); left -= n
        return h.hexdigest()

    def peak_mib():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    alice, bob = new_identity(), new_identity()
    sender = Sender("Paweł Wiśniewski", alice.age_secret, alice.signing_private)
    path = sys.argv[1]

    def round_trip(size):
        att = AttachmentSource(str(uuid.uuid4()), size, Generated)
        write_bundle_file(path, cases=[{"id": str(uuid.uuid4())}], attachments=[att], sender=sender,
                          recipients=[bob.age_public])
        got = {}
        def sink(ident, chunks):
            h = hashlib.sha256(); n = 0
            for c in chunks:
                h.update(c); n += len(c)
            got["sha"], got["n"] = h.hexdigest(), n
        with open(path, "rb") as f:
            read_bundle(f, identities=[bob.age_secret], on_case=lambda c: None, on_attachment=sink)
        return got

    warm = SIZE
    SIZE = 1024 * 1024
    round_trip(SIZE)  # warm up: imports, thread, buffers
    baseline = peak_mib()
    SIZE = warm
    got = round_trip(SIZE)
    print(json.dumps({"baseline": baseline, "peak": peak_mib(), "ok": got["sha"] == expected_sha(),
                      "n": got["n"]}))
    """
)


def test_a_320_mib_attachment_round_trips_in_bounded_memory(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "big.imsabundle"), str(SIZE)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=root,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["ok"] and report["n"] == SIZE
    assert (tmp_path / "big.imsabundle").stat().st_size > SIZE
    # the attachment is 320 MiB; the whole export + import may grow the process by < 48 MiB
    assert report["peak"] - report["baseline"] < 48, report
