"""What the outbox pages show, as plain values."""

from __future__ import annotations

import re
from dataclasses import dataclass

URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True)
class Piece:
    """A run of a message body: plain text, or a link (`href`) when it points at our own site."""

    text: str
    href: str | None = None


def body_pieces(body: str, base_url: str) -> list[Piece]:
    """The body split into text and links; only addresses on `base_url` (PUBLIC_BASE_URL) become
    links, so a message quoting a resident's text cannot put a clickable foreign link before an
    admin. The template escapes every piece."""
    pieces: list[Piece] = []
    at = 0
    for found in URL.finditer(body):
        url = found.group(0).rstrip(".,;:)")
        ours = url == base_url or url.startswith(base_url + "/") or url.startswith(base_url + "?")
        if not ours:
            continue
        pieces.append(Piece(body[at:found.start()]))
        pieces.append(Piece(url, url))
        at = found.start() + len(url)
    pieces.append(Piece(body[at:]))
    return [p for p in pieces if p.text]
