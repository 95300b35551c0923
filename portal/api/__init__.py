"""The read-only open-data API under /api/v1/ and its human page /open-data.

`figures` gathers each resource as plain values from the functions the public pages and PDF
reports use (so the numbers cannot disagree), `http` turns them into JSON or CSV answers with the
licence, caching validators, CORS and the rate limit, `openapi` describes them, `views` routes.
"""
