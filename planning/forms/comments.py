"""Forms of change proposals and public comment."""

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from core.forms import PortalForm

from ..models import (
    PROPOSABLE_FIELDS,
    CommentModeration,
    CommentSettlement,
    PlanItem,
    ProposalKind,
)
from ..services import proposals as proposal_services

# --- Change proposals ---------------------------------------------------------


class ProposalForm(PortalForm):
    """The proposable fields of one level; for an existing item, prefilled with
    its current values and a choice between changing and removing it."""

    def __init__(self, *args, fields=(), item=None, new=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.new = new
        if not new:
            self.fields["kind"] = forms.ChoiceField(
                label=_("What do you propose?"),
                choices=[(ProposalKind.EDIT, _("Change the item as below")),
                         (ProposalKind.DELETE, _("Remove the item from the plan"))],
                initial=ProposalKind.EDIT, widget=forms.RadioSelect,
            )
        for name in fields:
            model_field = PlanItem._meta.get_field(name)
            field = model_field.formfield()
            field.required = name == "title" and new
            if item is not None:
                field.initial = getattr(item, name)
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 4 if name != "title" else 2
            self.fields[name] = field
        self.value_fields = list(fields)
        self.fields["reason"] = forms.CharField(
            label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("Why the change is needed; the officer sees it with the proposal."),
        )

    def kind(self):
        return ProposalKind.NEW if self.new else self.cleaned_data.get("kind")

    def values(self):
        if self.kind() == ProposalKind.DELETE:
            return {}
        names = self.value_fields
        if self.new and hasattr(self, "level"):
            names = [n for n in names if n in self.fields_by_level.get(self.level.pk, ())]
        return {name: self.cleaned_data.get(name) for name in names}


TOP = "top"


class NewItemProposalForm(ProposalForm):
    """A new item: where it goes (`parent`: an item the proposer may add
    under, or the top of the plan) and its fields, its code as printed among
    them. The fields of every level it may get are offered; one that does
    not apply to the level under the chosen item is refused when filled."""

    def __init__(self, *args, plan, parents, top_allowed, item=None, levels=(), **kwargs):
        levels = list(levels)
        by_depth = {level.depth: level for level in levels}
        self.plan = plan
        self.parents = {str(p.pk): p for p in parents if by_depth.get(p.level.depth + 1)}
        self.level_for = {key: by_depth[p.level.depth + 1] for key, p in self.parents.items()}
        if top_allowed and by_depth.get(1):
            self.level_for[TOP] = by_depth[1]
        self.fields_by_level = {
            level.pk: proposal_services.fields_for_new(level.role)
            for level in set(self.level_for.values())}
        names = [n for n in ("code", *PROPOSABLE_FIELDS)
                 if any(n in fields for fields in self.fields_by_level.values())]
        super().__init__(*args, fields=names, item=None, new=True, **kwargs)
        choices = ([(TOP, _("Top level of the plan"))] if TOP in self.level_for else []) + [
            (key, f"{parent.level.name}: {parent}"[:160]) for key, parent in self.parents.items()]
        self.fields["parent"] = forms.ChoiceField(
            label=_("Under item"), choices=choices,
            initial=str(item.pk) if item is not None else TOP,
            help_text=_("Where the new item goes in the plan."))
        self.fields["code"].help_text = _("As the plan prints it, e.g. 1.2 or Opatření 1.2.; "
                                          "not repeated in the title.")
        self.order_fields(["parent", "code"])
        for name in names:
            where = [level.name for level in sorted(set(self.level_for.values()),
                                                     key=lambda lv: lv.depth)
                     if name in self.fields_by_level[level.pk]]
            if len(where) < len(self.fields_by_level):
                self.fields[name].help_text = _("Only for a new item of the level: %(levels)s") \
                    % {"levels": ", ".join(where)}

    def clean(self):
        cleaned = super().clean()
        key = cleaned.get("parent")
        if key not in self.level_for:
            return cleaned
        self.level = self.level_for[key]
        self.parent = self.parents.get(key)
        allowed = self.fields_by_level[self.level.pk]
        for name in self.value_fields:
            if name not in allowed and cleaned.get(name) not in (None, ""):
                self.add_error(name, _("This does not apply to a new item of the level "
                                       "“%(level)s”.") % {"level": self.level.name})
        return cleaned


class DecisionForm(PortalForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept and apply the proposal")),
                 ("reject", _("Reject the proposal"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when rejecting; the group manager sees it."),
    )


# --- Public comment -----------------------------------------------------------

TOKEN_SALT = "planning.plan-comment-form"  # noqa: S105 - a signing salt, not a secret
MIN_SECONDS_TO_SUBMIT = 3
MAX_TOKEN_AGE = 24 * 3600


def comment_form_token(at=None) -> str:
    """A signed time of rendering, so that a submission made faster than a
    person can type is recognised without any third-party service."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=TOKEN_SALT)


class HoneypotInput(forms.TextInput):
    def __init__(self):
        super().__init__(attrs={"tabindex": "-1", "autocomplete": "off"})


class CommentForm(PortalForm):
    author_name = forms.CharField(
        label=_("Your name"), required=False, max_length=200,
        help_text=_("Optional. It is shown with your comment once published."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_email = forms.EmailField(
        label=_("E-mail"), required=False, max_length=254,
        help_text=_("Optional. Only the city's officers see it, e.g. to ask you a question."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    text = forms.CharField(
        label=_("Your comment"), max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 5000}),
        help_text=_("Plain text, at most 5,000 characters. Comments are published after "
                    "moderation."),
    )
    # The honeypot: hidden from people (CSS, aria-hidden, out of the tab order)
    # and labelled so that anyone who does reach it leaves it empty.
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=HoneypotInput())
    rendered = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["rendered"] = comment_form_token()
        self.is_spam = False

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != "website"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            self.is_spam = True
        try:
            rendered = signing.loads(cleaned.get("rendered") or "", salt=TOKEN_SALT,
                                     max_age=MAX_TOKEN_AGE)
            age = time.time() - float(rendered["t"])
            if age < MIN_SECONDS_TO_SUBMIT:
                self.is_spam = True
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            self.is_spam = True
        return cleaned

    def fresh_token(self):
        """On a re-rendered form, the time counts from the new rendering."""
        data = self.data.copy()
        data["rendered"] = comment_form_token()
        self.data = data


class CommentFilterForm(PortalForm):
    moderation = forms.ChoiceField(
        label=_("Moderation"), required=False,
        choices=[("", _("all"))] + list(CommentModeration.choices),
    )
    settlement = forms.ChoiceField(
        label=_("Settlement"), required=False,
        choices=[("", _("all"))] + list(CommentSettlement.choices),
    )
    item = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1,
                              max_value=2**31 - 1)


class SettleForm(PortalForm):
    settlement = forms.ChoiceField(label=_("Settlement"), choices=CommentSettlement.choices)
    settlement_text = forms.CharField(
        label=_("How it was settled"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Required when the comment is rejected or partly accepted."),
    )


class ModerateForm(PortalForm):
    moderation = forms.ChoiceField(choices=CommentModeration.choices)
