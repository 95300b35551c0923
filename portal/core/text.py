"""Control characters out of people's text, on the way in and on the way out.

Text pasted from word processors carries control characters (Word's soft line break is `\\x0b`,
a page break `\\x0c`). They show as nothing on a page, but XML 1.0 refuses most of them (lxml
raises, so an Atom feed holding one would fail for everyone) and RFC 5545 forbids them in
calendar text. `plain_text` is what the forms' shared `strip` filter applies to every free-text
field; `xml_text` is for text already stored, just before it goes into XML.
"""

from __future__ import annotations

import re

# Line breaks other than "\n": Windows and old Mac line ends, vertical tab (Word's soft line
# break), form feed (page break) and NEL. They become "\n" so the words either side stay apart.
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x85]")
# Every other C0 control but tab and newline, DEL and the C1 controls: removed.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# What XML 1.0's Char production leaves out once the controls are gone: lone surrogates and
# the non-characters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def plain_text(value: str) -> str:
    """`value` with line breaks as "\\n" and no control characters but "\\n" and "\\t"."""
    return _CONTROLS.sub("", _BREAKS.sub("\n", value))


def xml_text(value: str) -> str:
    """`value` as XML 1.0 (and lxml) accepts it: `plain_text`, without surrogates or non-characters."""
    return _NOT_XML.sub("", plain_text(value))
