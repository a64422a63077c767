"""The audit trail as a table: on the page one page of entries, in the
downloads (CSV, XLSX) every matching entry, formulas neutralised
(core/exports.py)."""

import inspect

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry


def _kind(record):
    model = record.content_type.model_class()
    return str(model._meta.verbose_name).capitalize() if model else record.content_type.model


def _changes(record):
    return [(str(label)[:1].upper() + str(label)[1:], old, new)
            for label, old, new in record.readable_changes()]


class AuditEntryTable(tables.Table):
    created_at = tables.Column(verbose_name=_("When"))
    actor = tables.Column(verbose_name=_("Who"), default=_("system"),
                          order_by=("actor__last_name", "actor__username"))
    action = tables.Column(verbose_name=_("Action"))
    kind = tables.Column(verbose_name=_("Kind of record"), empty_values=(), orderable=False)
    object_repr = tables.Column(verbose_name=_("Record"))
    object_id = tables.Column(verbose_name=_("Record id"), orderable=False)
    changes = tables.Column(verbose_name=_("Changes"), empty_values=(), orderable=False)
    message = tables.Column(verbose_name=_("Note"), orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("created_at", "actor", "action", "kind", "object_repr", "object_id",
                  "changes", "message")
        order_by = ("-created_at",)

    def render_created_at(self, value):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")

    def value_created_at(self, value):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)

    def render_actor(self, value):
        return value.get_full_name() or value.get_username()

    def value_actor(self, record):
        actor = record.actor
        if actor is None:
            return str(_("system"))
        return f"{actor.get_full_name() or actor.get_username()} ({actor.get_username()})"

    def render_kind(self, record):
        return _kind(record)

    def value_kind(self, record):
        return _kind(record)

    def render_changes(self, record):
        rows = _changes(record)
        if not rows:
            return "–"
        return format_html("<ul class=\"changes\">{}</ul>", format_html_join(
            "", "<li>{}: <del>{}</del> → <ins>{}</ins></li>",
            ((label, old or "–", new or "–") for label, old, new in rows)))

    def value_changes(self, record):
        return "; ".join(f"{label}: {old or '–'} → {new or '–'}"
                         for label, old, new in _changes(record))


def cache_render_signatures():
    """django_tables2 asks `inspect.signature()` of a column's render method
    for every cell, to pass it only the arguments it names
    (`utils.call_with_appropriate`): about a tenth of the time of a 25-row
    list. The answer depends only on the function, so it is kept per
    function (a bound method by its function: the same for every table
    instance). Other callables (partials, objects) are asked every time, as
    before. Called once, from CoreConfig.ready()."""
    from django_tables2 import utils

    if getattr(utils.signature, "cached", False):
        return
    original = utils.signature
    known = {}

    def signature(fn):
        function = getattr(fn, "__func__", None)
        key = ("method", function) if function is not None else (
            ("function", fn) if inspect.isfunction(fn) else None)
        if key is None:
            return original(fn)
        if key not in known:
            known[key] = original(fn)
        return known[key]

    signature.cached = True
    utils.signature = signature


class FastCellsMixin:
    """A table that prints its own cells: `fast_cells(record)` returns {column
    name: cell} with the same text django_tables2 would print (the template
    tag `table_cells` uses it, when no column computes its <td> attributes
    per cell). django_tables2 resolves accessors, looks up choice labels
    (hashing every lazy label, a gettext each), reverses URLs and inspects
    render methods for every cell - most of the time of a 25-row list. The
    helpers below do that work once per table: choice labels as a dict, a
    URL pattern reversed once, each column's default. Downloads (`value_*`)
    still go through django_tables2."""

    def choice_label(self, model, field, value):
        """`record.get_<field>_display()`, from labels worked out once."""
        cache = self.__dict__.setdefault("_fast_labels", {})
        labels = cache.get((model, field))
        if labels is None:
            labels = cache[(model, field)] = {
                key: str(label) for key, label in model._meta.get_field(field).flatchoices}
        return labels.get(value, value)

    def url_for(self, viewname, arg):
        """reverse(viewname, args=[arg]) for an argument that needs no
        quoting (an integer, a slug), from one reverse() per table."""
        cache = self.__dict__.setdefault("_fast_urls", {})
        parts = cache.get(viewname)
        if parts is None:
            sentinel = "7319468250"  # digits: valid for int, slug and str converters
            parts = cache[viewname] = reverse(viewname, args=[sentinel]).split(sentinel, 1)
        return f"{parts[0]}{arg}{parts[1]}"

    def _column_empty(self, name):
        cache = self.__dict__.setdefault("_fast_defaults", {})
        known = cache.get(name)
        if known is None:
            bound = self.columns[name]
            known = cache[name] = (bound.column.empty_values, bound.default)
        return known

    def empty(self, name):
        """What the column prints for an empty value (its `default`)."""
        return self._column_empty(name)[1]

    def rendered(self, name, value, render):
        """A column with a `render_<name>(value)`: its default when empty."""
        empty_values, default = self._column_empty(name)
        return default if value in empty_values else render(value)

    def plain(self, name, value):
        """A column printing its value as it is, or its default when empty."""
        empty_values, default = self._column_empty(name)
        return default if value in empty_values else value

    def link(self, name, url, value):
        """A `linkify` column: <a href="url">value</a>, or the default."""
        empty_values, default = self._column_empty(name)
        if value in empty_values:
            return default
        return format_html('<a href="{}">{}</a>', url, value)
