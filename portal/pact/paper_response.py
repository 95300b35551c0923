"""A meeting paper as an HTTP response, the same for the coordinator's copy and the public's."""

from __future__ import annotations

import io

from flask import abort, send_file
from sqlalchemy.orm import Session

from portal.models import MeetingPaper
from portal.pact.queries import paper_bytes


def paper_response(session: Session, paper: MeetingPaper | None):
    """The PDF as a download (Content-Disposition: attachment, with the sanitised filename), never
    cached, so a withdrawn agenda's papers stop being served at once; 404 for None."""
    if paper is None:
        abort(404)
    return send_file(io.BytesIO(paper_bytes(session, paper)), mimetype="application/pdf",
                     as_attachment=True, download_name=paper.filename, max_age=0, etag=paper.checksum)
