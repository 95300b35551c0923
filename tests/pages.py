"""Read a page as a person's browser would, and check what every page must have.

`check_page(html)` parses the HTML (stdlib parser) and asserts: one non-empty `<title>`, exactly one
`<h1>`, ids unique, every form has an `action`, every POST form carries a CSRF field, and every link in
an error summary points at an element that exists. It returns the parsed `Page` so a test can go on
asserting about the text (`page.text`) or elements (`page.find_all("a")`) instead of substrings of
raw HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element] = field(default_factory=list)
    text_parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = list(self.text_parts)
        for child in self.children:
            parts.append(child.text)
        return " ".join(" ".join(parts).split())

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        found = []
        for child in self.children:
            if child.tag == tag and all(child.attrs.get(k.rstrip("_")) == v for k, v in attrs.items()):
                found.append(child)
            found.extend(child.find_all(tag, **attrs))
        return found

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: (v or "") for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {k: (v or "") for k, v in attrs}, parent=self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        if self.current.tag not in {"script", "style"}:
            self.current.text_parts.append(data)


@dataclass
class Page:
    root: Element

    @property
    def text(self) -> str:
        body = self.root.find_all("body")
        return (body[0] if body else self.root).text

    def find_all(self, tag: str, **attrs: str) -> list[Element]:
        return self.root.find_all(tag, **attrs)

    def by_class(self, name: str) -> list[Element]:
        return [e for e in self.root.descendants() if e.has_class(name)]

    @property
    def title(self) -> str:
        titles = self.find_all("title")
        return titles[0].text if titles else ""

    @property
    def h1(self) -> str:
        return self.find_all("h1")[0].text


def parse(html: str | bytes) -> Page:
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return Page(builder.root)


def _ids(page: Page) -> list[str]:
    return [e.attrs["id"] for e in page.root.descendants() if "id" in e.attrs]


def check_page(html: str | bytes, *, csrf: bool = True) -> Page:
    """Parse `html` and assert the rules every page keeps (see the module docstring)."""
    page = parse(html)
    assert page.title.strip(), "the page has no <title>"
    h1s = page.find_all("h1")
    assert len(h1s) == 1, f"expected one <h1>, found {len(h1s)}: {[h.text for h in h1s]}"
    ids = _ids(page)
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    assert not duplicates, f"ids used more than once: {duplicates}"
    for form in page.find_all("form"):
        assert "action" in form.attrs, f"a form without an action: {form.attrs}"
        if csrf and form.attrs.get("method", "get").lower() == "post":
            names = {i.attrs.get("name") for i in form.find_all("input")}
            assert "csrf_token" in names, f"a POST form without a CSRF field: {form.attrs}"
    for summary in page.by_class("error-summary"):
        for link in summary.find_all("a"):
            target = link.attrs.get("href", "")
            assert re.fullmatch(r"#[\w\-:.]+", target), f"error summary link {target!r} is not a fragment"
            assert target[1:] in ids, f"error summary link {target!r} points at no element"
    return page
