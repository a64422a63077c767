"""Projects and their implementers for the autocomplete (core.autocomplete):
each user gets only the projects they may see (can_view_project), and the
organisations implementing one of them (the implementer filter of the list)."""

from django.db.models import Exists, OuterRef, Q

from core import autocomplete
from core.collation import czech
from directory.models import Organisation

from .models import Project
from .permissions import can_view_project


def _projects(user):
    return (can_view_project.filter(user, Project.objects.all())
            .order_by("registration_number", "pk"))


def project_label(project):
    return f"{project.registration_number} {project.title}"[:160]


def _search_projects(queryset, term):
    return queryset.filter(Q(registration_number__icontains=term) | Q(title__icontains=term))


def _exact_project(queryset, text):
    number = text.split(" ", 1)[0]
    found = queryset.filter(registration_number__iexact=number)
    return found if found.exists() else queryset.filter(title__iexact=text)


def implementers(user):
    """Organisations implementing a project the user may see, in Czech order."""
    visible = can_view_project.filter(user, Project.objects.filter(implementer=OuterRef("pk")))
    return Organisation.objects.filter(Exists(visible)).order_by(czech("name"), "pk")


def _search_implementers(queryset, term):
    return queryset.filter(Q(name__icontains=term) | Q(short_name__icontains=term))


def _exact_implementer(queryset, text):
    found = queryset.filter(name__iexact=text)
    return found if found.exists() else queryset.filter(short_name__iexact=text)


def register():
    autocomplete.register(autocomplete.Kind(
        name="projects", queryset=_projects, search=_search_projects, exact=_exact_project,
        label=project_label, czech=False))
    autocomplete.register(autocomplete.Kind(
        name="implementers", queryset=implementers, search=_search_implementers,
        exact=_exact_implementer, label=lambda o: o.name))
