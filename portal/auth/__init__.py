"""Staff sign-in: argon2 password hashes, flask-login sessions, throttled and audited failures."""
