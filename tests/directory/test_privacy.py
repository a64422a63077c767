"""The privacy notice (GDPR articles 13 and 14): the controller from the city
settings, the data protection officer, the kinds of data with purpose, legal
basis and retention, recipients, published records and rights; Czech and
English; edited by the administrator."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import pagecache
from core.audit import audit_entries_for
from core.seeding import SeedSummary
from directory import privacy, seed
from directory.models import PrivacyDataKind, PrivacyNotice
from tests.directory.factories import PrivacyDataKindFactory, PrivacyNoticeFactory, the_city

pytestmark = pytest.mark.django_db

NOTICE = reverse("directory:privacy")


def test_every_page_links_the_notice_from_its_footer(client):
    for path in ("/", "/groups/", "/stranka-neexistuje/"):
        html = client.get(path).content.decode()
        footer = html[html.index('<footer class="site-footer">'):]
        assert f'href="{NOTICE}"' in footer, path


def test_notice_names_the_controller_from_the_city_settings_and_every_part(client):
    city = the_city()
    PrivacyNoticeFactory(controller_email="podatelna@testov.example")
    PrivacyDataKindFactory(name_cs="Prezenční listiny", legal_basis="legal_obligation",
                           retention_cs="10 let od ukončení projektu")

    html = client.get(NOTICE).content.decode()

    assert city.display_name in html and city.address in html
    assert "podatelna@testov.example" in html
    assert "Mgr. Pověřená Osoba" in html and "poverenec@testov.example" in html
    assert "Prezenční listiny" in html and "10 let od ukončení projektu" in html
    assert "právní povinnost (čl. 6 odst. 1 písm. c) GDPR)" in html
    for heading in ("Správce", "Pověřenec pro ochranu osobních údajů", "Příjemci",
                    "Zveřejněné záznamy", "Vaše práva a jak je uplatnit"):
        assert heading in html, heading
    assert "Zveřejněné zápisy zůstávají" in html
    assert "1. 12. 2026" in html


def test_notice_in_english(client):
    PrivacyNoticeFactory()
    PrivacyDataKindFactory(name_en="Members' contacts", retention_en="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(NOTICE).content.decode()
    assert "Data protection officer" in html and "Members&#x27; contacts" in html
    assert "Po dobu členství." in html  # an English text left empty: the Czech one


def test_no_notice_yet(client):
    assert "dosud nebyly zveřejněny" in client.get(NOTICE).content.decode()


def test_notice_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    PrivacyNoticeFactory()
    PrivacyDataKindFactory()
    client.get(NOTICE)
    pagecache.invalidate()  # count the render, not a cache hit
    with django_assert_num_queries(2):  # the notice, the kinds of data
        client.get(NOTICE)
    PrivacyDataKindFactory.create_batch(4)
    pagecache.invalidate()  # count the render, not a cache hit
    with django_assert_num_queries(2):
        client.get(NOTICE)


def test_the_administrator_writes_the_notice_and_its_kinds(client, administrator):
    client.force_login(administrator)
    data = {"updated_on": "2026-12-05", "dpo_name": "Pověřenec", "dpo_email": "p@example.org",
            "recipients_cs": "Veřejnost", "rights_cs": "Přístup a výmaz"}
    assert client.post(reverse("directory:privacy_edit"), data).status_code == 302
    notice = PrivacyNotice.objects.get()
    assert notice.city == the_city()

    response = client.post(reverse("directory:privacy_edit"),
                           {**data, "dpo_email": "není adresa", "version": 1})
    assert response.status_code == 200
    assert "dpo_email" in response.context["form"].errors

    response = client.post(reverse("directory:privacy_data_kind_create"), {
        "position": 1, "name_cs": "Kontakty", "purpose_cs": "Svolávání jednání",
        "legal_basis": "public_task", "retention_cs": "Po dobu členství"})
    assert response.status_code == 302
    kind = PrivacyDataKind.objects.get()
    response = client.post(reverse("directory:privacy_data_kind_update", args=[kind.pk]), {
        "position": 1, "name_cs": "Kontakty", "purpose_cs": "Svolávání jednání",
        "legal_basis": "public_task", "retention_cs": "Do konce členství", "version": 1})
    assert response.status_code == 302
    entries = list(audit_entries_for(kind))
    assert entries[0].changes["retention_cs"] == ["Po dobu členství", "Do konce členství"]
    assert len(entries) == 2 and audit_entries_for(notice).count() == 1


def test_an_officer_may_not_edit_the_notice(officer):
    with pytest.raises(PermissionDenied):
        privacy.notice_save(actor=officer, city=the_city(), dpo_name="x", dpo_email="x@x.cz",
                            recipients_cs="x", rights_cs="x",
                            updated_on=datetime.date(2026, 12, 1))
    assert not PrivacyNotice.objects.exists()


def test_the_demo_notice_is_loaded_once():
    seed.load_privacy(SeedSummary())
    assert PrivacyNotice.objects.count() == 1
    kinds = PrivacyDataKind.objects.count()
    assert kinds >= 4
    seed.load_privacy(SeedSummary())
    assert PrivacyNotice.objects.count() == 1 and PrivacyDataKind.objects.count() == kinds


def test_the_demo_notice_says_what_becomes_of_requests_to_fix_and_sign_ins():
    seed.load_privacy(SeedSummary())
    requests = PrivacyDataKind.objects.get(name_cs__startswith="Podněty k nápravě")
    # Kept with the sender's e-mail, in the person's export and anonymisation.
    assert "s e-mailovou adresou odesílatele" in requests.purpose_cs
    assert "součástí výpisu všech údajů o ní" in requests.purpose_cs
    assert "při anonymizaci osoby" in requests.purpose_cs
    assert "export" in requests.purpose_en and "anonymised" in requests.purpose_en
    accounts = PrivacyDataKind.objects.get(name_cs__contains="přihlášení")
    assert "jednotné přihlášení" in accounts.purpose_cs
    assert "zapisuje do záznamu o změnách" in accounts.purpose_cs
    assert "single sign-on" in accounts.purpose_en


def test_forms_that_collect_personal_data_say_why_next_to_the_field(client, officer):
    from meetings.forms import AttendanceSheetForm

    client.force_login(officer)
    html = client.get(reverse("directory:person_create")).content.decode()
    assert 'id="id_email_helptext"' in html and "K zasílání pozvánek" in html
    assert 'id="id_phone_helptext"' in html and "Aby osobu mohl zastihnout" in html
    assert "nikdy se nezveřejňuje" in str(AttendanceSheetForm().fields["scan"].help_text)


@pytest.mark.parametrize("form_path, fields", [
    ("planning.forms.comments.CommentForm", ["author_name", "author_email"]),
    ("directory.forms.AccessibilityRequestForm", ["name", "email"]),
    ("directory.forms.PersonForm", ["email", "phone"]),
    ("directory.forms.MembershipStartForm", ["member", "substitute"]),
    ("directory.forms.MembershipChangeForm", ["member", "substitute"]),
    ("meetings.forms.MembershipChangeForm", ["member", "substitute"]),
    ("meetings.forms.AttendanceForm", ["person", "name_text"]),
    ("meetings.forms.AttendanceSheetForm", ["scan"]),
])
def test_every_field_that_takes_personal_data_says_why(form_path, fields, group_a):
    """Each form that records a person (a comment, a request to fix, the
    directory, a membership, attendance) says next to the field why."""
    from django.utils.module_loading import import_string

    from meetings.models import Meeting
    from tests.meetings.factories import MeetingFactory

    form_class = import_string(form_path)
    kwargs = {}
    if form_path in ("meetings.forms.AttendanceForm", "meetings.forms.MembershipChangeForm"):
        kwargs["meeting"] = Meeting.objects.get(pk=MeetingFactory(body=group_a).pk)
    form = form_class(**kwargs)
    for name in fields:
        help_text = str(form.fields[name].help_text)
        assert help_text, f"{form_path}.{name} does not say why"
