"""The outbox: what the portal mailed. Admins see undelivered mail (`/admin/mail`: given up on, or
waiting for a retry) and may retry it; in development only, they read every message
(`/admin/mail/outbox`). `flask --app portal mail send|list|show|retry` (`cli`)."""
