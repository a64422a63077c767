"""A proposal for a new item chooses where the item goes (issue 15), and an
accepted one does not print its code twice ("Opatření 1.1. Opatření 1.1. …"):
the code is a field of its own, and a title typed as printed gives up the
code it starts with."""

import re

import pytest
from django.urls import reverse

from planning.models import ChangeProposal, LevelRole, PlanItem, PlanStatus, ProposalKind
from planning.services import proposals as proposal_services
from tests.directory.factories import WorkingGroupFactory
from tests.planning.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

KP_LEVELS = [("Cíl", LevelRole.GOAL), ("Opatření", LevelRole.MEASURE)]


def _text(response):
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")


@pytest.fixture
def kp(group_a):
    """A draft community plan of group A: goals and measures, codes as printed."""
    plan = PlanFactory(code="kp-5-dar", status=PlanStatus.DRAFT, working_group=group_a,
                       levels=KP_LEVELS)
    first = PlanItemFactory(plan=plan, code="Cíl 1.", title="Prevence")
    second = PlanItemFactory(plan=plan, code="Cíl 2.", title="Krizová pomoc")
    PlanItemFactory(plan=plan, parent=first, code="Opatření 1.1.", title="Mapování potřeb")
    return {"plan": plan, "first": first, "second": second}


def test_the_new_item_form_offers_where_it_goes(client, manager_a, kp):
    client.force_login(manager_a)
    response = client.get(reverse("planning:proposal_create_top", args=[kp["plan"].code]))
    assert response.status_code == 200
    text = _text(response)
    assert "Nadřazená položka" in text
    assert "Nejvyšší úroveň plánu" in text
    assert "Cíl: Cíl 2. Krizová pomoc" in text
    # measures have no level below: not offered
    assert "Opatření: Opatření 1.1." not in text
    page = client.get(reverse("planning:proposal_create_child",
                              args=[kp["plan"].code, kp["second"].pk])).content.decode()
    assert f'<option value="{kp["second"].pk}" selected>' in page


def test_the_proposal_goes_under_the_chosen_item_and_the_code_is_printed_once(
        client, manager_a, officer, kp):
    client.force_login(manager_a)
    url = reverse("planning:proposal_create_top", args=[kp["plan"].code])

    response = client.post(url, {"parent": kp["second"].pk, "code": "Opatření 2.1.",
                                 "title": "Opatření 2.1. Rozvoj kompetencí pracovníků",
                                 "reason": "Ze zápisu PS."})

    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.kind == ProposalKind.NEW and proposal.parent == kp["second"]
    proposal_services.proposal_accept(actor=officer, proposal=proposal)
    proposal.refresh_from_db()
    item = proposal.item
    assert item.parent == kp["second"]
    assert (item.code, item.title) == ("Opatření 2.1.", "Rozvoj kompetencí pracovníků")
    assert str(item) == "Opatření 2.1. Rozvoj kompetencí pracovníků"


def test_a_code_typed_only_in_the_title_becomes_the_code(client, manager_a, officer, kp):
    client.force_login(manager_a)
    client.post(reverse("planning:proposal_create_top", args=[kp["plan"].code]),
                {"parent": kp["first"].pk, "title": "Opatření 1.2. Podpora dobrovolníků"})
    proposal = ChangeProposal.objects.get()
    assert proposal.values["code"] == "Opatření 1.2."
    assert proposal.values["title"] == "Podpora dobrovolníků"
    proposal_services.proposal_accept(actor=officer, proposal=proposal)
    item = PlanItem.objects.get(parent=kp["first"], code="Opatření 1.2.")
    assert str(item).count("1.2") == 1


def test_an_older_pending_proposal_is_split_when_accepted(manager_a, officer, kp):
    proposal = ChangeProposal.objects.create(
        plan=kp["plan"], kind=ProposalKind.NEW, parent=kp["first"], proposed_by=manager_a,
        values={"code": "Opatření 1.3.", "title": "Opatření 1.3. Terénní programy"})
    proposal_services.proposal_accept(actor=officer, proposal=proposal)
    proposal.refresh_from_db()
    assert (proposal.item.code, proposal.item.title) == ("Opatření 1.3.", "Terénní programy")


def test_a_top_level_item_can_be_proposed(client, manager_a, officer, kp):
    client.force_login(manager_a)
    response = client.post(reverse("planning:proposal_create_child",
                                   args=[kp["plan"].code, kp["first"].pk]),
                           {"parent": "top", "title": "Cíl 3. Bydlení rodin"})
    assert response.status_code == 302
    proposal = ChangeProposal.objects.get()
    assert proposal.parent is None
    proposal_services.proposal_accept(actor=officer, proposal=proposal)
    proposal.refresh_from_db()
    assert proposal.item.parent is None and proposal.item.code == "Cíl 3."


def test_a_field_of_another_level_is_refused_in_czech(client, manager_a, group_a):
    plan = PlanFactory(code="psz-draft", status=PlanStatus.DRAFT, working_group=group_a)
    measure = PlanItemFactory.measure(plan=plan, working_groups=[group_a])
    client.force_login(manager_a)
    url = reverse("planning:proposal_create_child", args=[plan.code, measure.parent.pk])
    response = client.post(url, {"parent": measure.parent.pk, "title": "Nové opatření",
                                 "target_text": "Do roku 2030"})
    assert response.status_code == 200
    assert "Toto se netýká nové položky úrovně „Opatření“." in _text(response)
    assert not ChangeProposal.objects.exists()


def test_a_manager_of_a_linked_group_may_choose_only_its_own_items(client, manager_a,
                                                                   group_a):
    plan = PlanFactory(code="psz", status=PlanStatus.IN_FORCE)
    own = PlanItemFactory.measure(plan=plan, working_groups=[group_a])
    other_goal = PlanItemFactory(plan=plan, parent=own.parent.parent, code="1.1.2",
                                 title="Cizí cíl")
    other_goal.working_groups.set([WorkingGroupFactory()])
    own.parent.working_groups.set([group_a])
    client.force_login(manager_a)
    url = reverse("planning:proposal_create_child", args=[plan.code, own.parent.pk])
    page = _text(client.get(url))
    assert "Cizí cíl" not in page and "Nejvyšší úroveň plánu" not in page
    response = client.post(url, {"parent": other_goal.pk, "title": "Podstrčené"})
    assert response.status_code == 200
    assert not ChangeProposal.objects.exists()


def test_the_new_item_form_runs_a_fixed_number_of_queries(client, manager_a, kp):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager_a)
    url = reverse("planning:proposal_create_top", args=[kp["plan"].code])

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    for n in range(3, 40):
        goal = PlanItemFactory(plan=kp["plan"], code=f"Cíl {n}.", title=f"Cíl číslo {n}")
        PlanItemFactory(plan=kp["plan"], parent=goal, code=f"Opatření {n}.1.", title="Op.")
    assert count() == small
