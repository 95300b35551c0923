"""The access log: one JSON line per request, and no live link's token in it."""

from __future__ import annotations

import io
import json
import logging

import pytest

from portal.core.logs import JsonFormatter

TOKEN_MASK = "[token]"  # what the log shows instead of a token


@pytest.fixture
def access_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("portal.auth.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


@pytest.mark.parametrize("path", ["/alerts/confirm/{}", "/alerts/unsubscribe/{}",
                                  "/issues/follow-up/{}", "/survey/leave-the-panel/{}",
                                  "/survey/autumn/invitation/{}"])
def test_token_bearing_paths_are_logged_with_the_token_masked(client, access_log, path):
    token = "eyJsaXZlIjoidG9rZW4ifQ.aBcD.secret-signature_123"
    client.get(path.format(token))
    [entry] = access_log()
    assert entry["path"] == path.format(TOKEN_MASK) and token not in json.dumps(entry)


def test_other_paths_are_logged_as_they_are(client, access_log):
    client.get("/neighbourhoods/twerton/alerts")
    assert access_log()[0]["path"] == "/neighbourhoods/twerton/alerts"
