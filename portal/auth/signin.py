"""Checking a sign-in, with throttling: after too many failures for an email (or from one address)
within the lock-out window, further attempts are refused without checking the password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal import audit
from portal.auth.passwords import verify_password
from portal.models import SignInAttempt, StaffUser, utcnow

# One address may try several accounts (a shared office), so it gets a larger allowance.
ADDRESS_FACTOR = 4


@dataclass
class SignInResult:
    user: StaffUser | None
    throttled: bool = False

    @property
    def ok(self) -> bool:
        return self.user is not None


def _recent_failures(session: Session, since, **where) -> int:
    query = select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.succeeded.is_(False), SignInAttempt.at >= since
    )
    for column, value in where.items():
        query = query.where(getattr(SignInAttempt, column) == value)
    return session.scalar(query) or 0


def check_sign_in(session: Session, email: str, password: str, ip_address: str,
                  max_failures: int, lockout_minutes: int) -> SignInResult:
    email = email.strip().lower()
    since = utcnow() - timedelta(minutes=lockout_minutes)
    if (
        _recent_failures(session, since, email=email) >= max_failures
        or _recent_failures(session, since, ip_address=ip_address) >= max_failures * ADDRESS_FACTOR
    ):
        audit.record(session, "sign_in_throttled", "staff_user", email=email)
        session.commit()
        return SignInResult(None, throttled=True)

    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    ok = verify_password(user.password_hash if user else None, password) and user.active
    session.add(SignInAttempt(email=email, ip_address=ip_address, succeeded=ok))
    if ok:
        user.last_sign_in_at = utcnow()
        audit.record(session, "sign_in", "staff_user", user.id, actor=user)
    else:
        audit.record(session, "sign_in_failed", "staff_user", user.id if user else "", email=email)
    session.commit()
    return SignInResult(user if ok else None)
