"""No internals on the officer's screens: every page of the role matrix that a
city officer may open (tests/test_role_matrix.py; its world built once for this
module) is read in Czech and must not show Django's "---------" empty choice,
"None" before an arrow, decimals in exponent form ("2E+1"), untranslated raw
field names as labels ("Parent", "Plan", "Level"), developer notes ("README",
"amount_text") or field names in a proposal list ("title: …")."""

import re

import pytest
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditAction
from planning.models import ChangeProposal
from tests.test_role_matrix import MATRIX, client_as, matrix_client, world  # noqa: F401

FORBIDDEN = [
    (re.compile(r"-{9}"), "Django's empty choice"),
    (re.compile(r"None\s*(→|&rarr;)|(→|&rarr;)\s*None"), "None in a change"),
    (re.compile(r"\dE[+-]\d"), "a decimal in exponent form"),
    (re.compile(r"<label[^>]*>\s*(Parent|Plan|Level|Item|Indicator|Meeting|Project|Group|"
                r"Organisation|Value|Periodic task|Created by)\s*:?\s*<", re.I),
     "an untranslated field label"),
    (re.compile(r"<th[^>]*>\s*(Parent|Plan|Level)\s*</th>"), "an untranslated column"),
    (re.compile(r"(?<![\w\"=_-])(README|amount_text|territory_text|value_text)\b"),
     "a developer's note"),
    (re.compile(r'class="field-name">(title|description|target_text|status)<'),
     "a raw field name"),
]


def _officer_pages():
    for url_name, scopes in MATRIX.items():
        for scope, args, expected in scopes:
            if expected["city_officer"] == 200:
                yield url_name, scope, args


def _problems(text):
    return [f"{why}: …{text[max(0, m.start() - 60):m.end() + 60]}…"
            for pattern, why in FORBIDDEN for m in [pattern.search(text)] if m]


@pytest.mark.django_db
def test_officer_pages_show_no_internals(world, client_as):  # noqa: F811
    client = client_as("city_officer")
    ChangeProposal.objects.create(
        plan=world["plan_published"], item=world["measure_published"], kind="edit",
        values={"title": "Nový název", "target_year": 2030},
        original_values={"title": world["measure_published"].title},
        proposed_by=world["users"]["manager_a"])
    # A value change recorded before decimals were written as plain digits.
    audit_record(actor=world["users"]["city_officer"], action=AuditAction.UPDATE,
                 instance=world["ind_public"], with_snapshot=False,
                 changes={"2023 CZ: value": [None, "2E+1"], "2023 CZ: parts": [
                     [], [["muži", "12.0000"], ["ženy", "8.0000"]]]})
    found, checked = {}, 0
    for url_name, scope, args in _officer_pages():
        url = reverse(url_name, args=args(dict(world)))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="cs")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        checked += 1
        problems = _problems(response.content.decode())
        if problems:
            found[f"{url_name}[{scope}] {url}"] = problems
    assert checked > 50
    assert not found, "\n".join(f"{url}: {p}" for url, p in found.items())
