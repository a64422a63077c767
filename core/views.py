import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import datapackage, desk, home, lkod, opendata
from .exports import EXPORT_FORMATS, table_response
from .health import worker_heartbeat_age_seconds
from .services import StaleEditError


def deny(request):
    """The answer to a request its user may not make: anonymous visitors go to
    the login page, signed-in users get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


class RuleRequiredMixin:
    """Gate a view with a rule from an app's permissions module. A rule without an
    object takes (user); with `rule_on_object`, (user, object). Anonymous
    visitors who fail go to the login page; signed-in users get 403."""

    rule = None
    rule_on_object = False

    def dispatch(self, request, *args, **kwargs):
        rule = type(self).rule
        if rule is not None:
            if self.rule_on_object:
                allowed = rule(request.user, self.get_permission_object())
            else:
                allowed = rule(request.user)
            if not allowed:
                return deny(request)
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        if not hasattr(self, "_permission_object"):
            self._permission_object = super().get_object()
        return self._permission_object

    def get_object(self, queryset=None):
        if self.rule_on_object and queryset is None:
            return self.get_permission_object()
        return super().get_object(queryset)


class KnownCountPaginator(Paginator):
    """A paginator told the number of rows (already counted by the page, e.g.
    in its status counts), so that a list is counted once, not twice."""

    def __init__(self, object_list, per_page, *args, count=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        if count is not None:
            self.__dict__["count"] = count


class TableListView(RuleRequiredMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paginated list with CSV and XLSX export of every
    matching row (`?export=csv`).

    The rows are counted once per page: only the table paginates (the list
    view's own pagination, which would count again, is off), and a view that
    counts the filtered rows anyway returns that number from `known_count()`."""

    template_name = "components/list_page.html"
    paginate_by = settings.LIST_PAGE_SIZE
    export_basename = "export"
    title = ""
    create_url = None

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("export")
        if fmt in EXPORT_FORMATS:
            filterset = self.get_filterset(self.get_filterset_class())
            valid = not filterset.is_bound or filterset.is_valid()
            table = self.get_table_class()(filterset.qs if valid else filterset.queryset.none())
            if request.GET.get("sort"):
                table.order_by = request.GET["sort"]
            return table_response(table, fmt, self.export_basename)
        return super().get(request, *args, **kwargs)

    def get_paginate_by(self, queryset):
        # The table paginates (get_table_pagination); MultipleObjectMixin must not.
        return None

    def get_table_pagination(self, table):
        pagination = super().get_table_pagination(table)
        if pagination is False:
            return False
        pagination["per_page"] = self.paginate_by
        pagination["paginator_class"] = KnownCountPaginator
        pagination["count"] = self.known_count()
        return pagination

    def known_count(self):
        """The number of filtered rows when the view has counted them already,
        else None (the paginator counts)."""
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        context.update(
            title=self.title,
            create_url=self.get_create_url(),
            export_query=query.urlencode(),
        )
        return context

    def get_create_url(self):
        return None


class HomeView(TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["datasets"] = opendata.datasets()
        context["home_sections"] = home.sections(self.request)
        return context


class DataCatalogueView(TemplateView):
    template_name = "core/data_catalogue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["datasets"] = opendata.datasets()
        context["lkod_missing"] = lkod.missing(lkod.provider(self.request))
        return context


def _dataset_or_404(slug):
    dataset = opendata.get(slug)
    if dataset is None:
        raise Http404("unknown dataset")
    return dataset


@require_safe
def dataset_csv(request, slug):
    return opendata.serve_dataset(request, _dataset_or_404(slug), "csv")


@require_safe
def dataset_json(request, slug):
    return opendata.serve_dataset(request, _dataset_or_404(slug), "json")


@require_safe
def dataset_zip(request):
    return opendata.serve_zip(request)


@require_safe
def dataset_csvw(request, slug):
    return lkod.serve_csvw(request, _dataset_or_404(slug))


def _provider_or_404(request):
    provider = lkod.provider(request)
    if provider is None:  # no city yet: no catalogue to publish
        raise Http404("the city is not set")
    return provider


@require_safe
def data_package(request):
    return datapackage.serve(request, lkod.provider(request))


@require_safe
def lkod_catalogue(request):
    return lkod.serve_catalogue(request, _provider_or_404(request))


@require_safe
def lkod_dataset(request, slug):
    dataset = _dataset_or_404(slug)
    return lkod.serve_dataset(request, dataset, _provider_or_404(request))


@require_safe
def lkod_context(request):
    response = HttpResponse(lkod.CONTEXT_FILE.read_bytes(), content_type=lkod.LD_TYPE)
    response["Cache-Control"] = "public, max-age=86400"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def healthz(request):
    """For the load balancer: database and cache (in production the cache is the
    broker's Redis too) and the age of the last worker heartbeat. JSON, no
    secrets, no versions."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = "error"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error"
    except Exception:  # noqa: BLE001
        checks["cache"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    try:
        age = worker_heartbeat_age_seconds()
    except Exception:  # noqa: BLE001
        age = None
    # A silent worker degrades reports, not page serving: reported, not fatal.
    worker = {"last_heartbeat_seconds_ago": None if age is None else round(age)}
    return HttpResponse(
        json.dumps({"status": "ok" if healthy else "error", "checks": checks, "worker": worker}),
        content_type="application/json",
        status=200 if healthy else 503,
    )


class ServiceFormMixin:
    """A form view whose save goes through a service. Validation errors from
    the service land on the form; a stale edit re-renders the form with what
    the other person changed, and nothing is saved."""

    success_message = None

    def perform(self, form):  # pragma: no cover - every subclass implements it
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except StaleEditError as stale:
            form.add_error(None, str(stale))
            return self.render_to_response(
                self.get_context_data(form=form, stale_entries=stale.entries), status=409
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())


class DeskView(TemplateView):
    """What waits for the signed-in user (core/desk.py); where they land after
    signing in."""

    template_name = "core/desk.html"

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active):
            return deny(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["panels"] = desk.desk_for(self.request.user, today=timezone.localdate())
        return context
