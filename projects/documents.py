"""The documents built from a project for PDFs: the project card, for its page's
download and the report runs."""

from django.template.loader import render_to_string
from django.utils import translation

from directory.selectors import document_language

from . import selectors


def project_card_html(project):
    """The project card's HTML, in the city's language of published documents."""
    language = document_language()
    with translation.override(language):
        return render_to_string("projects/card_pdf.html", {
            "project": project,
            "indicators": selectors.project_indicators(project),
            "language": language,
        })
