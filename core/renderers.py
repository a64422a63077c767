"""The form renderer: Django's own, with `<select>`s printed in Python.

Django prints a select through three templates (select.html, an include of
select_option.html per option, attrs.html per tag): for the filter forms of
the public lists - kinds, areas, target groups, plans, statuses, a few
dozen options each - a fifth to a third of a page's time. `FastSelectRenderer`
prints the same bytes as those templates when every part is plain text (str
or a lazy translation) and the widget uses Django's own templates; anything
else (numbers or dates that the template would localise, custom option
templates) goes to the templates as before."""

from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class _NotPlain(Exception):
    pass


def _text(value):
    """`{{ value }}` for a str or lazy str (nothing to localise)."""
    if isinstance(value, (str, Promise)):
        return conditional_escape(value)
    raise _NotPlain


def _formatted(value):
    """`{{ value|stringformat:'s' }}`: str() of anything (a model choice's
    value too), escaped unless marked safe (the filter keeps safe input safe)."""
    if isinstance(value, tuple):
        raise _NotPlain
    text = "%s" % value  # noqa: UP031 - the template's stringformat:'s'
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """django/forms/widgets/attrs.html."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" ")
        out.append(_text(name))
        if value is not True:
            out.append(f'="{_formatted(value)}"')
    return "".join(out)


def render_select(context):
    """select.html for `context` ({"widget": ...}), or None to use the template."""
    widget = context["widget"]
    try:
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in group_choices:
                if option["template_name"] != OPTION:
                    return None
                parts.append(
                    f'\n  <option value="{_formatted(option["value"])}"'
                    f'{_attrs(option["attrs"])}>{_text(option["label"])}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
    except _NotPlain:
        return None
    return mark_safe("".join(parts))  # noqa: S308 - every part escaped as the template did


class FastSelectRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            printed = render_select(context)
            if printed is not None:
                return printed
        return super().render(template_name, context, request=request)
