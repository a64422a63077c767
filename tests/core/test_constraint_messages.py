"""No constraint's name reaches a user. Django's own message for a violated
constraint prints its name ("Omezení „plan_period_ordered“ je porušeno"), so
every constraint that a form of the portal can break says what is wrong in
words of its own, in Czech. The form fuzz tests (tests/fuzz.py) check the pages
themselves; this finds the constraints before a post has to."""

import importlib
import pkgutil
from pathlib import Path

from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import CheckConstraint, UniqueConstraint
from django.utils import translation


def _project_apps():
    return [app for app in apps.get_app_configs()
            if Path(app.path).is_relative_to(settings.BASE_DIR)
            and ".venv" not in Path(app.path).parts]


def _model_forms():
    """Every ModelForm class of the portal's apps, wherever its module."""
    names = {app.name for app in _project_apps()}
    for app in _project_apps():
        for module in pkgutil.walk_packages(app.module.__path__, f"{app.name}."):
            if not {"migrations", "management"} & set(module.name.split(".")):
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {form for form in subclasses(forms.ModelForm)
            if form.__module__.split(".")[0] in names
            and getattr(getattr(form, "_meta", None), "model", None) is not None}


def _speaks_by_name(constraint):
    """Would Django's default message, with the name in it, reach the user?"""
    if constraint.violation_error_message != constraint.default_violation_error_message:
        return False
    # A plain unique constraint on fields says "… s tímto … již existuje" instead.
    return not (isinstance(constraint, UniqueConstraint) and constraint.fields
                and constraint.condition is None)


def _fields(constraint):
    if isinstance(constraint, CheckConstraint):
        return set(constraint.condition.referenced_base_fields)
    if isinstance(constraint, UniqueConstraint):
        condition = constraint.condition
        return {*constraint.fields, *(condition.referenced_base_fields if condition else ())}
    return set()


def test_every_constraint_a_form_edits_has_a_message_of_its_own():
    forms_found = _model_forms()
    assert len(forms_found) > 20  # the walk found the portal's forms
    by_name = {
        (form._meta.model._meta.label, constraint.name)
        for form in forms_found
        for constraint in form._meta.model._meta.constraints
        if _speaks_by_name(constraint) and _fields(constraint) & set(form.base_fields)
    }
    assert by_name == set()


def test_every_message_of_a_constraint_is_in_czech():
    own = [constraint for app in _project_apps() for model in app.get_models()
           for constraint in model._meta.constraints
           if constraint.violation_error_message != constraint.default_violation_error_message]
    assert len(own) > 40

    def messages(language):
        with translation.override(language):
            return [str(constraint.get_violation_error_message()) for constraint in own]

    untranslated = [constraint.name for constraint, english, czech
                    in zip(own, messages("en"), messages("cs"), strict=True) if english == czech]
    assert untranslated == []
