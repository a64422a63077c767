"""The yearly evaluation as a document: the HTML the report machinery
(reports.kinds) renders to PDF, in the city's language of published
documents."""

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from directory.selectors import current_city, document_language

from .indicator_selectors import yearly_evaluation


def evaluation_pdf_html(year, *, plan_title="", chapters=()):
    """`chapters`: further chapters as rendered HTML, from the apps above the
    network (the participation in the bodies' meetings, meetings.documents)."""
    language = document_language()
    with translation.override(language):
        return render_to_string("network/evaluation_pdf.html", {
            "year": str(year), "plan_title": plan_title, "language": language,
            "evaluation": yearly_evaluation(year, city=current_city()),
            "chapters": [mark_safe(chapter) for chapter in chapters],  # noqa: S308 - rendered templates
        })
