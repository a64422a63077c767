"""Public comment (veřejné připomínkové řízení): open only during public comment,
throttled per address, spam refused without third-party services, plain text,
moderated and settled by officers (audited)."""

import logging
import time
from unittest import mock

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.audit import audit_entries_for
from core.models import AuditAction
from core.throttle import throttle_hit
from planning.forms.comments import comment_form_token
from planning.models import CommentModeration, CommentSettlement, PlanComment, PlanStatus
from planning.services import comments as comment_services
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commenting():
    plan = PlanFactory(code="commenting", status=PlanStatus.PUBLIC_COMMENT)
    PlanItemFactory.measure(plan=plan)
    return plan


@pytest.fixture
def measure(commenting):
    return commenting.items.measures().get()


def _says(response, msgid):
    """The page shows `msgid` in the language it was rendered in."""
    with translation.override(response["Content-Language"]):
        return translation.gettext(msgid) in response.content.decode()


def _item_url(item):
    return reverse("planning:item_comment_create", args=[item.plan.code, item.pk])


def _data(**overrides):
    """A form as a person sends it: rendered ten seconds ago, honeypot empty."""
    return {"text": "Chybí zde terénní práce.", "author_name": "Jan Novák",
            "author_email": "jan@example.org", "website": "",
            "rendered": comment_form_token(at=time.time() - 10), **overrides}


def test_anyone_comments_during_public_comment(client, measure):
    response = client.get(_item_url(measure))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="website"' in body and 'tabindex="-1"' in body and 'aria-hidden="true"' in body
    response = client.post(_item_url(measure), _data(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    comment = PlanComment.objects.get()
    assert comment.item == measure and comment.plan == measure.plan
    assert comment.moderation == CommentModeration.PENDING
    assert comment.settlement == CommentSettlement.UNSETTLED
    assert comment.author_name == "Jan Novák"
    # Only a salted hash of the address is kept.
    assert "203.0.113.7" not in comment.client_ip_hash and len(comment.client_ip_hash) == 64
    assert comment.client_ip_hash == comment_services.client_ip_hash("203.0.113.7")
    entry = audit_entries_for(comment).get()
    assert entry.action == AuditAction.CREATE and entry.actor is None


def test_name_and_email_are_optional_and_plan_as_a_whole(client, commenting):
    url = reverse("planning:comment_create", args=[commenting.code])
    response = client.post(url, _data(author_name="", author_email=""))
    assert response.status_code == 302
    comment = PlanComment.objects.get()
    assert comment.item is None and comment.author_name == ""


@pytest.mark.parametrize("status", [PlanStatus.IN_FORCE, PlanStatus.DRAFT,
                                    PlanStatus.APPROVED, PlanStatus.ARCHIVED])
def test_comment_refused_outside_public_comment(client, officer, status):
    plan = PlanFactory(status=status)
    item = PlanItemFactory.measure(plan=plan)
    for user in (None, officer):
        if user:
            client.force_login(user)
        for url in (_item_url(item), reverse("planning:comment_create", args=[plan.code])):
            response = client.post(url, _data())
            # Refused: a clear 403 page, or the login page for a draft the
            # visitor cannot even see. Never a 500, never saved.
            assert response.status_code in (302, 403), response.status_code
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("accounts:login"))
            else:
                assert _says(response, "This plan is not open for public comment")
    assert not PlanComment.objects.exists()
    with pytest.raises(comment_services.CommentingClosed):
        comment_services.comment_create(plan=plan, item=item, text="Ahoj")


def test_form_is_shown_only_during_public_comment(rf_request, commenting, measure):
    html = render_to_string("planning/plans/_item_comments.html",
                            {"plan": commenting, "item": measure, "request": rf_request})
    assert 'name="text"' in html
    published = PlanFactory(status=PlanStatus.IN_FORCE)
    item = PlanItemFactory.measure(plan=published)
    html = render_to_string("planning/plans/_item_comments.html",
                            {"plan": published, "item": item, "request": rf_request})
    assert 'name="text"' not in html
    html = render_to_string("planning/plans/_plan_comments.html",
                            {"plan": published, "request": rf_request})
    assert "<form" not in html


@pytest.fixture
def rf_request():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_item_of_another_plan_is_not_found(client, commenting):
    other = PlanItemFactory.measure(plan=PlanFactory(status=PlanStatus.PUBLIC_COMMENT))
    url = reverse("planning:item_comment_create", args=[commenting.code, other.pk])
    assert client.post(url, _data()).status_code == 404
    assert not PlanComment.objects.exists()
    with pytest.raises(Exception):  # noqa: B017 - the service refuses it too
        comment_services.comment_create(plan=commenting, item=other, text="x")


@pytest.fixture
def one_window():
    """All hits in one fixed window, on a cache of this test's own (so that a
    parallel test clearing the shared Redis cannot reset the count)."""
    from django.core.cache.backends.locmem import LocMemCache

    own = LocMemCache(f"throttle-{time.monotonic_ns()}", {})
    with mock.patch("core.throttle.cache", own), \
            mock.patch("core.throttle.time.time", return_value=1_800_000_000.0):
        yield own


def test_sixth_comment_within_the_window_is_throttled(client, measure, one_window):
    for _ in range(5):
        assert client.post(_item_url(measure), _data(), REMOTE_ADDR="198.51.100.1"
                           ).status_code == 302
    response = client.post(_item_url(measure), _data(), REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    assert _says(response, "Too many comments at once")
    assert PlanComment.objects.count() == 5
    # Another address is not affected.
    assert client.post(_item_url(measure), _data(), REMOTE_ADDR="198.51.100.2"
                       ).status_code == 302


def test_throttle_counts_in_a_fixed_window():
    """On the real cache (Redis in the tests)."""
    key = f"unit-{time.monotonic_ns()}"
    with mock.patch("core.throttle.time.time", return_value=1_800_000_000.0):
        assert [throttle_hit(key, 3, 60) for _ in range(4)] == [True, True, True, False]
        assert throttle_hit(f"{key}-other", 3, 60)
    # The next window starts afresh.
    with mock.patch("core.throttle.time.time", return_value=1_800_000_060.0):
        assert throttle_hit(key, 3, 60)


def test_throttle_works_with_the_file_cache(tmp_path):
    from django.core.cache.backends.filebased import FileBasedCache

    file_cache = FileBasedCache(str(tmp_path), {})
    with mock.patch("core.throttle.cache", file_cache):
        assert [throttle_hit("file", 2, 60) for _ in range(3)] == [True, True, False]
    assert any(tmp_path.iterdir())


def test_throttle_fails_open_when_the_cache_is_down(caplog):
    with mock.patch("core.throttle.cache") as broken:
        broken.add.side_effect = ConnectionError("redis down")
        with caplog.at_level(logging.WARNING, logger="core.throttle"):
            assert throttle_hit("down", 1, 60) is True
            assert throttle_hit("down", 1, 60) is True
    assert "cache unavailable" in caplog.text


def test_comment_still_accepted_when_the_cache_is_down(client, measure):
    with mock.patch("core.throttle.cache") as broken:
        broken.add.side_effect = ConnectionError("redis down")
        assert client.post(_item_url(measure), _data()).status_code == 302
    assert PlanComment.objects.count() == 1


@pytest.mark.parametrize("spam", [
    {"website": "https://spam.example"},  # the honeypot
    {"rendered": "fresh"},  # sent at once after rendering
    {"rendered": "forged"},
    {"rendered": ""},
])
def test_spam_is_refused_and_nothing_saved(client, measure, spam):
    if spam.get("rendered") == "fresh":
        spam = {"rendered": comment_form_token()}
    response = client.post(_item_url(measure), _data(**spam))
    assert response.status_code == 400
    body = response.content.decode()
    assert _says(response, "Your comment could not be accepted. Please check it and send it "
                           "again.")
    for leak in ("honeypot", "too fast", "seconds", "signature"):
        assert leak not in body.lower()
    assert not PlanComment.objects.exists()


def test_too_long_or_empty_text_is_a_form_error(client, measure):
    for text in ("", "   ", "x" * 5001, "a\x00b"):
        response = client.post(_item_url(measure), _data(text=text))
        assert response.status_code == 200, text
    assert client.post(_item_url(measure), _data(author_email="no")).status_code == 200
    assert not PlanComment.objects.exists()


def test_script_is_stored_as_plain_text_and_shown_escaped(client, officer, measure,
                                                         rf_request):
    text = '<script>alert("x")</script> <b>tučně</b>'
    assert client.post(_item_url(measure), _data(text=text)).status_code == 302
    comment = PlanComment.objects.get()
    assert comment.text == text
    comment_services.comment_moderate(actor=officer, comment=comment,
                                      moderation=CommentModeration.PUBLISHED)
    html = render_to_string("planning/plans/_item_comments.html",
                            {"plan": measure.plan, "item": measure, "request": rf_request})
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<script>" not in html and "<b>tučně" not in html
    client.force_login(officer)
    page = client.get(reverse("planning:comment_moderation", args=[measure.plan.code]))
    assert "&lt;script&gt;" in page.content.decode()
    assert "<script>alert" not in page.content.decode()


def test_only_published_comments_are_public(commenting, measure, officer, rf_request):
    pending = comment_services.comment_create(plan=commenting, item=measure, text="Čeká")
    published = comment_services.comment_create(plan=commenting, item=measure, text="Vidět",
                                                 author_email="tajny@example.org")
    hidden = comment_services.comment_create(plan=commenting, item=measure, text="Skryto")
    comment_services.comment_moderate(actor=officer, comment=published, moderation="published")
    comment_services.comment_moderate(actor=officer, comment=hidden, moderation="hidden")
    html = render_to_string("planning/plans/_item_comments.html",
                            {"plan": commenting, "item": measure, "request": rf_request})
    assert "Vidět" in html
    assert "Čeká" not in html and "Skryto" not in html
    assert "tajny@example.org" not in html
    assert pending.moderation == CommentModeration.PENDING


def test_moderation_and_settlement_are_audited(client, officer, measure):
    comment = comment_services.comment_create(plan=measure.plan, item=measure, text="Návrh")
    client.force_login(officer)
    url = reverse("planning:comment_moderate", args=[measure.plan.code, comment.pk])
    moderation_url = reverse("planning:comment_moderation", args=[measure.plan.code])
    response = client.post(url, {"moderation": "published",
                                 "next": moderation_url + "?moderation=pending"})
    assert response.status_code == 302
    assert response["Location"] == moderation_url + "?moderation=pending"
    comment.refresh_from_db()
    assert comment.moderation == CommentModeration.PUBLISHED
    entry = audit_entries_for(comment).first()
    assert entry.actor == officer and entry.action == AuditAction.UPDATE
    assert entry.changes == {"moderation": ["pending", "published"]}
    # An open redirect is not followed; a bad value changes nothing.
    response = client.post(url, {"moderation": "deleted", "next": "https://evil.example/"})
    assert response["Location"] == moderation_url
    comment.refresh_from_db()
    assert comment.moderation == CommentModeration.PUBLISHED

    settle = reverse("planning:comment_settle", args=[measure.plan.code, comment.pk])
    assert client.get(settle).status_code == 200
    response = client.post(settle, {"settlement": "rejected", "settlement_text": ""})
    assert response.status_code == 200  # a rejection must be explained
    comment.refresh_from_db()
    assert comment.settlement == CommentSettlement.UNSETTLED
    response = client.post(settle, {"settlement": "partly_accepted",
                                    "settlement_text": "Doplněno do opatření 1.1."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.settlement == CommentSettlement.PARTLY_ACCEPTED
    assert comment.settled_by == officer and comment.settled_at is not None
    entry = audit_entries_for(comment).first()
    assert entry.actor == officer
    assert entry.changes["settlement"] == ["unsettled", "partly_accepted"]


def test_non_officers_cannot_moderate(client, manager_a, measure):
    comment = comment_services.comment_create(plan=measure.plan, item=measure, text="Návrh")
    client.force_login(manager_a)
    url = reverse("planning:comment_moderate", args=[measure.plan.code, comment.pk])
    assert client.post(url, {"moderation": "published"}).status_code == 403
    comment.refresh_from_db()
    assert comment.moderation == CommentModeration.PENDING
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        comment_services.comment_settle(actor=manager_a, comment=comment, settlement="noted")


def test_moderation_page_counts_per_item_and_filters(client, officer, commenting, measure):
    goal = measure.parent
    for text in ("a", "b", "c"):
        comment_services.comment_create(plan=commenting, item=measure, text=text)
    published = comment_services.comment_create(plan=commenting, item=goal, text="cíl")
    comment_services.comment_moderate(actor=officer, comment=published, moderation="published")
    comment_services.comment_create(plan=commenting, text="celkově")
    client.force_login(officer)
    url = reverse("planning:comment_moderation", args=[commenting.code])
    response = client.get(url)
    per_item = {row["item_id"]: row for row in response.context["per_item"]}
    assert per_item[measure.pk]["total"] == 3 and per_item[measure.pk]["pending"] == 3
    assert per_item[goal.pk]["published"] == 1
    assert per_item[None]["total"] == 1
    assert response.context["totals"]["total"] == 5
    response = client.get(url, {"moderation": "published"})
    assert [c.text for c in response.context["page"].object_list] == ["cíl"]
    response = client.get(url, {"item": measure.pk, "settlement": "unsettled"})
    assert len(response.context["page"].object_list) == 3
    # Nonsense filters are ignored, never a 500.
    assert client.get(url, {"moderation": "x", "item": "abc", "page": "-1"}).status_code == 200


def _make_comments(plan, items, count):
    PlanComment.objects.bulk_create([
        PlanComment(plan=plan, item=items[i % len(items)] if i % 4 else None, text=f"Text {i}",
                    moderation=["pending", "published", "hidden"][i % 3],
                    settlement="unsettled" if i % 2 else "noted",
                    settled_at=None if i % 2 else timezone.now())
        for i in range(count)
    ])


def test_moderation_page_query_count_is_fixed(client, officer, commenting, measure):
    items = list(commenting.items.all())
    client.force_login(officer)
    url = reverse("planning:comment_moderation", args=[commenting.code])
    _make_comments(commenting, items, 4)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    more = [PlanItemFactory(plan=commenting, parent=measure.parent, title=f"Opatření {i}")
            for i in range(30)]
    _make_comments(commenting, items + more, 400)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(small) == len(large) == 6, [q["sql"] for q in large.captured_queries]
    assert len(response.context["per_item"]) > 4


def test_public_slot_query_count_is_fixed(commenting, measure, officer, rf_request):
    def render():
        with CaptureQueriesContext(connection) as ctx:
            render_to_string("planning/plans/_item_comments.html",
                             {"plan": commenting, "item": measure, "request": rf_request})
        return len(ctx)

    _make_comments(commenting, [measure], 4)
    small = render()
    _make_comments(commenting, [measure], 400)
    assert render() == small == 1


def test_public_plan_pages_show_the_form_and_published_comments(client, officer, commenting,
                                                                 measure):
    published = comment_services.comment_create(plan=commenting, item=measure,
                                                text="Zveřejněná připomínka")
    comment_services.comment_moderate(actor=officer, comment=published, moderation="published")
    item_page = client.get(reverse("planning:plan_item_detail", args=[commenting.code,
                                                                     measure.pk]))
    assert item_page.status_code == 200
    body = item_page.content.decode()
    assert _item_url(measure) in body and "Zveřejněná připomínka" in body
    plan_page = client.get(reverse("planning:plan_detail", args=[commenting.code]))
    assert reverse("planning:comment_create", args=[commenting.code]) in plan_page.content.decode()
    # After sending, the visitor is back on the item page.
    response = client.post(_item_url(measure), _data())
    assert response["Location"] == reverse("planning:plan_item_detail",
                                           args=[commenting.code, measure.pk])
