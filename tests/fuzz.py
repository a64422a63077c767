"""Property-based posts to a form, shared by the form fuzz tests of every app:
whatever a browser (or an attacker) sends, the answer is never a 500, a
refused form saves nothing, and a save writes its audit entry.

The fields come from the forms the page renders (`form_fields`), so a field
added to a form is fuzzed without editing a test; each field draws from
values made for its type (length limits, choices, existing and missing rows,
dates, numbers) and from the app's own hostile values. The number of posts is
the Hypothesis profile's (conftest.py: `dev`, `ci`, `deep`)."""

import datetime
import decimal
import functools
import re

from django import forms
from django.apps import apps
from django.db import connection, transaction
from django.forms.formsets import BaseFormSet
from hypothesis import given
from hypothesis import strategies as st

# How many forms of a formset are posted: the rendered ones, and at least this many.
FORMSET_FORMS = 2


def row_counter(app_labels):
    """A function returning the rows of every model of `app_labels`, in one
    query (its text made once: a fuzzed form counts after every post)."""
    labels = set(app_labels)
    tables = sorted({m._meta.db_table for m in apps.get_models() if m._meta.app_label in labels})
    quote = connection.ops.quote_name
    # Table names come from the model registry, never from input.
    select = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)  # noqa: S608
    query = f"SELECT {select}"

    def counts():
        with connection.cursor() as cursor:
            cursor.execute(query)
            return dict(zip(tables, cursor.fetchone(), strict=True))

    return counts


@functools.cache
def constraint_names():
    """A pattern matching the name of any constraint of the schema: Django's
    default message for a violated constraint prints it ("Omezení „…“ je
    porušeno"), which no page may show a user."""
    names = sorted({c.name for m in apps.get_models() for c in m._meta.constraints},
                   key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")


def audit_table():
    return apps.get_model("core", "AuditEntry")._meta.db_table


def _rendered_forms(response):
    seen = {}
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm | BaseFormSet):
                seen.setdefault(id(value), value)
    return list(seen.values())


def form_fields(response):
    """{posted name: form field} of every form and formset in the context of a
    rendered page (a formset: its management form and its forms)."""
    fields = {}
    for form in _rendered_forms(response):
        if isinstance(form, BaseFormSet):
            for name, field in form.management_form.fields.items():
                fields[form.management_form.add_prefix(name)] = field
            template = form.empty_form
            for index in range(max(FORMSET_FORMS, len(form.forms))):
                for name, field in template.fields.items():
                    fields[f"{form.prefix}-{index}-{name}"] = field
        else:
            for name, field in form.fields.items():
                fields[form.add_prefix(name)] = field
    return fields


def withheld_fields(response):
    """Posted names of the model fields a rendered model form leaves out (the
    status, the verifier, ...): sent anyway, they must change nothing."""
    names = []
    for form in _rendered_forms(response):
        model = getattr(getattr(form, "_meta", None), "model", None)
        if isinstance(form, BaseFormSet) or model is None:
            continue
        for field in model._meta.concrete_fields:
            if not field.primary_key and field.name not in form.fields:
                names.append(form.add_prefix(field.name))
    return names


def _text(length):
    return st.sampled_from(["x" * length, "ž" * length])


def _choice_keys(choices):
    keys = []
    for key, label in choices:
        if isinstance(label, list | tuple):
            keys.extend(str(inner) for inner, _ in label)
        else:
            keys.append(str(key))
    return keys


def typed_values(field):
    """Values aimed at one form field: the edges of its type and limits."""
    options = []
    if isinstance(field, forms.ModelChoiceField):
        key = field.to_field_name or "pk"
        existing = [str(v) for v in field.queryset.values_list(key, flat=True)[:20]]
        missing = ["0", "999999999", "abc"]
        one = st.sampled_from(existing + missing)
        options.append(st.lists(one, max_size=3) if isinstance(
            field, forms.ModelMultipleChoiceField) else one)
    elif isinstance(field, forms.ChoiceField):
        one = st.sampled_from([*_choice_keys(field.choices), "not-a-choice"])
        options.append(st.lists(one, max_size=3) if isinstance(
            field, forms.MultipleChoiceField) else one)
    elif isinstance(field, forms.BooleanField):
        options.append(st.sampled_from(["on", "true", "false", "0", "1"]))
    elif isinstance(field, forms.DateTimeField):
        options.append(st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")))
    elif isinstance(field, forms.DateField):
        options.append(st.dates().map(lambda d: d.isoformat()))
        options.append(st.dates(datetime.date(1900, 1, 1)).map(
            lambda d: f"{d.day}. {d.month}. {d.year}"))
        options.append(st.sampled_from(["2025-02-29", "2025-13-01", "0000-00-00"]))
    elif isinstance(field, forms.TimeField):
        options.append(st.times().map(lambda t: t.strftime("%H:%M")))
        options.append(st.sampled_from(["24:00", "23:60", "-1:00"]))
    # Before IntegerField, of which Django makes them subclasses.
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        options.append(st.decimals(allow_nan=True, allow_infinity=True).map(str))
        options.append(st.decimals(-decimal.Decimal(10) ** 12, decimal.Decimal(10) ** 12,
                                   places=2).map(lambda d: str(d).replace(".", ",")))
    elif isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else -(2**31)
        high = field.max_value if field.max_value is not None else 2**31
        options.append(st.sampled_from([low - 1, low, high, high + 1, 2**63]).map(str))
        options.append(st.integers(low, high).map(str))
    elif isinstance(field, forms.CharField):
        if field.max_length:
            options.append(_text(field.max_length))
            options.append(_text(field.max_length + 1))
        if field.min_length:
            options.append(_text(field.min_length - 1))
    return options


def field_strategy(field, values):
    return st.one_of(*typed_values(field), values)


def fuzz_form(client, url, values, *, app_labels, label, extra_fields=(),
              save_must_change=True):
    """Post random dictionaries to `url` (one per example of the Hypothesis
    profile): any subset of the fields of the forms the page renders, each
    drawn from its type's values or the app's `values`, of the model fields
    those forms withhold, and of `extra_fields` (keys the view reads outside a
    form). Every example runs in a savepoint rolled back afterwards, so that
    each starts from the same rows: a saved form (a review, say) cannot close
    the form for the next examples, and an update that an earlier example
    already made cannot pass for a save that wrote nothing. `save_must_change`:
    a redirect must have written something (else it may be a no-op redirect)."""
    app_labels = {*app_labels, "core"}
    page = client.get(url)
    assert page.status_code == 200, (label, page.status_code)
    fields = form_fields(page)
    # A confirmation (a form of one button) has no fields: `extra_fields` are posted.
    assert fields or extra_fields, f"{label}: the page renders no form"
    strategies = {name: field_strategy(field, values) for name, field in fields.items()}
    for name in [*withheld_fields(page), *extra_fields]:
        strategies.setdefault(name, values)
    audits = audit_table()
    counts = row_counter(app_labels)
    # Every example starts from these rows: the one before it was rolled back
    # (checked once more after the last).
    before = counts()

    @given(data=st.fixed_dictionaries({}, optional=strategies))
    def post(data):
        with transaction.atomic():
            response = client.post(url, data)
            assert response.status_code in (200, 302, 409), (label, data, response.status_code)
            after = counts()
            if response.status_code != 302:
                assert after == before, f"refused form changed data: {label} {data}"
                posted = repr(data)  # a name drawn as a value may come back in its field
                shown = {name for name in constraint_names().findall(response.content.decode())
                         if name not in posted}
                assert not shown, f"{label} shows the user the constraint {shown}: {data}"
            elif save_must_change or after != before:
                assert after[audits] > before[audits], f"save without audit: {label} {data}"
            transaction.set_rollback(True)

    post()
    assert counts() == before, f"{label}: an example's rows outlived its savepoint"
