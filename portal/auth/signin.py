"""Checking a sign-in, with an atomic throttle: each account may have at most SIGN_IN_MAX_FAILURES
passwords checked within the lock-out window (a right password clears the count), and one address
at most ADDRESS_FACTOR times that many attempts across accounts.

Both counts are taken *before* the password is checked, in Flask-Limiter's storage (Redis when
configured), where counting and comparing are one step: 32 parallel wrong passwords against one
account, or against 32 accounts from one address, on any number of servers, get at most the limit
checked and the rest refused. The address counts every attempt, right or wrong (a count taken after
the check would let parallel requests all slip under it); its allowance is four accounts' worth, so
an office signing in together stays well inside it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.passwords import verify_password
from portal.core import audit, limits
from portal.core.clock import utcnow
from portal.models import SignInAttempt, StaffUser

# One address may try several accounts (a shared office), so it gets a larger allowance.
ADDRESS_FACTOR = 4
ACCOUNT_BUCKET = "sign_in_account"
ADDRESS_BUCKET = "sign_in_address"


@dataclass
class SignInResult:
    user: StaffUser | None
    refusal: limits.OverLimit | None = None

    @property
    def ok(self) -> bool:
        return self.user is not None

    @property
    def throttled(self) -> bool:
        return self.refusal is not None


@dataclass(frozen=True)
class SignInLimits:
    max_failures: int
    lockout_minutes: int

    @property
    def account(self) -> limits.Limit:
        return limits.Limit(self.max_failures, self.lockout_minutes * 60)

    @property
    def address(self) -> limits.Limit:
        return limits.Limit(self.max_failures * ADDRESS_FACTOR, self.lockout_minutes * 60)


def _throttle(email: str, ip_address: str, rules: SignInLimits) -> limits.OverLimit | None:
    """Count this attempt against the address, then the account; refused when either is over."""
    return (limits.hit(ADDRESS_BUCKET, ip_address, rules.address)
            or limits.hit(ACCOUNT_BUCKET, email, rules.account))


def check_sign_in(session: Session, email: str, password: str, ip_address: str,
                  rules: SignInLimits) -> SignInResult:
    email = email.strip().lower()
    refusal = _throttle(email, ip_address, rules)
    if refusal is not None:
        audit.record(session, "sign_in_throttled", "staff_user", email=email)
        session.commit()
        return SignInResult(None, refusal)

    user = session.scalar(select(StaffUser).where(StaffUser.email == email))
    ok = verify_password(user.password_hash if user else None, password) and bool(user and user.active)
    session.add(SignInAttempt(email=email, ip_address=ip_address, succeeded=ok))
    if ok and user is not None:
        user.last_sign_in_at = utcnow()
        audit.record(session, "sign_in", "staff_user", user.id, actor=user)
        limits.clear(ACCOUNT_BUCKET, email, rules.account)
    else:
        audit.record(session, "sign_in_failed", "staff_user", user.id if user else "", email=email)
    session.commit()
    return SignInResult(user if ok else None)
