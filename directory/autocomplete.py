"""The directory's sets for the autocomplete (core.autocomplete): organisations
(public, like their list) and people (names only, for those who fill in forms
that name people: officers, group managers and contact persons)."""

from django.db.models import Q

from accounts.permissions import is_city_officer
from core import autocomplete
from core.collation import czech

from .models import Organisation, Person, WorkingGroup
from .permissions import contact_group_ids, managed_group_ids


def _organisations(user):
    return Organisation.objects.order_by(czech("name"), "pk")


def _search_organisations(queryset, term):
    condition = Q(name__icontains=term) | Q(short_name__icontains=term)
    if term.isascii() and term.isdigit():
        condition |= Q(ico=term)
    return queryset.filter(condition)


def _exact_organisation(queryset, text):
    found = queryset.filter(name__iexact=text)
    if found.exists():
        return found
    return queryset.filter(Q(short_name__iexact=text) | Q(ico=text)) if text else found


def may_choose_people(user):
    return bool(is_city_officer(user) or managed_group_ids(user) or contact_group_ids(user))


def _people(user):
    if not may_choose_people(user):
        return None
    return Person.objects.order_by(czech("family_name"), czech("given_name"), "pk")


def _search_people(queryset, term):
    condition = Q()
    for word in term.split()[:4]:
        condition &= (Q(family_name__icontains=word) | Q(given_name__icontains=word)
                      | Q(title_before__icontains=word) | Q(title_after__icontains=word))
    return queryset.filter(condition)


def _exact_person(queryset, text):
    """The full name as shown ("Mgr. Jana Nováková, DiS."), or the plain
    "Jana Nováková"."""
    words = text.replace(",", " ").split()
    if not words:
        return queryset.none()
    candidates = _search_people(queryset, " ".join(words[-4:]))
    ids = [p.pk for p in candidates[:50]
           if text.casefold() in (p.full_name.casefold(), p.plain_name.casefold())]
    return queryset.filter(pk__in=ids)


def _groups(user):
    """Working groups, the managerial team and platforms: public, like their list."""
    return WorkingGroup.objects.order_by("kind", czech("name"), "pk")


def _search_groups(queryset, term):
    return queryset.filter(Q(name__icontains=term) | Q(code__iexact=term))


def _exact_group(queryset, text):
    found = queryset.filter(code__iexact=text)
    return found if found.exists() else queryset.filter(name__iexact=text)


def register():
    autocomplete.register(autocomplete.Kind(
        name="groups", queryset=_groups, search=_search_groups, exact=_exact_group,
        label=lambda g: g.name, czech=False))
    autocomplete.register(autocomplete.Kind(
        name="organisations", queryset=_organisations, search=_search_organisations,
        exact=_exact_organisation, label=lambda o: o.name))
    autocomplete.register(autocomplete.Kind(
        name="people", queryset=_people, search=_search_people, exact=_exact_person,
        label=lambda p: p.full_name))
