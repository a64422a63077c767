"""A plan's public comment period has dates (issue 15): set in the plan's
settings, shown on the public plan page, comments refused outside them with
a Czech message; and the settlement of the comments (vypořádání připomínek)
exports as a table (XLSX and CSV) for the council."""

import csv
import io
import re
import time
from datetime import timedelta

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from planning.forms.comments import comment_form_token
from planning.models import CommentModeration, Plan, PlanComment, PlanStatus
from planning.services import comments as comment_services
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


def _text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


def _data(**overrides):
    return {"text": "Chybí zde terénní práce.", "author_name": "Jan Novák",
            "author_email": "jan@example.org", "website": "",
            "rendered": comment_form_token(at=time.time() - 10), **overrides}


@pytest.fixture
def commenting():
    plan = PlanFactory(code="commenting", status=PlanStatus.PUBLIC_COMMENT,
                       title="Plán v připomínkách")
    PlanItemFactory.measure(plan=plan)
    return plan


def _period(plan, start_days, end_days):
    today = timezone.localdate()
    Plan.objects.filter(pk=plan.pk).update(
        comments_open_from=today + timedelta(days=start_days),
        comments_open_to=today + timedelta(days=end_days))
    plan.refresh_from_db()
    return plan


def test_an_officer_sets_the_period_in_the_plan_settings_audited(client, officer, commenting):
    client.force_login(officer)
    url = reverse("planning:plan_settings", args=[commenting.code])
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(comments_open_from="2026-03-01", comments_open_to="2026-03-31")

    response = client.post(url, data)

    assert response.status_code == 302, _text(response)
    commenting.refresh_from_db()
    assert str(commenting.comments_open_from) == "2026-03-01"
    entry = AuditEntry.objects.filter(content_type__model="plan", actor=officer).first()
    assert entry.changes["comments_open_to"] == [None, "2026-03-31"]
    response = client.post(url, {**data, "comments_open_to": "2026-02-01",
                                 "version": str(commenting.version)})
    assert "Připomínkové období nemůže skončit dřív, než začne." in _text(response)


def test_the_public_plan_page_shows_the_period(client, commenting):
    _period(commenting, -5, 10)
    text = _text(client.get(commenting.get_absolute_url()))
    start = timezone.localdate() - timedelta(days=5)
    end = timezone.localdate() + timedelta(days=10)
    period = (f"Připomínky lze podávat od {start.day}. {start.month}. {start.year} "
              f"do {end.day}. {end.month}. {end.year}.")
    assert period in text
    assert "Veřejné připomínkové řízení" in text


def test_a_comment_within_the_period_is_taken(client, commenting):
    _period(commenting, -1, 0)
    response = client.post(reverse("planning:comment_create", args=[commenting.code]), _data())
    assert response.status_code == 302
    assert PlanComment.objects.count() == 1


@pytest.mark.parametrize(("start", "end", "words"), [
    (1, 10, "ještě nezačalo"), (-10, -1, "již skončilo")])
def test_a_comment_outside_the_period_is_refused_in_czech(client, commenting, start, end,
                                                          words):
    _period(commenting, start, end)
    url = reverse("planning:comment_create", args=[commenting.code])
    response = client.post(url, _data())
    assert response.status_code == 403
    assert words in _text(response)
    assert "Připomínky lze podávat od" in _text(response)
    assert not PlanComment.objects.exists()
    page = client.get(commenting.get_absolute_url())
    assert url not in page.content.decode()  # no comment form on the plan page either


def test_the_service_refuses_outside_the_period_naming_the_day(commenting):
    _period(commenting, -10, -1)
    with pytest.raises(PermissionDenied) as refused:
        comment_services.comment_create(plan=commenting, text="Pozdě.")
    end = timezone.localdate() - timedelta(days=1)
    assert f"{end.day}. {end.month}. {end.year}" in str(refused.value)
    assert not PlanComment.objects.exists()


@pytest.fixture
def settled(commenting, officer):
    measure = commenting.items.measures().get()
    first = comment_services.comment_create(plan=commenting, item=measure,
                                            text="=HYPERLINK(\"http://zlo.example\")",
                                            author_name="Jan Novák",
                                            author_email="jan@example.org")
    comment_services.comment_settle(actor=officer, comment=first, settlement="rejected",
                                    text="Netýká se plánu.")
    comment_services.comment_create(plan=commenting, text="Celkově dobré.",
                                    author_name="Eva")
    hidden = comment_services.comment_create(plan=commenting, text="Spam")
    comment_services.comment_moderate(actor=officer, comment=hidden,
                                      moderation=CommentModeration.HIDDEN)
    return commenting


def test_the_settlement_exports_as_xlsx_for_the_council(client, officer, settled):
    client.force_login(officer)
    page = client.get(reverse("planning:comment_moderation", args=[settled.code]))
    url = reverse("planning:comment_settlement_export", args=[settled.code, "xlsx"])
    assert url in page.content.decode()

    response = client.get(url)

    assert response.status_code == 200
    assert "vyporadani-pripominek-commenting.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Č.", "Položka plánu", "Autor", "Připomínka", "Podáno", "Vypořádání")
    assert len(rows) == 3  # the hidden comment is not in it
    assert rows[1][2] == "Jan Novák" and rows[1][3] == "'=HYPERLINK(\"http://zlo.example\")"
    assert rows[1][5] == "zamítnuto"
    assert rows[1][6] == "Netýká se plánu."
    assert rows[2][1] == "plán jako celek" and rows[2][5] == "dosud nevypořádáno"
    assert "jan@example.org" not in str(rows)


def test_the_settlement_exports_as_csv(client, officer, settled):
    client.force_login(officer)
    response = client.get(reverse("planning:comment_settlement_export",
                                  args=[settled.code, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 3 and rows[1][0] == "1"
    assert rows[1][3].startswith("'=")


def test_the_settlement_export_is_for_officers(client, manager_a, settled):
    url = reverse("planning:comment_settlement_export", args=[settled.code, "csv"])
    client.force_login(manager_a)
    assert client.get(url).status_code == 403
    assert client.get(reverse("planning:comment_settlement_export",
                              args=[settled.code, "pdf"])).status_code in (403, 404)


def test_the_settlement_export_runs_a_fixed_number_of_queries(client, officer, settled,
                                                              django_assert_num_queries):
    client.force_login(officer)
    url = reverse("planning:comment_settlement_export", args=[settled.code, "csv"])
    client.get(url)
    # session, user, plan, the comments with their items and who settled them
    with django_assert_num_queries(4):
        client.get(url)
    measure = settled.items.measures().get()
    for n in range(20):
        comment = comment_services.comment_create(plan=settled, item=measure, text=f"P {n}")
        comment_services.comment_settle(actor=officer, comment=comment, settlement="noted")
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.content.decode().splitlines()) == 23
