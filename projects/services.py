"""Changes to programmes, calls, projects, their budget split, key activities
and half-year reports: validated, atomic and audited with the actor."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.review import ReviewState, mark_approved, mark_corrected, mark_entered, mark_returned
from core.services import UNSET, given, model_create, model_update
from indicators.models import IndicatorKind, IndicatorValue
from indicators.parsing import ParseError, parse_period
from indicators.services import (
    decides_review,
    indicator_value_approve,
    indicator_value_record,
    indicator_value_return,
)
from planning.models import LevelRole, PlanItem
from planning.services import plans as plan_services

from .models import (
    Call,
    FundingSource,
    HalfYearReport,
    HalfYearReportValue,
    KeyActivity,
    Programme,
    Project,
    ProjectIndicator,
)

CENT = Decimal("0.01")
HUNDRED = Decimal("100")


def money(value):
    """Czech-formatted amount for messages: 1234.5 -> "1 234,50 Kč"."""
    return f"{number_format(Decimal(value), decimal_pos=2, force_grouping=True)}\xa0Kč"


def _pct(value):
    plain = Decimal(format(Decimal(value).normalize(), "f"))
    return f"{number_format(plain, force_grouping=True)}\xa0%"


# --- Programmes and calls ------------------------------------------------------


def programme_create(*, actor, code, name, registration_number_pattern,
                     registration_number_example, short_name=UNSET, eu_fund=UNSET,
                     position=UNSET) -> Programme:
    return model_create(actor=actor, model=Programme, data=given(
        code=code, name=name, short_name=short_name, eu_fund=eu_fund,
        registration_number_pattern=registration_number_pattern,
        registration_number_example=registration_number_example, position=position))


def call_create(*, actor, programme, number, name=UNSET, published_label=UNSET,
                initiative=UNSET) -> Call:
    return model_create(actor=actor, model=Call, data=given(
        programme=programme, number=number, name=name, published_label=published_label,
        initiative=initiative))


def programme_update(*, actor, programme, expected_version=None, code=UNSET, name=UNSET,
                     short_name=UNSET, eu_fund=UNSET, registration_number_pattern=UNSET,
                     registration_number_example=UNSET, position=UNSET) -> Programme:
    """Change the given fields. A new registration-number format must still
    accept the numbers of the programme's projects: they are kept as
    published, so a format that refuses one of them is refused here."""
    with transaction.atomic():
        data = given(code=code, name=name, short_name=short_name, eu_fund=eu_fund,
                     registration_number_pattern=registration_number_pattern,
                     registration_number_example=registration_number_example,
                     position=position)
        if "registration_number_pattern" in data:
            trial = Programme(registration_number_pattern=data["registration_number_pattern"])
            try:
                refused = [number for number in Project.objects.filter(
                    call__programme=programme).values_list("registration_number", flat=True)
                    .order_by("registration_number") if not trial.matches(number)]
            except re.error:
                refused = []  # the model's own validator names the broken expression
            if refused:
                raise ValidationError({"registration_number_pattern": _(
                    "The format does not accept the registration number of project "
                    "%(number)s of this programme.") % {"number": refused[0]}})
        return model_update(actor=actor, instance=programme, data=data,
                            expected_version=expected_version)


def call_update(*, actor, call, expected_version=None, programme=UNSET, number=UNSET,
                name=UNSET, published_label=UNSET, initiative=UNSET) -> Call:
    """Change the given fields. A call with projects stays in its programme
    (their registration numbers follow the programme's format)."""
    with transaction.atomic():
        data = given(programme=programme, number=number, name=name,
                     published_label=published_label, initiative=initiative)
        moved = "programme" in data and data["programme"].pk != call.programme_id
        if moved and call.projects.exists():
            raise ValidationError({"programme": _(
                "The call has projects: it stays in programme %(programme)s.")
                % {"programme": call.programme}})
        return model_update(actor=actor, instance=call, data=data,
                            expected_version=expected_version)


# --- Budget split ---------------------------------------------------------------


@dataclass(frozen=True)
class FundingProblem:
    """One thing wrong with a budget split: `row` (1-based) and `field`
    ("source", "percent", "amount") of the row it concerns, or None for the
    split as a whole; `message` without the row (the form puts it on the
    field)."""

    row: int | None
    field: str | None
    message: str


FUNDING_FIELD_LABELS = {
    "source": _lazy("source"), "percent": _lazy("share"), "amount": _lazy("amount"),
}


def _decimal(value):
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return result if result.is_finite() else None


def funding_problems(total, rows):
    """`rows`: [{"source", "label", "percent", "amount"}, ...]. The amounts
    must add up to `total` to the haléř and the shares to 100 %; each amount
    must be its share of the total (within one haléř of rounding). The split
    is checked as a whole: an empty split is allowed (the source did not
    publish one). Returns the problems (FundingProblem), each naming its row
    and field."""
    if not rows:
        return []
    total = _decimal(total)
    if total is None:
        total = Decimal("0")
    problems = []
    seen = set()
    amounts, shares = Decimal("0"), Decimal("0")
    malformed = False
    for row_no, row in enumerate(rows, start=1):
        amount, share = _decimal(row.get("amount")), _decimal(row.get("percent"))
        for field, value in (("percent", share), ("amount", amount)):
            if value is None:
                malformed = True
                problems.append(FundingProblem(row_no, field, _("Not a number.")))
        if row.get("source") in seen:
            problems.append(FundingProblem(row_no, "source",
                                           _("The source is listed twice.")))
        seen.add(row.get("source"))
        if amount is None or share is None:
            continue
        amounts += amount
        shares += share
        expected = (total * share / HUNDRED).quantize(CENT)
        if abs(expected - amount) > CENT:
            problems.append(FundingProblem(row_no, "amount", _(
                "%(share)s of %(total)s is %(expected)s, but the amount is %(amount)s "
                "(difference %(diff)s)."
            ) % {"share": _pct(share), "total": money(total), "expected": money(expected),
                 "amount": money(amount), "diff": money(amount - expected)}))
    if malformed:
        return problems
    if amounts != total:
        problems.append(FundingProblem(None, None, _(
            "The funding sources add up to %(sum)s, but the total eligible expenditure is "
            "%(total)s: a difference of %(diff)s."
        ) % {"sum": money(amounts), "total": money(total), "diff": money(amounts - total)}))
    if shares != HUNDRED:
        problems.append(FundingProblem(None, None, _(
            "The shares of the funding sources add up to %(sum)s, not 100 %%.")
            % {"sum": _pct(shares)}))
    return problems


def funding_problem_text(problem):
    """The problem as one sentence naming its row and field."""
    if problem.row is None:
        return problem.message
    return _("Funding source %(row)s, %(field)s: %(message)s") % {
        "row": problem.row, "field": FUNDING_FIELD_LABELS[problem.field],
        "message": problem.message}


def validate_funding(total, rows):
    """Raises ValidationError naming each problem of the split (its row and
    field, and the difference) for the "funding" field; see funding_problems."""
    problems = funding_problems(total, rows)
    if problems:
        raise ValidationError({"funding": [funding_problem_text(p) for p in problems]})


def _funding_snapshot(rows):
    return [[r["source"], r.get("label", ""),
             format(Decimal(str(r["percent"])).normalize(), "f"),
             str(Decimal(str(r["amount"])).quantize(CENT))] for r in rows]


def _current_funding(project):
    return [[f.source, f.label, format(f.percent.normalize(), "f"), str(f.amount)]
            for f in project.funding.all()]


def _set_funding(project, rows):
    project.funding.all().delete()
    for position, row in enumerate(rows):
        line = FundingSource(project=project, position=position, source=row["source"],
                             label=row.get("label", "") or "",
                             percent=Decimal(str(row["percent"])),
                             amount=Decimal(str(row["amount"])))
        line.full_clean(exclude=["project"])
        line.save()


# --- Projects ---------------------------------------------------------------------


def _check_measures(measures):
    for measure in measures:
        if measure.level.role != LevelRole.MEASURE:
            raise ValidationError({"measures": _("“%(item)s” is not a measure of a plan.")
                                   % {"item": measure}})


def area_of(measure):
    """The thematic area (top-level item) above a measure."""
    item = measure
    while item.parent_id is not None:
        item = PlanItem.objects.select_related("level").get(pk=item.parent_id)
    return item if item.level.role == LevelRole.AREA else None


def project_create(
    *, actor, registration_number, title, call, implementer=UNSET, implementer_text=UNSET,
    thematic_area=UNSET, area_text=UNSET, period_start=UNSET, period_end=UNSET, status=UNSET,
    total_budget=UNSET, budget_text=UNSET, funding_note=UNSET, description=UNSET,
    target_groups=UNSET, goals=UNSET, reports_total=UNSET, is_published=UNSET, source=UNSET,
    measures=(), funding=(), message="", measure_code_published=UNSET,
) -> Project:
    """A project with its measures and budget split (`funding`: rows of
    source, percent, amount); the thematic area follows the first measure
    unless given."""
    data = given(
        registration_number=registration_number, title=title, call=call,
        implementer=implementer, implementer_text=implementer_text, thematic_area=thematic_area,
        area_text=area_text, period_start=period_start, period_end=period_end, status=status,
        total_budget=total_budget, budget_text=budget_text, funding_note=funding_note,
        description=description, target_groups=target_groups, goals=goals,
        reports_total=reports_total, is_published=is_published, source=source,
        measure_code_published=measure_code_published)
    measures = list(measures)
    funding = list(funding)
    with transaction.atomic():
        _check_measures(measures)
        if data.get("thematic_area") is None and measures:
            data["thematic_area"] = area_of(measures[0])
        validate_funding(data.get("total_budget") or 0, funding)
        project = model_create(
            actor=actor, model=Project, data=data, m2m={"measures": measures}, message=message,
            after_save=(lambda obj: _set_funding(obj, funding)) if funding else None,
        )
    return project


def project_update(
    *, actor, project, expected_version=None, registration_number=UNSET, title=UNSET,
    call=UNSET, implementer=UNSET, implementer_text=UNSET, thematic_area=UNSET,
    area_text=UNSET, period_start=UNSET, period_end=UNSET, status=UNSET, total_budget=UNSET,
    budget_text=UNSET, funding_note=UNSET, description=UNSET, target_groups=UNSET,
    goals=UNSET, reports_total=UNSET, is_published=UNSET, source=UNSET, measures=None,
    funding=None, message="",
) -> Project:
    """Change the given fields; `measures` / `funding` None keep them."""
    data = given(
        registration_number=registration_number, title=title, call=call,
        implementer=implementer, implementer_text=implementer_text, thematic_area=thematic_area,
        area_text=area_text, period_start=period_start, period_end=period_end, status=status,
        total_budget=total_budget, budget_text=budget_text, funding_note=funding_note,
        description=description, target_groups=target_groups, goals=goals,
        reports_total=reports_total, is_published=is_published, source=source)
    m2m = {}
    with transaction.atomic():
        if measures is not None:
            measures = list(measures)
            _check_measures(measures)
            m2m["measures"] = measures
        total = data.get("total_budget", project.total_budget)
        extra = None
        if funding is not None:
            funding = list(funding)
            old, new = _current_funding(project), _funding_snapshot(funding)
            if old != new:
                extra = {"funding": [old, new]}
        rows = funding if funding is not None else [
            {"source": f.source, "percent": f.percent, "amount": f.amount}
            for f in project.funding.all()]
        validate_funding(total or 0, rows)
        project = model_update(
            actor=actor, instance=project, data=data, m2m=m2m,
            expected_version=expected_version, extra_changes=extra, message=message,
            after_save=(lambda obj: _set_funding(obj, funding)) if extra else None,
        )
    return project


# --- Key activities ---------------------------------------------------------------


def key_activity_create(*, actor, project, code, title, position=UNSET, period_start=UNSET,
                        period_end=UNSET, period_text=UNSET, goal=UNSET,
                        planned_outputs=UNSET, done=UNSET) -> KeyActivity:
    return model_create(actor=actor, model=KeyActivity, data=given(
        project=project, code=code, title=title, position=position,
        period_start=period_start, period_end=period_end, period_text=period_text, goal=goal,
        planned_outputs=planned_outputs, done=done))


def key_activity_update(*, actor, activity, expected_version=None, code=UNSET, title=UNSET,
                        position=UNSET, period_start=UNSET, period_end=UNSET,
                        period_text=UNSET, goal=UNSET, planned_outputs=UNSET,
                        done=UNSET) -> KeyActivity:
    """The activity's project stays as it is."""
    return model_update(actor=actor, instance=activity, data=given(
        code=code, title=title, position=position, period_start=period_start,
        period_end=period_end, period_text=period_text, goal=goal,
        planned_outputs=planned_outputs, done=done), expected_version=expected_version)


# --- Half-year reports ------------------------------------------------------------


def half_year_report_submit(*, actor, project, number, total, period_start, period_end,
                            submitted_on, narrative, indicator_values=None) -> HalfYearReport:
    """Record report `number` of `total` and the values of the impact
    indicators (`indicator_values`: {indicator: Decimal or None}), all in one
    transaction. An implementer's report and values go to the officers for
    approval (a returned report is submitted again under its number); a city
    officer's are approved as entered. Approval moves the linked measures'
    "V realizaci (n/N)" on."""
    decides = decides_review(actor)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.reports_total and total != project.reports_total:
            raise ValidationError({"total": _(
                "The project plans %(n)s half-year reports.") % {"n": project.reports_total}})
        report = HalfYearReport.objects.filter(project=project, number=number).first()
        if report is not None and report.review_state not in (ReviewState.DRAFT,
                                                              ReviewState.RETURNED):
            raise ValidationError({"number": _(
                "Report %(n)s of this project has already been submitted.") % {"n": number}})
        data = {"total": total, "period_start": period_start, "period_end": period_end,
                "submitted_on": submitted_on, "narrative": narrative,
                "submitted_by": actor if getattr(actor, "is_authenticated", False) else None}
        if report is None:
            report = HalfYearReport(project=project, number=number)
        mark_entered(report, actor=actor, decides=decides, submit=True)
        fields = {**data, "review_state": report.review_state,
                  "reviewed_by": report.reviewed_by, "reviewed_at": report.reviewed_at}
        if report.pk is None:
            report = model_create(actor=actor, model=HalfYearReport,
                                  data={"project": project, "number": number, **fields})
        else:
            report = model_update(actor=actor, instance=report, data=fields)
        values = {k: v for k, v in (indicator_values or {}).items() if v is not None}
        if values:
            period_text = (f"{period_start.day}. {period_start.month}. {period_start.year} – "
                           f"{period_end.day}. {period_end.month}. {period_end.year}")
            for indicator, value in values.items():
                recorded = indicator_value_record(
                    actor=actor, indicator=indicator, period_kind="half_year",
                    period_start=period_start, period_end=period_end, period_text=period_text,
                    value=value, source=f"{project.registration_number}, {report}",
                    message=str(report))
                HalfYearReportValue.objects.update_or_create(value=recorded,
                                                             defaults={"report": report})
        if report.review_state == ReviewState.APPROVED:
            _advance_measures(actor=actor, project=project, report=report)
    return report


def _advance_measures(*, actor, project, report):
    """"V realizaci (3/6)": the third approved report is the latest source
    (001). n is the highest approved report number, not the number of report
    rows the portal holds (reports before the portal are in the published n),
    and never goes back."""
    total = report.total
    latest = HalfYearReport.objects.filter(
        project=project, review_state=ReviewState.APPROVED).aggregate(
        latest=Max("number"))["latest"] or 0
    for measure in project.measures.all():
        done = min(max(latest, measure.reports_done or 0), total)
        if measure.reports_done != done or measure.reports_total != total:
            plan_services.plan_item_update(
                actor=actor, item=measure, reports_done=done, reports_total=total,
                message=_("Half-year report %(n)s/%(total)s of project %(project)s")
                % {"n": report.number, "total": total, "project": project.registration_number},
            )
    if project.reports_total is None:
        model_update(actor=actor, instance=project, data={"reports_total": total})


def _report_transition(*, actor, report, change, values_change=None):
    """`change` moves the report; `values_change(value)` moves each value the
    report brought that is still waiting (approve or return them with it)."""
    with transaction.atomic():
        report = HalfYearReport.objects.select_for_update().select_related("project").get(
            pk=report.pk)
        before = report.review_state
        change(report)
        report = model_update(actor=actor, instance=report, data={
            name: getattr(report, name) for name in (
                "review_state", "review_comment", "reviewed_by", "reviewed_at")},
            message=_("Review: %(before)s → %(after)s") % {
                "before": ReviewState(before).label,
                "after": ReviewState(report.review_state).label})
        if values_change is not None:
            waiting = IndicatorValue.objects.filter(half_year_report_link__report=report,
                                                    review_state=ReviewState.SUBMITTED)
            for value in waiting:
                values_change(value)
        if report.review_state == ReviewState.APPROVED:
            _advance_measures(actor=actor, project=report.project, report=report)
    return report


def half_year_report_approve(*, actor, report) -> HalfYearReport:
    """A city officer approves a submitted report and the values it brought:
    they become public and the measures' "n/N" moves on."""
    decides = decides_review(actor)
    return _report_transition(
        actor=actor, report=report,
        change=lambda r: mark_approved(r, actor=actor, decides=decides),
        values_change=lambda v: indicator_value_approve(actor=actor, value=v))


def half_year_report_return(*, actor, report, comment) -> HalfYearReport:
    """A city officer returns a submitted report (and its waiting values) with
    what to fix; the implementer submits it again under the same number."""
    decides = decides_review(actor)
    return _report_transition(
        actor=actor, report=report,
        change=lambda r: mark_returned(r, actor=actor, decides=decides, comment=comment),
        values_change=lambda v: indicator_value_return(actor=actor, value=v, comment=comment))


def half_year_report_correct(*, actor, report, narrative, reason) -> HalfYearReport:
    """A city officer corrects the narrative of a report of a closed round,
    with a reason (audited; the public page says "corrected" and when)."""
    decides = decides_review(actor)
    with transaction.atomic():
        report = HalfYearReport.objects.select_for_update().get(pk=report.pk)
        if not report.closed:
            raise ValidationError(_("The report is not in a closed round: edit it as usual."))
        mark_corrected(report, decides=decides, reason=reason)
        return model_update(actor=actor, instance=report, data={
            "narrative": narrative, "corrected_on": report.corrected_on,
            "correction_reason": report.correction_reason},
            message=_("Correction after the reporting round closed: %(reason)s")
            % {"reason": report.correction_reason})


def half_year_reports_close(*, actor, reports) -> int:
    """Lock the approved `reports` (a queryset) of a round being closed (the
    rounds app calls this in its own transaction, audited on the round)."""
    return HalfYearReport.objects.filter(
        pk__in=reports.values("pk"), review_state=ReviewState.APPROVED,
    ).update(closed=True)


# --- Project indicators -------------------------------------------------------------


def project_actuals_record(*, actor, project, period_text, values, note="") -> list:
    """Record the actual values of the project's own indicators for one
    period (`period_text` as published: 2024, 1. pol. 2024, k 30. 6. 2024;
    `values`: {indicator: Decimal or None}, None leaves an indicator as it
    is), in the indicator's home territory, each audited on its indicator
    with the actor, all or nothing. Returns the recorded values."""
    try:
        period = parse_period(period_text)
    except ParseError as error:
        raise ValidationError({"period_text": str(error)}) from None
    given_values = {indicator: value for indicator, value in values.items()
                    if value is not None}
    if not given_values:
        raise ValidationError(_("Enter at least one actual value."))
    own = set(ProjectIndicator.objects.filter(project=project)
              .values_list("indicator_id", flat=True))
    recorded = []
    with transaction.atomic():
        for indicator, value in given_values.items():
            if indicator.pk not in own:
                raise ValidationError(_("“%(indicator)s” is not an indicator of this project.")
                                      % {"indicator": indicator})
            if indicator.home_territory_id is None:
                raise ValidationError({f"indicator_{indicator.pk}": _(
                    "The indicator has no territory its values are recorded for; an officer "
                    "sets it on the indicator first.")})
            recorded.append(indicator_value_record(
                actor=actor, indicator=indicator, territory=indicator.home_territory,
                period_kind=period.kind, period_start=period.start, period_end=period.end,
                period_text=period_text.strip(), value=value, note=note,
                source=project.registration_number,
                message=_("Actual value of project %(project)s")
                % {"project": project.registration_number}))
    return recorded



@dataclass(frozen=True)
class IndicatorProjectLink:
    """The project of a project indicator, saved by the indicator services in
    their transaction (indicators.services.indicator_create); None for an
    indicator of another kind."""

    project: Project | None

    def changes(self, indicator):
        before = indicator.project if indicator is not None else None
        if before == self.project:
            return {}
        return {"project": [str(before) if before else None,
                            str(self.project) if self.project else None]}

    def save(self, *, indicator):
        if self.project is None:
            ProjectIndicator.objects.filter(indicator=indicator).delete()
        else:
            ProjectIndicator.objects.update_or_create(indicator=indicator,
                                                      defaults={"project": self.project})


def indicator_project_link(*, kind, project):
    return IndicatorProjectLink(project if kind == IndicatorKind.PROJECT else None)
