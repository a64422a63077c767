"""Forms and pages in words people read: a Czech empty choice instead of
"---------", money typed as "1 000 000,00" accepted, a year never grouped as
"2 025"."""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from core.forms import PortalForm, parse_decimal_input
from projects.models import Project
from tests.projects.factories import CallFactory
from tests.projects.test_views import _create_post
from tests.reports.factories import ReportJobFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("typed", "parsed"), [
    ("1 000 000,00", Decimal("1000000.00")),
    ("1\xa0000\xa0000,00", Decimal("1000000.00")),
    ("1\u202f000,5", Decimal("1000.5")),
    ("3648425.00", Decimal("3648425.00")),
    ("3,01", Decimal("3.01")),
])
def test_czech_numbers_are_read(typed, parsed):
    assert parse_decimal_input(typed) == parsed


def test_a_money_field_accepts_grouped_amounts(client, officer):
    client.force_login(officer)
    response = client.post(reverse("projects:project_create"), _create_post(
        CallFactory(), total_budget="3\xa0648\xa0425,00", **{
            "funding-0-amount": "182 421,25", "funding-1-amount": "3 101 161,25",
            "funding-2-amount": "364\xa0842,50", "funding-2-percent": "10,0"}))
    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get().total_budget == Decimal("3648425.00")
    page = client.get(reverse("projects:project_update", args=[Project.objects.get().pk]),
                      HTTP_ACCEPT_LANGUAGE="cs").content.decode()
    assert 'value="3\xa0648\xa0425"' in page and 'inputmode="decimal"' in page


def test_empty_choices_read_in_czech(client, officer):
    client.force_login(officer)
    page = client.get(reverse("projects:project_create"), HTTP_ACCEPT_LANGUAGE="cs")
    text = page.content.decode()
    assert "---------" not in text
    assert "— vyberte —" in text or "(žádné)" in text

    class Choice(PortalForm):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
        other = forms.ChoiceField(choices=[("", "---------"), ("a", "A")], required=False)

    form = Choice()
    assert [str(label) for _v, label in form.fields["kind"].choices] == ["— vyberte —", "A"]
    assert str(form.fields["other"].choices[0][1]) == "(žádné)"


def test_a_year_is_never_grouped(client, officer):
    job = ReportJobFactory.finished()
    job.parameters = {**job.parameters, "year": 2025}
    job.save()
    client.force_login(officer)
    page = client.get(reverse("reports:job_detail", args=[job.pk]),
                      HTTP_ACCEPT_LANGUAGE="cs").content.decode()
    assert "Hodnocený rok" in page
    assert "2\xa0025" not in page and "2 025" not in page and "<dd>2025</dd>" in page


def test_a_field_added_after_the_form_is_built_reads_in_czech():
    """A form that adds fields in its own __init__, after PortalForm's (the change
    proposal's status, level by level), still shows no "---------" and reads Czech
    decimals: the fields are made readable when they are shown or cleaned."""
    from planning.forms.comments import ProposalForm

    class Later(PortalForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["kind"] = forms.ChoiceField(choices=[("", "---------"), ("a", "A")],
                                                    required=False)
            self.fields["amount"] = forms.DecimalField(required=False)

    html = str(Later())
    assert "---------" not in html and "(žádné)" in html
    form = Later({"kind": "a", "amount": "1 000 000,00"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1000000.00")
    proposal = str(ProposalForm(fields=("status",), new=True))
    assert "---------" not in proposal and "(žádné)" in proposal
