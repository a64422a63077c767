"""The rounds' panels of the desk (core/desk.py), one query each: submissions
waiting for an officer's decision and rounds near their deadline (officers);
what an implementer still owes (implementers)."""

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.permissions import implementer_organisation_id, is_city_officer
from core.desk import DeskItem, Urgency, register_panel
from core.review import ReviewState

from . import selectors
from .models import Obligation, RoundStatus

# How many days before its deadline an open round appears on officers' desks.
DEADLINE_DAYS = 14


def _overview(round_id, state):
    return f"{reverse('rounds:detail', args=[round_id])}?state={state}"


def submissions_to_approve(user, *, today):
    if not is_city_officer(user):
        return []
    per_round = (selectors.with_state(Obligation.objects.filter(round__status=RoundStatus.OPEN))
                 .filter(state=ReviewState.SUBMITTED).order_by()
                 .values("round_id", "round__title").annotate(count=Count("pk"))
                 .order_by("round__deadline", "round_id"))
    return [DeskItem(label=_("Submissions to approve in %(round)s") % {
                         "round": row["round__title"]},
                     url=_overview(row["round_id"], ReviewState.SUBMITTED),
                     count=row["count"]) for row in per_round]


def rounds_near_deadline(user, *, today):
    if not is_city_officer(user):
        return []
    return [DeskItem(label=_("Deadline of %(round)s: %(date)s") % {
                         "round": round_.title,
                         "date": date_format(round_.deadline, "SHORT_DATE_FORMAT")},
                     url=round_.get_absolute_url(),
                     urgency=Urgency.URGENT if round_.deadline < today else Urgency.NORMAL)
            for round_ in selectors.rounds_near_deadline(today=today, days=DEADLINE_DAYS)]


def what_you_owe(user, *, today):
    if not implementer_organisation_id(user):
        return []
    per_round = (selectors.obligations_of(user).filter(state__in=selectors.OWED_STATES)
                 .order_by().values("round_id", "round__title", "round__deadline")
                 .annotate(count=Count("pk")).order_by("round__deadline", "round_id"))
    return [DeskItem(label=_("Still to report in %(round)s by %(date)s") % {
                         "round": row["round__title"],
                         "date": date_format(row["round__deadline"], "SHORT_DATE_FORMAT")},
                     url=reverse("rounds:mine"), count=row["count"],
                     urgency=(Urgency.URGENT if row["round__deadline"] - today
                              <= datetime.timedelta(days=7) else Urgency.NORMAL))
            for row in per_round]


def register_desk():
    register_panel("rounds_submissions", order=15, function=submissions_to_approve,
                   title=gettext_lazy("Submissions to approve"))
    register_panel("rounds_deadlines", order=16, function=rounds_near_deadline,
                   title=gettext_lazy("Reporting rounds near their deadline"))
    register_panel("rounds_owed", order=17, function=what_you_owe,
                   title=gettext_lazy("What your organisation still has to report"))
