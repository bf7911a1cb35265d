"""``sinergi audit verify|head|export|publish-head``: the audit chain for operators and auditors.

* ``verify`` walks the whole chain in ``seq`` order (streamed; millions of entries are fine),
  checks it against every published head (and ``--expect SEQ:HASH`` heads kept elsewhere) and
  prints ``chain valid: N entries, head <hash>``; or names the first broken link and exits 1.
  ``--file export.jsonl`` checks an exported range instead (its first link taken on trust).
* ``head`` prints the current head; ``publish-head`` publishes today's (the worker does it).
* ``export --from SEQ --to SEQ --format jsonl|csv [--output FILE]`` writes a range for
  auditors (NIKs are masked when entries are written, so exports carry none in clear).
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from sinergi.audit.chain import GENESIS, Walk, iso
from sinergi.audit.reading import CHUNK, stream, verify_database, write_csv, write_jsonl
from sinergi.audit.transparency import current_head, publish_head


def _expect(text: str) -> tuple[int, str]:
    seq, sep, digest = text.partition(":")
    if not sep or not seq.isdigit() or len(digest) != 64:
        raise CommandError(f"--expect wants SEQ:HASH (64 hex digits), got {text!r}")
    return int(seq), digest.lower()


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"{path}:{number}: not JSON ({exc})") from exc


class Command(BaseCommand):
    help = "The audit chain: verify it, show or publish its head, export ranges for auditors."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Walk the chain; exit 1 at the first broken link.")
        verify.add_argument("--chunk-size", type=int, default=CHUNK)
        verify.add_argument(
            "--expect",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="A head kept elsewhere that the chain must still contain (repeatable).",
        )
        verify.add_argument("--file", type=Path, help="Verify a JSON Lines export instead.")
        sub.add_parser("head", help="Print the current head: seq, hash, time.")
        publish = sub.add_parser("publish-head", help="Publish today's head (once a day).")
        publish.add_argument("--now", help="ISO date-time with offset to publish as of.")
        export = sub.add_parser("export", help="Write a range of entries (JSON Lines or CSV).")
        export.add_argument("--from", dest="from_seq", type=int, default=1, metavar="SEQ")
        export.add_argument("--to", dest="to_seq", type=int, default=None, metavar="SEQ")
        export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
        export.add_argument("--output", type=Path, help="File to write (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "verify":
            if options["file"] is not None:
                self._verify_file(options["file"])
            else:
                self._verify(options["chunk_size"], dict(map(_expect, options["expect"])))
        elif action == "head":
            head = current_head()
            if head is None:
                self.stdout.write(f"chain empty, head {GENESIS}")
            else:
                self.stdout.write(f"seq {head.seq} hash {head.hash} at {iso(head.at)}")
        elif action == "publish-head":
            now = None
            if options["now"]:
                try:
                    now = datetime.fromisoformat(options["now"])
                except ValueError as exc:
                    raise CommandError(f"--now: {exc}") from exc
                if now.tzinfo is None:
                    raise CommandError("--now needs a UTC offset, e.g. 2026-12-01T00:05:00+07:00")
            published = publish_head(now)
            if published is None:
                self.stdout.write("chain empty: nothing to publish")
            else:
                self.stdout.write(f"{published.day}: seq {published.seq} hash {published.hash}")
        else:
            self._export(options)

    def _verify(self, chunk_size: int, expected: dict[int, str]) -> None:
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        verdict = verify_database(chunk_size=chunk_size, expected=expected)
        if verdict.broken is not None:
            raise CommandError(
                f"chain broken at {verdict.broken} after {verdict.count} valid entries"
            )
        self.stdout.write(f"chain valid: {verdict.count} entries, head {verdict.head_hash}")

    def _verify_file(self, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        walk: Walk | None = None
        first = 0
        for entry in _lines(path):
            if walk is None:
                seq, prev = entry.get("seq"), entry.get("prev_hash")
                if not isinstance(seq, int) or not isinstance(prev, str):
                    raise CommandError(f"{path}: the first entry has no seq or prev_hash")
                first, walk = seq, Walk(start=(seq - 1, prev))
            if walk.feed(entry) is not None:
                break
        if walk is None:
            raise CommandError(f"{path}: no entries")
        broken = walk.finish()
        if broken is not None:
            raise CommandError(f"export broken at {broken} after {walk.count} valid entries")
        self.stdout.write(
            f"export valid: {walk.count} entries, seq {first}..{walk.seq}, head {walk.hash}"
        )

    def _export(self, options: dict[str, Any]) -> None:
        from_seq, to_seq = options["from_seq"], options["to_seq"]
        if to_seq is not None and to_seq < from_seq:
            raise CommandError("--to must not be before --from")
        entries = stream(from_seq, to_seq)
        write = write_csv if options["format"] == "csv" else write_jsonl
        output: Path | None = options["output"]
        if output is None:
            count = write(self._stdout(), entries)
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                count = write(out, entries)
            self.stderr.write(f"{count} entries written to {output}")

    def _stdout(self) -> IO[str]:
        out = getattr(self.stdout, "_out", None)
        return out if out is not None else sys.stdout
