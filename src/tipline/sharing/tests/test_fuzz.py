"""Fuzzing the receiving endpoint (DESIGN.md guarantee 6): never a 500, never a write, for
random bodies and for random payloads properly signed by a known partner."""

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tipline.reports.models import Report
from tipline.sharing.models import ReceivedPackage
from tipline.sharing.tests.helpers import TwoDesks
from tipline.sharing.tests.partner_kit import FakePartner, post

EXAMPLES = int(os.environ.get("TIPLINE_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(files_dir: object) -> FakePartner:
    TwoDesks()
    return FakePartner()


@FUZZ
@given(body=st.binary(max_size=2000))
def test_random_bodies_are_refused_cleanly(partner: FakePartner, body: bytes) -> None:
    response = post(body)
    assert 400 <= response.status_code < 500
    assert not ReceivedPackage.objects.exists()


@FUZZ
@given(
    kind=st.sampled_from(["share", "message", "outcome", "opened", "hello", "other"]),
    fields=st.dictionaries(
        st.sampled_from(
            ["id", "created", "about", "to", "recipient_desk", "sender_desk", "bundle"]
        ),
        JSON,
        max_size=7,
    ),
    bundle=JSON,
)
def test_signed_but_hostile_payloads_never_fail_the_server(
    partner: FakePartner, kind: str, fields: dict, bundle: object
) -> None:
    data = {"tipline_package": 1, "type": kind, **fields}
    if "bundle" not in fields:
        data["bundle"] = {"type": "bundle", "objects": bundle}
    body = partner.package(json.dumps(data).encode())
    before = Report.objects.count()
    response = post(body)
    assert response.status_code in {200, 400, 403, 404, 409, 422}, response.content
    if response.status_code != 200:
        assert Report.objects.count() == before
