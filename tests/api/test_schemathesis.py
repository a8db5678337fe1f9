"""Schemathesis against the generated OpenAPI document, on the app served on 127.0.0.1.

It checks that no request makes a server error, that every response matches its declared
schema, and that every request the schema calls invalid is refused. CI runs it; locally
`pytest -m "not fuzz"` skips it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.api.conftest import ServedApi

EXAMPLES_PER_OPERATION = 200
# A DELETE of a case's record takes nothing but two ids in its path: schemathesis runs out of
# distinct examples for it well before 200 (42 to 51 seen), and stops there.
EXAMPLES_PER_DELETE = 25
# Valid-looking requests that the state of the data may still refuse, which no schema can say:
# a random If-Match names no version (412), a status change may break the workflow rules and a
# well-formed country code may name no country (422).
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "404", "409"]

[[operations]]
include-name = "PATCH /api/v1/cases/{case_id}"
checks.positive_data_acceptance.expected-statuses = ["200", "404", "409", "412", "422"]

[[operations]]
include-name = "POST /api/v1/cases/{case_id}/status"
checks.positive_data_acceptance.expected-statuses = ["201", "404", "412", "422"]

[[operations]]
include-name = "POST /api/v1/cases"
checks.positive_data_acceptance.expected-statuses = ["201", "409", "422"]

[[operations]]
include-name = "POST /api/v1/addressees"
checks.positive_data_acceptance.expected-statuses = ["201", "422"]

[[operations]]
include-name = "PATCH /api/v1/addressees/{addressee_id}"
checks.positive_data_acceptance.expected-statuses = ["200", "404", "412", "422"]

# Templates that do not compile and ids of addressees or campaigns that do not exist: 422.
[[operations]]
include-name = "POST /api/v1/cases/{case_id}/appeals"
checks.positive_data_acceptance.expected-statuses = ["201", "404", "422"]

[[operations]]
include-name = "PATCH /api/v1/appeals/{appeal_id}"
checks.positive_data_acceptance.expected-statuses = ["200", "404", "412", "422"]

# Facilities: a name taken in that country, or a language tag Babel does not know (422).
[[operations]]
include-name = "POST /api/v1/facilities"
checks.positive_data_acceptance.expected-statuses = ["201", "422"]

[[operations]]
include-name = "PATCH /api/v1/facilities/{facility_id}"
checks.positive_data_acceptance.expected-statuses = ["200", "404", "412", "422"]

# An unknown facility, or a date in the future (placements, letter reports) or decades ahead.
[[operations]]
include-name = "POST /api/v1/cases/{case_id}/placements"
checks.positive_data_acceptance.expected-statuses = ["201", "404", "422"]

[[operations]]
include-name = "POST /api/v1/cases/{case_id}/hearings"
checks.positive_data_acceptance.expected-statuses = ["201", "404", "422"]

[[operations]]
include-name = "POST /api/v1/cases/{case_id}/letter-reports"
checks.positive_data_acceptance.expected-statuses = ["201", "404", "422"]

# A photo: base64 that is not an image (almost every generated value) is a 422.
[[operations]]
include-name = "PUT /api/v1/cases/{case_id}/photo"
checks.positive_data_acceptance.expected-statuses = ["200", "404", "422"]
"""


@pytest.mark.slow
@pytest.mark.fuzz
def test_schemathesis_finds_no_mismatch(served_api: ServedApi, tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file",
        str(config),
        "run",
        f"{served_api.url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {served_api.token}",
        "--checks",
        "not_a_server_error,response_schema_conformance,"
        "negative_data_rejection,positive_data_acceptance",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--phases",
        "examples,coverage,fuzzing",
        "--mode",
        "all",
        "--seed",
        "20240601",
        # One worker: CPython 3.11's AST validator is not thread-safe, and hypothesis parses
        # lambdas' source to describe them ("AST constructor recursion depth mismatch").
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--no-color",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(tmp_path / "events.ndjson"),
    ]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "SCHEMATHESIS_HOOKS": ""},
    )
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    requests = _requests_per_operation(tmp_path / "events.ndjson")
    assert set(requests) == _operations(served_api.url), requests
    few = {
        operation: count
        for operation, count in requests.items()
        if count
        < (EXAMPLES_PER_DELETE if operation.startswith("DELETE ") else EXAMPLES_PER_OPERATION)
    }
    assert not few, few


def _operations(url: str) -> set[str]:
    """Every operation the served OpenAPI document declares, named as schemathesis names them."""
    # The app on 127.0.0.1 that the fixture started: an http URL of our own.
    with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=30) as response:  # noqa: S310
        document = json.load(response)
    methods = {"get", "post", "put", "patch", "delete"}
    return {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in methods
    }


def _requests_per_operation(events: Path) -> Counter[str]:
    """Requests sent per operation, summed over the phases, from schemathesis' event log."""
    counts: Counter[str] = Counter()
    for line in events.read_text().splitlines():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if finished and finished.get("recorder"):
            recorder = finished["recorder"]
            counts[recorder["label"]] += len(recorder.get("interactions", {}))
    return counts
