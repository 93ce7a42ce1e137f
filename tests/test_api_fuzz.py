"""Fuzzing the API from its own OpenAPI schema (schemathesis): whatever a partner sends, no 500, every
answer JSON, and the ledger still verifies afterwards (no partial writes). Bounded: a few examples per
operation, so that it runs in well under a minute."""

import tempfile

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings

from joint_fixtures import Service

_service = Service(f"sqlite:///{tempfile.mkdtemp(prefix='jointshield-fuzz-')}/fuzz.db")
schema = schemathesis.openapi.from_asgi("/openapi.json", _service.app)


@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    s = _service
    for who in ("us", "pl", "eu"):
        response = case.call(headers=s.headers(who))
        assert response.status_code < 500, f"{case.method} {case.path}: {response.status_code} {response.text}"
        assert "application/json" in str(response.headers.get("content-type"))


def test_ledger_still_verifies_after_fuzzing():
    _service.app.state.jobs.drain()
    v = _service.store.verify()
    assert v.ok, v.reason
