"""Everything the CLI prints passes through here: stored text cannot steer the terminal.

Case fields and bundles are untrusted text. A sender name holding ESC sequences could rewrite
what ``imsa import --dry-run`` shows (issue 19, hole 5: a spoofed name looked like someone in
the address book). ``SafeStream`` wraps stdout and stderr for the whole run of ``imsa`` and
writes every C0/C1 control character (except line feed and tab), DEL, bidi override and
isolate characters and lone surrogates as a visible ``\\uXXXX``. Inside JSON output that is
also a valid JSON escape, so ``--json`` still round-trips the exact text.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def escape(text: str) -> str:
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class SafeStream:
    """A text stream that escapes control characters; everything else is the wrapped stream."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(escape(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
