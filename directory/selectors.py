"""Reads for the directory pages and datasets. Each returns a QuerySet whose number
of SQL queries does not grow with the number of rows."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from .models import (
    City,
    GroupNeed,
    Membership,
    Organisation,
    Person,
    Territory,
    WorkingGroup,
)

logger = logging.getLogger(__name__)


def organisation_list():
    return Organisation.objects.with_member_group_count().order_by("name")


def person_list():
    return Person.objects.select_related("organisation")


def working_group_list():
    return (
        WorkingGroup.objects.select_related("manager", "contact_person")
        .prefetch_related("support_areas")
        .with_current_member_count()
        .order_by("kind", "name")
    )


def working_group_detail():
    return WorkingGroup.objects.select_related("manager", "contact_person").prefetch_related(
        "support_areas",
        Prefetch("needs", queryset=GroupNeed.objects.order_by("position")),
    )


def group_memberships(group):
    """All seats of a group, current first, then history (newest end first)."""
    return (
        Membership.objects.filter(body=group)
        .select_related("organisation", "member", "substitute")
        .order_by("valid_to", "organisation__name", "member__family_name", "-valid_from")
    )


def split_memberships(memberships, on=None):
    on = on or timezone.localdate()
    current, history = [], []
    for m in memberships:
        ended = m.valid_to is not None and m.valid_to <= on
        (history if ended else current).append(m)
    history.sort(key=lambda m: m.valid_to, reverse=True)
    return current, history


# --- Territories and the city ------------------------------------------------------


def territory_list():
    return Territory.objects.select_related("parent").order_by("kind", "name")


CITY_CACHE_KEY = "directory:current-city:v1"
CITY_CACHE_TIMEOUT = 3600
_NO_CITY = "none"


def current_city(*, request=None):
    """The city that runs the portal (the first City row), or None before an
    administrator has set it. Read once per request (kept on `request`) and
    from the shared cache, so a page costs no query for it; any save or
    delete of a City forgets the cached row (`forget_current_city`)."""
    if request is not None and hasattr(request, "_current_city"):
        return request._current_city
    city = _cached_city()
    if request is not None:
        request._current_city = city
    return city


def document_language():
    """The language the portal's published documents (minutes, project cards)
    are written in: the city's, or the site's default before a city is set."""
    city = current_city()
    return (city.document_language if city is not None else "") or settings.LANGUAGE_CODE


def lkod_provider(*, request=None):
    """The provider of the open-data catalogue (core.lkod) from the city
    settings, or None while the city is not set."""
    from core.lkod import Provider

    from .models import CC_BY_4

    city = current_city(request=request)
    if city is None:
        return None
    return Provider(name=city.full_name or city.name, ico=city.ico,
                    ruian_code=city.ruian_code, licence=city.open_data_licence or CC_BY_4)


def _cached_city():
    try:
        cached = cache.get(CITY_CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache outage must not break a page
        logger.warning("city cache unavailable", exc_info=True)
        cached = None
    if isinstance(cached, City):
        return cached
    if cached == _NO_CITY:
        return None
    city = City.objects.order_by("pk").first()
    try:
        cache.set(CITY_CACHE_KEY, city if city is not None else _NO_CITY, CITY_CACHE_TIMEOUT)
    except Exception:  # noqa: BLE001
        logger.warning("city cache unavailable", exc_info=True)
    return city


def forget_current_city():
    """Drop the cached city now and again once the transaction commits (a
    request in between may have cached the row as it was before)."""

    def forget():
        try:
            cache.delete(CITY_CACHE_KEY)
        except Exception:  # noqa: BLE001
            logger.warning("city cache unavailable", exc_info=True)

    forget()
    transaction.on_commit(forget)


def totp_issuer():
    """The name authenticator apps list the portal under (settings.OTP_TOTP_ISSUER)."""
    city = current_city()
    return f"KP {city.name}" if city is not None else "KP"
