"""Bulk panel mail as background jobs (`portal.core.jobs`): invitations and reminders for a wave.

Each job works in chunks of `CHUNK` members: one transaction writes the chunk's invitations (or new
reminder tokens) and their messages, then the messages are delivered. A job run again after its
worker died carries on where the last committed chunk ended (members already invited, or already
reminded in this round, are skipped), so nobody gets two messages from one click.

The link in each message comes from ``link_template``, the absolute invitation URL with `TOKEN_SLOT`
where the token goes, built by the view that queued the job (a worker has no request to build it
from).
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from portal.core.extensions import db
from portal.core.mail import deliver_pending
from portal.models import Wave
from portal.survey import panel

CHUNK = 200
TOKEN_SLOT = "INVITATION-TOKEN"  # noqa: S105 - a placeholder, not a secret


def link_builder(link_template: str) -> panel.InvitationLink:
    """token -> the template with its (last) `TOKEN_SLOT` replaced by the token."""
    head, slot, tail = link_template.rpartition(TOKEN_SLOT)
    if not slot:
        raise ValueError(f"The invitation link template has no {TOKEN_SLOT}: {link_template!r}")
    return lambda token: f"{head}{token}{tail}"


def send_invitations_job(wave_id: int, link_template: str) -> int:
    """The `panel_invitations` job: invite every member not invited yet; returns how many."""
    link_for = link_builder(link_template)
    return _in_chunks(lambda session, wave: panel.send_invitations(session, wave, link_for,
                                                                   limit=CHUNK), wave_id)


def send_reminders_job(wave_id: int, link_template: str, round_at: str,
                       neighbourhood_ids: list[int] | None = None,
                       age_bands: list[str] | None = None) -> int:
    """The `panel_reminders` job: remind every non-responder (or only those in
    ``neighbourhood_ids`` and, if any are given, of ``age_bands``) once in the round started at
    ``round_at`` (ISO 8601, UTC); returns how many."""
    link_for = link_builder(link_template)
    now = datetime.fromisoformat(round_at)
    return _in_chunks(lambda session, wave: panel.send_reminders(
        session, wave, link_for, now=now, limit=CHUNK, neighbourhood_ids=neighbourhood_ids,
        age_bands=age_bands), wave_id)


def _in_chunks(step, wave_id: int) -> int:
    total = 0
    while True:
        with db.transaction() as session:
            wave = session.get(Wave, wave_id)
            if wave is None:
                return total
            done = step(session, wave)
        total += done
        with db.transaction() as session:
            deliver_pending(session, current_app.config)
        if done < CHUNK:
            return total
