"""Reading a PDF back for tests: its text (pypdf), metadata and tagged structure."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def text(data: bytes) -> str:
    """Every page's text with runs of whitespace made single spaces."""
    pages = [page.extract_text() or "" for page in reader(data).pages]
    return re.sub(r"\s+", " ", " ".join(pages))


def struct_elements(pdf: PdfReader, kind: str) -> list:
    """Structure elements of type ``kind`` (e.g. /Figure, /Table, /TH) in the tag tree."""
    found, stack, seen = [], [pdf.trailer["/Root"]["/StructTreeRoot"]], set()
    while stack:
        node = stack.pop()
        if hasattr(node, "get_object"):
            ref = getattr(node, "idnum", None)
            node = node.get_object()
            if ref is not None:
                if ref in seen:
                    continue
                seen.add(ref)
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            if node.get("/S") == kind:
                found.append(node)
            kids = node.get("/K")
            if kids is not None:
                stack.append(kids)
    return found


def fonts(pdf: PdfReader) -> dict[str, bool]:
    """{font name: embedded?} over every page."""
    out = {}
    for page in pdf.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            target = descendants[0].get_object() if descendants else font
            descriptor = target.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            out[str(font.get("/BaseFont"))] = any(k in descriptor for k in
                                                  ("/FontFile", "/FontFile2", "/FontFile3"))
    return out
