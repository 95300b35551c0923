"""Privacy: subject access and erasure (admins, under /admin/people) and the retention schedule."""
