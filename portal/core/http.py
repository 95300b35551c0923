"""One way to send a file: `download` sets the attachment name safely and keeps personal data out of
shared caches; an ETag lets a browser check its copy is the one the database holds."""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Response

MIMETYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}


def attachment(filename: str) -> str:
    """A Content-Disposition for `filename`: quoted ASCII, with RFC 6266's UTF-8 form beside it when
    the name has other characters (a neighbourhood named in Welsh, say). No quote, backslash or
    control character can reach the header."""
    plain = re.sub(r'[^\x20-\x7e]|["\\]', "_", filename)
    header = f'attachment; filename="{plain}"'
    if plain != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def download(data: bytes | str, filename: str, mimetype: str | None = None, *,
             etag: str | None = None) -> Response:
    """`data` as a file to save, named `filename`; the type follows the extension unless given."""
    extension = filename.rsplit(".", 1)[-1].lower()
    response = Response(data, mimetype=mimetype or MIMETYPES.get(extension, "application/octet-stream"))
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "no-store"
    if etag:
        response.set_etag(etag)
    return response
