"""Opening, refreshing and closing reporting rounds: validated, atomic and
audited with the actor. The review of each value and report (submit, approve,
return, correct) is the services' of its own app (indicators, projects)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.audit import audit_record
from core.models import AuditAction
from core.review import ReviewState
from core.services import model_create
from indicators.models import Indicator, IndicatorKind, IndicatorValue
from indicators.selectors import organisation_paths
from indicators.services import indicator_values_close
from network.indicator_models import IndicatorValue as ServiceValue
from network.indicator_models import latest_period_within
from network.indicator_selectors import services_reporting_in
from network.indicator_services import service_values_close
from notifications.services import mail_enqueue
from projects.models import HalfYearReport, Project
from projects.services import half_year_reports_close

from . import mail_kinds
from .models import Obligation, ObligationKind, ReportingRound, RoundStatus
from .selectors import reminders_due, with_state


def _projects_in_scope(round_):
    """The chosen projects and those of the chosen measures and plans."""
    return Project.objects.filter(
        Q(pk__in=round_.projects.all()) | Q(measures__in=round_.measures.all())
        | Q(measures__plan__in=round_.plans.all()), implementer__isnull=False)


def _indicators_in_scope(round_):
    """The chosen indicators, those of the chosen plans, the impact
    indicators of the chosen measures' specific goals and the indicators of
    the projects in scope."""
    plans = round_.plans.all()
    listed = Indicator.plans.through.objects.filter(indicator_id=OuterRef("pk"),
                                                   plan__in=plans)
    return Indicator.objects.filter(
        Q(pk__in=round_.indicators.all()) | Q(plan_item__plan__in=plans) | Q(Exists(listed))
        | Q(kind=IndicatorKind.IMPACT, plan_item__in=round_.measures.values("parent_id"))
        | Q(kind=IndicatorKind.PROJECT,
            project_link__project__in=_projects_in_scope(round_).values("pk")))


def derive_obligations(round_):
    """{(organisation id, kind, indicator id, project id, service id)}: who
    owes what in the round, as the reporting overview has always derived it.
    A project indicator is owed by the project's implementer; an impact
    indicator by the implementers of the measures under its specific goal;
    any other indicator in scope by the organisation of its responsible
    person, if it has one (otherwise the city's officers enter it themselves).
    Every project in scope owes its half-year report. In a round over the
    service indicators, every service in the network during the round's
    period that the manual defines indicators for owes its values, by its
    provider."""
    scope = _indicators_in_scope(round_)
    owed = set()
    for kind, path in organisation_paths():
        rows = scope.filter(kind=kind, **{f"{path}__isnull": False}).values_list(path, "pk")
        owed.update((org, ObligationKind.VALUE, pk, None, None) for org, pk in rows)
    implemented = {key[2] for key in owed}
    rows = (scope.filter(responsible__organisation__isnull=False)
            .values_list("responsible__organisation_id", "pk"))
    owed.update((org, ObligationKind.VALUE, pk, None, None) for org, pk in rows
                if pk not in implemented)
    rows = _projects_in_scope(round_).values_list("implementer_id", "pk")
    owed.update((org, ObligationKind.REPORT, None, pk, None) for org, pk in rows)
    if round_.service_indicators:
        rows = services_reporting_in(round_.period_start, round_.period_end).values_list(
            "provider_id", "pk")
        owed.update((org, ObligationKind.SERVICE, None, None, pk) for org, pk in rows)
    return owed


def _sync_obligations(round_):
    """Add what is owed now and drop what no longer is; returns (added, dropped)."""
    wanted = derive_obligations(round_)
    held = {(o.organisation_id, o.kind, o.indicator_id, o.project_id, o.service_id): o.pk
            for o in round_.obligations.all()}
    dropped = [pk for key, pk in held.items() if key not in wanted]
    Obligation.objects.filter(pk__in=dropped).delete()
    added = [Obligation(round=round_, organisation_id=org, kind=kind, indicator_id=indicator,
                        project_id=project, service_id=service)
             for org, kind, indicator, project, service in sorted(wanted - set(held), key=str)]
    Obligation.objects.bulk_create(added, batch_size=1000)
    return len(added), len(dropped)


def _check_dates(period_start, period_end, deadline):
    if period_start and period_end and period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if period_start and deadline and deadline < period_start:
        raise ValidationError({"deadline": _("The deadline is before the period starts.")})


def _service_period(service_indicators, period_start, period_end):
    """(year, period) of the service indicators' report the round asks for."""
    if not service_indicators:
        return None, ""
    found = latest_period_within(period_start, period_end) if period_start and period_end \
        else None
    if found is None:
        raise ValidationError({"service_indicators": _(
            "No half-year (30 June) or final (31 December) report of the service indicators "
            "ends within the round's period.")})
    return found


def round_open(*, actor, title, kind, period_start, period_end, deadline, plans=(),
               indicators=(), measures=(), projects=(),
               service_indicators=False) -> ReportingRound:
    """Open a round and derive who owes what in it."""
    _check_dates(period_start, period_end, deadline)
    if not (plans or indicators or measures or projects or service_indicators):
        raise ValidationError(_("Choose at least one plan, indicator, measure or project the "
                                "round covers, or the service indicators of the network."))
    service_year, service_period = _service_period(service_indicators, period_start,
                                                   period_end)
    with transaction.atomic():
        round_ = model_create(
            actor=actor, model=ReportingRound,
            data={"title": title, "kind": kind, "period_start": period_start,
                  "period_end": period_end, "deadline": deadline,
                  "service_indicators": bool(service_indicators),
                  "service_year": service_year, "service_period": service_period,
                  "opened_by": actor if getattr(actor, "is_authenticated", False) else None},
            m2m={"plans": plans, "indicators": indicators, "measures": measures,
                 "projects": projects},
            message=_("Reporting round opened"))
        _sync_obligations(round_)
    return round_


def round_refresh_obligations(*, actor, round_) -> tuple:
    """Derive the obligations of an open round again (implementers or the
    plan changed since it opened); audited with what was added and dropped."""
    with transaction.atomic():
        round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
        if not round_.is_open:
            raise ValidationError(_("The round is closed: what it covered stays as it was."))
        added, dropped = _sync_obligations(round_)
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=round_,
                     changes={"obligations": [{"added": 0, "dropped": 0},
                                              {"added": added, "dropped": dropped}]},
                     message=_("Obligations derived again"), with_snapshot=False)
    return added, dropped


def round_close(*, actor, round_) -> ReportingRound:
    """Close a round whose submissions are all decided: its approved values
    and reports are locked (from now on an officer corrects them, with a
    reason). What was never reported stays missing, and is listed."""
    with transaction.atomic():
        round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
        if not round_.is_open:
            raise ValidationError(_("The round is closed already."))
        obligations = with_state(round_.obligations.all())
        services = round_.obligations.filter(kind=ObligationKind.SERVICE).values("service_id")
        service_values = ServiceValue.objects.filter(
            service__in=services, year=round_.service_year, period=round_.service_period)
        # A service's values wait for a decision while any of them is
        # submitted, whatever the state the overview shows for the service.
        waiting = (obligations.filter(state=ReviewState.SUBMITTED)
                   .exclude(kind=ObligationKind.SERVICE).count()
                   + service_values.filter(review_state=ReviewState.SUBMITTED).order_by()
                   .values("service_id").distinct().count())
        if waiting:
            raise ValidationError(_(
                "%(n)d submissions of this round wait for approval: approve or return them "
                "before closing the round.") % {"n": waiting})
        approved = obligations.filter(state=ReviewState.APPROVED)
        values = IndicatorValue.objects.filter(pk__in=approved.filter(
            kind=ObligationKind.VALUE).values("record_id"))
        reports = HalfYearReport.objects.filter(pk__in=approved.filter(
            kind=ObligationKind.REPORT).values("record_id"))
        locked_values = indicator_values_close(actor=actor, values=values)
        locked_reports = half_year_reports_close(actor=actor, reports=reports)
        locked_services = service_values_close(actor=actor, values=service_values)
        round_.status = RoundStatus.CLOSED
        round_.closed_at = timezone.now()
        round_.full_clean()
        round_.version += 1
        round_.save()
        audit_record(actor=actor, action=AuditAction.TRANSITION, instance=round_,
                     changes={"status": [RoundStatus.OPEN, RoundStatus.CLOSED],
                              "locked": [None, {"values": locked_values,
                                                "reports": locked_reports,
                                                "service_values": locked_services}]},
                     message=_("Reporting round closed"), with_snapshot=False)
    return round_


def round_reminders_send(*, today=None) -> int:
    """Queue the day's reminders of open rounds' deadlines (daily, by beat):
    before and after the deadline (selectors.REMIND_BEFORE / REMIND_AFTER) to
    each user of an organisation that still owes something, listing what.
    Each reminder goes once per round, day and address. Returns the mails
    queued."""
    today = today or timezone.localdate()
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    queued = 0
    with transaction.atomic():
        for user, round_, owed, when in reminders_due(today=today):
            subject = (gettext_lazy("Reporting round %(round)s: the deadline is %(deadline)s")
                       if when == "before" else
                       gettext_lazy("Reporting round %(round)s: the deadline %(deadline)s "
                                    "has passed"))
            queued += len(mail_enqueue(
                kind=mail_kinds.ROUND_DEADLINE, recipients=[user.email], subject=subject,
                body=gettext_lazy("Your organisation still owes in the reporting round "
                                  "%(round)s (deadline %(deadline)s):\n\n%(owed)s"),
                params={"round": round_.title,
                        "deadline": round_.deadline.strftime("%-d. %-m. %Y"),
                        "owed": "\n".join(f"- {obligation.item}" for obligation in owed)},
                link=f"{base}{reverse('rounds:mine')}",
                occasion=f"round:{round_.pk}:{today.isoformat()}",
            ))
    return queued
