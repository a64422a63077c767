"""The accessibility statement (Act 99/2019 Sb., § 8), its known gaps and
requests to fix (§ 9)."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from core import pagecache
from core.audit import audit_entries_for
from core.seeding import SeedSummary
from directory import accessibility, seed
from directory.models import (
    AccessibilityGap,
    AccessibilityRequest,
    AccessibilityStatement,
    City,
)
from directory.views_accessibility import REQUEST_LIMIT
from tests.directory.factories import (
    AccessibilityGapFactory,
    AccessibilityRequestFactory,
    AccessibilityStatementFactory,
    the_city,
)

pytestmark = pytest.mark.django_db

STATEMENT = reverse("directory:accessibility")
REQUEST_FORM = reverse("directory:accessibility_request")
DESK = reverse("directory:accessibility_request_list")


def _request_post(**overrides):
    return {"page": "/indicators/", "text": "Graf nemá textovou alternativu.",
            "name": "Jana", "email": "jana@example.org", **overrides}


# --- The public statement ------------------------------------------------------------


def test_every_page_links_the_statement_from_its_footer(client):
    for path in ("/", "/groups/", "/stranka-neexistuje/"):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site-footer">'):]
        assert f'href="{STATEMENT}"' in footer, path


def test_statement_has_the_model_statements_parts_and_the_open_gaps(client):
    statement = AccessibilityStatementFactory(reviewed_on=datetime.date(2026, 12, 3))
    AccessibilityGapFactory(description_cs="Netagované zápisy v PDF", criterion="1.3.1",
                            alternative_cs="Zápis je i na webové stránce.")
    AccessibilityGapFactory(description_cs="Opravená mezera", fixed_on=datetime.date(2026, 11, 20))

    html = client.get(STATEMENT).content.decode()

    for heading in ("Stav souladu", "Nepřístupný obsah", "Vypracování tohoto prohlášení",
                    "Zpětná vazba a kontaktní údaje", "Postup pro vymáhání"):
        assert heading in html, heading
    assert statement.city.display_name in html
    assert "částečně v souladu" in html
    assert "EN 301 549" in html
    assert "Netagované zápisy v PDF" in html and "1.3.1" in html
    assert "Zápis je i na webové stránce." in html
    assert "Opravená mezera" not in html  # fixed gaps leave the statement
    assert "1. 12. 2026" in html and "3. 12. 2026" in html
    assert "vlastního posouzení" in html
    assert "Ministerstvo vnitra" in html
    assert f'href="{REQUEST_FORM}"' in html
    assert 'href="mailto:pristupnost@testov.example"' in html


def test_a_partial_status_without_an_open_gap_is_flagged_to_its_editors(client, administrator):
    """Partial compliance names the non-compliances "listed below": when the
    last gap is closed, the administrator is told to review the status; the
    public page never points to a list that is not there."""
    AccessibilityStatementFactory(compliance="partial")
    gap = AccessibilityGapFactory()
    client.force_login(administrator)
    assert "Žádná mezera není otevřená" not in client.get(STATEMENT).content.decode()

    AccessibilityGap.objects.filter(pk=gap.pk).update(fixed_on=gap.found_on)
    html = client.get(STATEMENT).content.decode()
    assert "Žádná mezera není otevřená" in html
    assert "níže uvedených" not in html

    client.logout()
    pagecache.invalidate()
    html = client.get(STATEMENT).content.decode()
    assert "Žádná mezera není otevřená" not in html
    assert "níže uvedených" not in html and "částečně v souladu" in html


def test_the_demo_statement_agrees_with_its_open_gaps():
    seed.load_accessibility(SeedSummary())
    statement = AccessibilityStatement.objects.get()
    open_gaps = AccessibilityGap.objects.open().exists()
    assert (statement.compliance == "full") == (not open_gaps)
    assert statement.reviewed_on is not None  # reviewed when its last gap was fixed


def test_statement_in_english_uses_the_english_texts(client):
    AccessibilityStatementFactory(compliance="full")
    AccessibilityGapFactory(description_cs="Netagované PDF", description_en="Untagged PDF")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(STATEMENT).content.decode()

    assert "Compliance status" in html and "fully compliant" in html
    assert "Untagged PDF" in html and "Netagované PDF" not in html
    assert "The Ministry of the Interior" in html


def test_an_english_text_left_empty_falls_back_to_czech(client):
    AccessibilityStatementFactory(enforcement_en="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Ministerstvo vnitra" in client.get(STATEMENT).content.decode()


def test_no_city_name_in_the_page_template():
    template = (settings.BASE_DIR / "directory/templates/directory/accessibility/"
                "statement.html").read_text()
    assert "Ostrava" not in template


def test_statement_not_prepared_yet_still_offers_the_form(client):
    html = client.get(STATEMENT).content.decode()
    assert "dosud nebylo vypracováno" in html
    assert f'href="{REQUEST_FORM}"' in html


def test_statement_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    AccessibilityStatementFactory()
    AccessibilityGapFactory()
    client.get(STATEMENT)  # the city is cached from here on
    pagecache.invalidate()  # count the render, not a cache hit
    with django_assert_num_queries(2):  # the statement, the open gaps
        client.get(STATEMENT)
    AccessibilityGapFactory.create_batch(5)
    pagecache.invalidate()  # count the render, not a cache hit
    with django_assert_num_queries(2):
        client.get(STATEMENT)


# --- Requests to fix ----------------------------------------------------------------------


def test_a_request_is_saved_audited_and_mailed_to_the_administrators(
        client, administrator, mailoutbox, django_capture_on_commit_callbacks):
    AccessibilityStatementFactory(contact_email="pristupnost@testov.example")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REQUEST_FORM, _request_post())

    assert response.status_code == 302 and response["Location"] == STATEMENT
    request = AccessibilityRequest.objects.get()
    assert (request.page, request.email, request.answered_at) == (
        "/indicators/", "jana@example.org", None)
    assert request.client_ip_hash and "127.0.0.1" not in request.client_ip_hash
    assert audit_entries_for(request).count() == 1
    # One mail per recipient, each with its own unsubscribe link.
    assert {address for mail in mailoutbox for address in mail.to} == {
        administrator.email, "pristupnost@testov.example"}
    assert all(reverse("directory:accessibility_request_answer", args=[request.pk]) in mail.body
               for mail in mailoutbox)


def test_the_form_says_why_it_asks_for_the_address(client):
    html = client.get(REQUEST_FORM).content.decode()
    assert "bez něj vám nemůžeme odpovědět" in html


def test_an_empty_request_is_refused_with_a_message(client):
    response = client.post(REQUEST_FORM, _request_post(text="   "))
    assert response.status_code == 200
    assert "Toto pole je třeba vyplnit." in response.content.decode()
    assert not AccessibilityRequest.objects.exists()


def test_a_filled_honeypot_saves_nothing(client):
    response = client.post(REQUEST_FORM, _request_post(website="http://spam.example"))
    assert response.status_code == 200
    assert "nebylo možné přijmout" in response.content.decode()
    assert not AccessibilityRequest.objects.exists()


def test_requests_are_throttled_per_address(client):
    for _ in range(REQUEST_LIMIT):
        assert client.post(REQUEST_FORM, _request_post()).status_code == 302
    response = client.post(REQUEST_FORM, _request_post())
    assert response.status_code == 429
    assert AccessibilityRequest.objects.count() == REQUEST_LIMIT


def test_the_page_concerned_comes_from_the_link(client):
    response = client.get(REQUEST_FORM, {"page": "/indicators/12/"})
    assert 'value="/indicators/12/"' in response.content.decode()


def test_an_unanswered_request_stays_on_the_desk_until_answered(client, administrator):
    waiting = AccessibilityRequestFactory(text="Čeká na odpověď")
    client.force_login(administrator)

    desk = client.get(DESK).content.decode()
    assert "Čeká na odpověď" in desk

    answer_url = reverse("directory:accessibility_request_answer", args=[waiting.pk])
    response = client.post(answer_url, {"answer": "Opraveno, děkujeme.", "version": 1})
    assert response.status_code == 302

    waiting.refresh_from_db()
    assert waiting.answer == "Opraveno, děkujeme." and waiting.answered_by == administrator
    assert waiting.answered_at is not None
    assert audit_entries_for(waiting).first().changes["answer"] == ["", "Opraveno, děkujeme."]
    desk = client.get(DESK).content.decode()
    assert "Žádný podnět nečeká na odpověď." in desk


def test_the_administrators_desk_says_how_many_requests_wait(client, administrator, officer):
    """The administrator's desk (core/desk.py), where they land after signing
    in, names the waiting requests and links them until they are answered."""
    waiting = AccessibilityRequestFactory()
    AccessibilityRequestFactory(answer="Hotovo", answered_at=datetime.datetime(
        2026, 12, 1, tzinfo=datetime.UTC))
    desk = reverse("core:desk")
    client.force_login(administrator)

    html = client.get(desk).content.decode()
    assert "Podněty k nápravě přístupnosti čekající na odpověď" in html
    assert f'href="{DESK}"' in html and '<span class="badge">1</span>' in html

    accessibility.request_answer(actor=administrator, request=waiting, answer="Opraveno.")
    html = client.get(desk).content.decode()
    assert "čekající na odpověď" not in html
    assert f'href="{DESK}"' in html  # the answered ones stay reachable

    client.force_login(officer)
    assert f'href="{DESK}"' not in client.get(desk).content.decode()


def test_an_empty_answer_is_refused(client, administrator):
    waiting = AccessibilityRequestFactory()
    client.force_login(administrator)
    url = reverse("directory:accessibility_request_answer", args=[waiting.pk])
    response = client.post(url, {"answer": " ", "version": 1})
    assert response.status_code == 200
    waiting.refresh_from_db()
    assert waiting.answered_at is None


def test_only_the_administrator_answers(officer):
    with pytest.raises(PermissionDenied):
        accessibility.request_answer(actor=officer, request=AccessibilityRequestFactory(),
                                     answer="x")


def test_an_answer_needs_its_date_in_the_database():
    request = AccessibilityRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessibilityRequest.objects.filter(pk=request.pk).update(answer="bez data")


def test_desk_costs_a_fixed_number_of_queries(client, administrator,
                                              django_assert_num_queries):
    AccessibilityRequestFactory()
    client.force_login(administrator)
    client.get(DESK)
    with django_assert_num_queries(4):  # session, user, OTP device, the requests
        client.get(DESK)
    AccessibilityRequestFactory.create_batch(4)
    with django_assert_num_queries(4):
        client.get(DESK)


# --- The statement's texts and the gaps ------------------------------------------------


def test_the_administrator_creates_and_edits_the_statement(client, administrator):
    client.force_login(administrator)
    url = reverse("directory:accessibility_edit")
    data = {"compliance": "partial", "standard": "EN 301 549 V3.2.1 (WCAG 2.1, AA)",
            "prepared_on": "2026-12-05", "method": "self",
            "enforcement_cs": "Ministerstvo vnitra", "contact_email": "a@example.org"}
    assert client.post(url, data).status_code == 302
    statement = AccessibilityStatement.objects.get()
    assert statement.city == the_city()

    response = client.post(url, {**data, "reviewed_on": "2026-12-01", "version": 1})
    assert response.status_code == 200
    assert "nemůže být přezkoumáno dříve" in response.content.decode()

    assert client.post(url, {**data, "reviewed_on": "2026-12-06", "version": 1}).status_code \
        == 302
    statement.refresh_from_db()
    assert statement.reviewed_on == datetime.date(2026, 12, 6)
    assert audit_entries_for(statement).count() == 2


def test_an_officer_may_not_edit_the_statements_texts(officer):
    with pytest.raises(PermissionDenied):
        accessibility.statement_save(actor=officer, city=the_city(),
                                     prepared_on=datetime.date(2026, 12, 1), enforcement_cs="x")


def test_officers_record_and_close_gaps_with_an_audit_trail(client, officer):
    AccessibilityStatementFactory()
    client.force_login(officer)
    response = client.post(reverse("directory:accessibility_gap_create"), {
        "description_cs": "Mapa bez alternativy", "reason": "disproportionate_burden",
        "found_on": "2026-12-01"})
    assert response.status_code == 302
    gap = AccessibilityGap.objects.get()
    assert "Mapa bez alternativy" in client.get(STATEMENT).content.decode()
    assert "nepřiměřená zátěž" in client.get(STATEMENT).content.decode().lower()

    response = client.post(reverse("directory:accessibility_gap_update", args=[gap.pk]), {
        "description_cs": "Mapa bez alternativy", "reason": "disproportionate_burden",
        "found_on": "2026-12-01", "fixed_on": "2026-12-04", "version": 1})
    assert response.status_code == 302
    assert "Mapa bez alternativy" not in client.get(STATEMENT).content.decode()
    entries = list(audit_entries_for(gap))
    assert [e.action for e in entries] == ["update", "create"]
    assert entries[0].changes["fixed_on"] == [None, "2026-12-04"]
    assert "Mapa bez alternativy" in client.get(
        reverse("directory:accessibility_gap_list")).content.decode()


def test_a_gap_cannot_be_fixed_before_it_was_known(officer):
    with pytest.raises(ValidationError) as error:
        accessibility.gap_create(actor=officer, city=the_city(), description_cs="x",
                                 found_on=datetime.date(2026, 12, 2),
                                 fixed_on=datetime.date(2026, 12, 1))
    assert "fixed_on" in error.value.message_dict
    assert not AccessibilityGap.objects.exists()


# --- Demo defaults ---------------------------------------------------------------------


def test_the_demo_statement_is_loaded_once_and_never_overwrites_the_administrators():
    seed.load_accessibility(SeedSummary())
    statement = AccessibilityStatement.objects.get()
    assert statement.city == City.objects.get()
    assert AccessibilityGap.objects.count() >= 1
    # The demo's untagged PDFs were fixed (issue 15: tagged PDF/UA): the gap stays
    # as history and leaves the statement's list.
    pdfs = AccessibilityGap.objects.get(description_en__contains="PDF")
    assert pdfs.fixed_on == datetime.date(2026, 12, 5)
    assert not AccessibilityGap.objects.open().filter(description_en__contains="PDF").exists()
    # No manual review yet: the statement says partial and lists that as open.
    assert statement.compliance == "partial"
    assert AccessibilityGap.objects.open().filter(description_en__contains="by hand").exists()
    gaps = AccessibilityGap.objects.count()
    statement.enforcement_cs = "Upraveno správcem"
    statement.save()

    seed.load_accessibility(SeedSummary())

    assert AccessibilityStatement.objects.get().enforcement_cs == "Upraveno správcem"
    assert AccessibilityGap.objects.count() == gaps
