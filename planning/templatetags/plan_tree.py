"""{% plan_measure node %}: a measure of the plan's page (and the measures
under it), printed in Python - the same bytes as the include of
planning/plans/_measure.html, which stays the reference (tests/planning/
test_plan_tree_tag.py renders both). A plan of 88 items spent most of its
page's time in the include, its with, if and for tags per measure. The item
carries what the template reads (planning.views.public.decorate)."""

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

register = template.Library()


def _text(value):
    """`{{ value }}` of a str, a lazy str or a model's str()."""
    return conditional_escape(value)


def _summaries(item):
    """planning/plans/_summaries.html."""
    return "".join(
        f'\n<details class="year-summary">\n  <summary>'
        f"{escape(str(summary.title or summary.year))}</summary>\n"
        f'  <div class="prose">{summary.text}</div>\n</details>\n'
        for summary in item.summary_list) + "\n"


def _measure(node):
    item = node.item
    pk = item.pk
    heading = item.heading_level
    code = f'<span class="node-code">{_text(item.code)}</span> ' if item.code else ""
    badge = (f'<span class="status-badge {_text(item.badge_class)}"><span class="visually-hidden">'
             f'{_text(gettext("Status"))}: </span>{_text(item.badge)}</span>'
             if item.badge else "")
    links = item.implementer_list
    if links:
        implementers = (f"<div><dt>{ngettext('Implementer', 'Implementers', len(links))}</dt>"
                        f"<dd>{'; '.join(_text(str(link)) for link in links)}</dd></div>")
    elif item.implementers_text:
        implementers = (f"<div><dt>{_text(gettext('Implementers'))}</dt>"
                        f"<dd>{_text(item.implementers_text)}</dd></div>")
    else:
        implementers = ""
    activity = (f"<div><dt>{_text(gettext('Activity'))}</dt>"
                f"<dd>{_text(item.activity_display)}</dd></div>"
                if item.activity_display else "")
    service = (f"<div><dt>{_text(gettext('Service'))}</dt>"
               f"<dd>{_text(item.service_display)}</dd></div>"
               if item.service_display else "")
    period = (f"<div><dt>{_text(gettext('Period'))}</dt>"
              f"<dd>{_text(item.period_display)}</dd></div>"
              if item.period_display else "")
    groups = item.group_list
    groups = (f"<div><dt>{_text(gettext('Working groups'))}</dt><dd>"
              + ", ".join(f'<a href="{_text(g.detail_url)}">{_text(g.code)}</a>'
                          for g in groups) + "</dd></div>"
              if groups else "")
    cross = (f"<div><dt>{_text(gettext('Cross-cutting priority'))}</dt>"
             f"<dd>{_text(gettext('yes'))}</dd></div>"
             if item.cross_cutting_priority else "")
    summaries = _summaries(item) if item.summary_list else ""
    children = ('\n  <ul class="measure-list nested">\n    '
                + "".join(_measure(child) for child in node.children)
                + "\n  </ul>\n  " if node.children else "")
    return (
        f'\n<li class="measure" id="m-{pk}">\n'
        f'  <div class="measure-head">\n'
        f'    <h{heading} class="measure-title" id="item-{pk}"><a href="{_text(item.detail_url)}">'
        f"{code}{_text(item.title)}</a></h{heading}>\n"
        f"    {badge}\n"
        f"  </div>\n"
        f'  <dl class="measure-facts">\n'
        f"    {implementers}\n"
        f"    {activity}\n"
        f"    {service}\n"
        f"    {period}\n"
        f"    {groups}\n"
        f"    {cross}\n"
        f"  </dl>\n"
        f"  {summaries}\n"
        f"  {children}\n"
        f"</li>\n\n"
    )


@register.simple_tag
def plan_measure(node):
    return mark_safe(_measure(node))  # noqa: S308 - every value escaped as the template did
