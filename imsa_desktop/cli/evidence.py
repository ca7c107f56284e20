"""``imsa attach``, ``imsa extract`` and ``imsa search`` (reference: docs/cli.md)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imsa_desktop.cli import main
from imsa_desktop.services import evidence as evidence_service
from imsa_desktop.services import search as search_service


def cmd_attach(args: argparse.Namespace) -> int:
    path = Path(args.file)
    evidence_service.check_file(path)  # fail before asking for the passphrase
    info = main.in_vault(
        args, lambda uow: evidence_service.attach_file(uow, args.case_id, args.evidence_id, path)
    )
    print(info.id)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    written = main.in_vault(
        args,
        lambda uow: evidence_service.extract_attachment(
            uow, args.case_id, args.attachment_id, Path(args.out), overwrite=args.force
        ),
    )
    if not args.quiet:
        print(f"Wrote {written}", file=sys.stderr)
    return 0


def _terminal(text: str) -> str:
    text = text.replace(search_service.HL_START, "[").replace(search_service.HL_END, "]")
    return " ".join(text.split())


def cmd_search(args: argparse.Namespace) -> int:
    groups = main.in_vault(args, lambda uow: search_service.search_cases(uow, args.query, limit=args.limit))

    def as_json(g: Any) -> dict[str, Any]:
        hits = [
            {
                "kind": h.kind,
                "record_id": h.record_id,
                "title": search_service.strip_marks(h.title),
                "snippet": search_service.strip_marks(h.snippet),
            }
            for h in g.hits
        ]
        return {"case_id": g.case_id, "code": g.code, "name": g.display_name, "hits": hits}

    def lines(g: Any) -> Iterator[str]:
        yield f"{g.case_id}  {g.code}  {g.display_name}"
        for h in g.hits:
            label = search_service.KIND_LABELS.get(h.kind, h.kind)
            line = _terminal(h.title)
            snippet = _terminal(h.snippet)
            if snippet and "[" in snippet:
                line = f"{line} — {snippet}" if line else snippet
            yield f"    {label}: {line}  [{h.record_id}]"

    return main.print_list(args, groups, as_json=as_json, lines=lines, empty="No matches.")


def register(sub: main.SubParsers, add_common: main.AddCommon) -> None:
    command = main.commands(sub, add_common)
    p = command(cmd_attach, "attach", help="add a file to an evidence item (streamed, any size)")
    p.add_argument("case_id")
    p.add_argument("evidence_id")
    p.add_argument("file")

    p = command(cmd_extract, "extract", help="write an attachment back out (verified, atomic)")
    p.add_argument("case_id")
    p.add_argument("attachment_id")
    p.add_argument("out", help="output file, or an existing folder (the stored filename is used)")
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.add_argument("--quiet", action="store_true", help="do not report the path written")

    p = command(cmd_search, "search", help="full-text search over cases, timeline, notes, evidence")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int, default=200, help=argparse.SUPPRESS)
