"""core.renderers.FastSelectRenderer prints a <select> exactly as Django's
templates do, and leaves to them what it does not print itself."""

import datetime

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from core.renderers import FastSelectRenderer, render_select

# Lazy labels as an app's choices have them; under another name, so that
# makemessages leaves these test-only texts out of the catalogue.
lazy_label = gettext_lazy


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "– all –"), ("a", "Alfa <b>"), ("b&c", "Beta & co")])
    lazy = forms.ChoiceField(choices=[("on_track", lazy_label("on track")),
                                      ("no_data", lazy_label("no data"))])
    grouped = forms.ChoiceField(choices=[("Group <1>", [("1", "One"), ("2", "Two")]),
                                         ("3", "Three")])
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")],
                                     widget=forms.SelectMultiple(attrs={"class": "wide",
                                                                        "data-x": 'q"uote'}))
    required = forms.TypedChoiceField(choices=[(1, "One"), (2, "Two")], coerce=int,
                                      widget=forms.Select(attrs={"required": True,
                                                                 "disabled": False}))
    safe = forms.ChoiceField(choices=[(mark_safe("s&amp;"), mark_safe("<i>S</i>"))])
    numbers = forms.ChoiceField(choices=[("1", 1234567), ("2", datetime.date(2024, 7, 1))])
    boolean = forms.NullBooleanField()


DATA = {"plain": "b&c", "lazy": "no_data", "grouped": "2", "many": ["x", "z"],
        "required": "2", "safe": "s&amp;", "numbers": "2", "boolean": "true"}


def _printed(renderer, data):
    form = Sample(data, renderer=renderer)
    return {name: str(form[name]) for name in form.fields}


def test_every_select_prints_as_the_templates_do(db):
    for language in ("cs", "en"):
        with override(language):
            for data in (None, DATA):
                fast = _printed(FastSelectRenderer(), data)
                reference = _printed(DjangoTemplates(), data)
                assert fast == reference


def test_model_choices_print_as_the_templates_do(db):
    from django.contrib.auth.models import Group

    first, _second = Group.objects.create(name="A & B"), Group.objects.create(name="<C>")

    class Models(forms.Form):
        group = forms.ModelChoiceField(queryset=Group.objects.order_by("name"))
        groups = forms.ModelMultipleChoiceField(queryset=Group.objects.order_by("name"))

    for data in (None, {"group": first.pk, "groups": [first.pk]}):
        fast = Models(data, renderer=FastSelectRenderer())
        reference = Models(data, renderer=DjangoTemplates())
        for name in ("group", "groups"):
            assert str(fast[name]) == str(reference[name])
            context = fast[name].field.widget.get_context(name, fast[name].value(), {})
            assert render_select(context) is not None


def test_plain_selects_skip_the_templates_and_others_use_them():
    form = Sample(DATA, renderer=FastSelectRenderer())
    printed = {}
    for name in ("plain", "lazy", "grouped", "many", "required", "safe", "numbers"):
        widget = form[name].field.widget
        context = widget.get_context(form[name].html_name, form[name].value(),
                                     {"id": f"id_{name}"})
        printed[name] = render_select(context)
    assert all(printed[name] for name in ("plain", "lazy", "grouped", "many", "required",
                                          "safe"))
    assert printed["numbers"] is None  # labels the template localises: the template
