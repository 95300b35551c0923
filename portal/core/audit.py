"""Write audit events in the caller's transaction, so an audited change and its record commit together."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from portal.models import AuditEvent


def record(session: Session, action: str, target_type: str = "", target_id: object = "",
           actor=None, **detail) -> AuditEvent:
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or detail.pop("email", ""),
        ip_address=(request.remote_addr or "") if has_request_context() else "",
        detail=detail,
    )
    session.add(event)
    return event
