"""schemathesis against a served county: every operation of the served OpenAPI schema (request
bodies included, county/openapi.py), with examples that fit the schema and examples that do not,
without a token, with a station's token and with the admin token. No answer may be a 5xx.

The number of examples per operation, mode and token is bounded for CI (SCHEMATHESIS_EXAMPLES,
default 40): about 1,200 requests per store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

from sync import downlink, protocol
from tests.county_server import County

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "40"))


@pytest.fixture
def fuzzed_county(county_url: str, tmp_path: Path) -> Iterator[County]:
    # Throttles high enough that the examples reach the handlers instead of a 429.
    server = County(county_url, tmp_path, serve_args=("--rate", "100000", "--burst", "100000")).start()
    yield server
    server.stop()


def test_no_server_error_for_any_example(fuzzed_county: County) -> None:
    county = fuzzed_county
    station_token = county.enroll("140311101201")
    admin_token = county.cli("admin-token").stdout.strip()
    schema = schemathesis.openapi.from_url(county.base + "/openapi.json")
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "the served schema is valid"
    served = {(op.method.upper(), op.path) for op in operations}
    assert served == {
        ("GET", protocol.HEALTH_PATH),
        ("POST", protocol.ENROLL_PATH),
        ("GET", protocol.ACK_PATH),
        ("POST", protocol.BATCHES_PATH),
        ("GET", protocol.REPORT_PATH),
        ("GET", f"{protocol.API_PREFIX}/requests"),
        ("POST", f"{protocol.API_PREFIX}/requests/answer"),
        ("GET", downlink.DOWNLINK_PATH),
        ("GET", downlink.RECORDS_PATH),
        ("GET", downlink.FEED_PATH),
        ("POST", downlink.FEED_PATH),
        ("DELETE", downlink.FEED_PATH + "/{item_id}"),
        ("GET", f"{protocol.API_PREFIX}/ledger"),
        ("GET", f"{protocol.API_PREFIX}/certificates/{{number}}"),
        ("POST", protocol.PHOTOS_STATUS_PATH),
        ("POST", protocol.PHOTOS_PATH + "/{sha256}"),
        ("GET", protocol.PHOTOS_PATH + "/{sha256}"),
    }
    bodies = {op.path for op in operations if op.body}
    answers = f"{protocol.API_PREFIX}/requests/answer"
    photo_bodies = {protocol.PHOTOS_STATUS_PATH, protocol.PHOTOS_PATH + "/{sha256}"}
    assert bodies == {protocol.ENROLL_PATH, protocol.BATCHES_PATH, downlink.FEED_PATH, answers, *photo_bodies}, (
        "request bodies are described in the schema"
    )

    answered: dict[int, int] = {}
    tokens = {"none": None, "station": station_token, "admin": admin_token}
    for operation in operations:
        # An operation with nothing to get wrong (health) has no negative examples.
        # Any: on Python 3.10 (mypy's target) schemathesis' StrEnum modes type as plain str.
        modes: list[Any] = (
            [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
            if operation.body or len(operation.query)
            else [GenerationMode.POSITIVE]
        )
        for mode in modes:
            for who, token in tokens.items():
                try:
                    fuzz(operation, mode, protocol.auth_header(token) if token else {}, answered)
                except Exception as exc:
                    where = f"{operation.method.upper()} {operation.path}, {mode} examples, token: {who}"
                    raise AssertionError(where) from exc

    assert not [code for code in answered if code >= 500], answered
    # The examples reached the handlers: refusals of each kind, and successes.
    assert {200, 400, 401, 403} <= set(answered), answered
    assert "Traceback" not in county.log()


def fuzz(operation: Any, mode: Any, headers: dict[str, str], answered: dict[int, int]) -> None:
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        response = case.call(headers={**dict(case.headers or {}), **headers}, timeout=30)
        answered[response.status_code] = answered.get(response.status_code, 0) + 1
        case.validate_response(response, checks=[not_a_server_error])

    run()
