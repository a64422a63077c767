"""Permissions, each written once.

A `Rule` is one function `user -> condition`: a `Q` over the rows the user
may act on, or the shortcuts `ALL` (officers) and `NONE` (anonymous). The same
definition narrows a queryset (`rule.filter(user, queryset)`) and answers for
one object (`rule.allows(user, obj)`, or calling the rule):

* a condition on the object's own fields (`is_published`, `implementer_id`,
  `minutes_status`, ...) is evaluated on the object in memory, so asking
  about an object already fetched adds no query;
* any other condition (one that follows a relation) is asked of the database:
  once per user object with `memoise=True` (the ids the user may act on, kept
  on the request's user, which `filter` then uses too), else once per
  question.

Each app's `permissions.py` defines its rules and adds them, with its plain
checks (`user -> bool`, `(user, obj) -> bool`), to the registry under a name;
the `{% can "name" obj as ok %}` tag and `check()` ask the registry.
"""

from django.db.models import Q

ALL = "all"
NONE = "none"


class _NeedsDatabase(Exception):
    pass


def _field_value(obj, name):
    """The value of `obj`'s own field `name` (a foreign key by its id), or
    _NeedsDatabase when `name` is not a concrete field of the object."""
    try:
        field = obj._meta.get_field(name)
    except Exception as error:  # noqa: BLE001 - FieldDoesNotExist and the like
        raise _NeedsDatabase from error
    if not getattr(field, "concrete", False) or field.many_to_many:
        raise _NeedsDatabase
    return getattr(obj, field.attname)


def _lookup_matches(obj, lookup, value):
    parts = lookup.split("__")
    operator = parts.pop() if len(parts) > 1 and parts[-1] in ("exact", "in", "isnull") \
        else "exact"
    if len(parts) != 1:
        raise _NeedsDatabase
    name = parts[0]
    if name == "pk":
        name = obj._meta.pk.name
    actual = _field_value(obj, name)
    if isinstance(value, type(obj)):
        value = value.pk
    if operator == "in":
        return actual in value
    if operator == "isnull":
        return (actual is None) == bool(value)
    return actual == value


def _matches(obj, q):
    results = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_matches(obj, child))
        elif not isinstance(child, tuple):  # an expression, e.g. Exists(): ask the database
            raise _NeedsDatabase
        else:
            results.append(_lookup_matches(obj, *child))
    result = all(results) if q.connector == Q.AND else any(results)
    return not result if q.negated else result


class Rule:
    """One permission over the rows of a model; see the module docstring.
    `distinct`: the condition joins many-valued relations, so the filtered
    queryset needs `.distinct()`. Better: write the many-valued part as
    `Q(Exists(...))`, which needs no `distinct` and whose cost does not grow
    with the number of related rows."""

    def __init__(self, condition, *, memoise=False, distinct=False):
        self.condition = condition
        self.memoise = memoise
        self.distinct = distinct
        self.__doc__ = condition.__doc__

    def filter(self, user, queryset):
        condition = self.condition(user)
        if condition == ALL:
            return queryset
        if condition == NONE:
            return queryset.none()
        if self.memoise:
            return queryset.filter(pk__in=self._ids(user, queryset.model, condition))
        queryset = queryset.filter(condition)
        return queryset.distinct() if self.distinct else queryset

    def allows(self, user, obj):
        condition = self.condition(user)
        if condition in (ALL, NONE):
            return condition == ALL
        try:
            return _matches(obj, condition)
        except _NeedsDatabase:
            pass
        if not self.memoise:
            return type(obj)._default_manager.filter(condition).filter(pk=obj.pk).exists()
        return obj.pk in self._ids(user, type(obj), condition)

    def allowed_ids(self, user, model):
        """The ids of `model`'s rows the user may act on, kept on the user
        object like `allows` with `memoise` (one query per request)."""
        condition = self.condition(user)
        if condition == NONE:
            return frozenset()
        return self._ids(user, model, Q() if condition == ALL else condition)

    def _ids(self, user, model, condition):
        memo = user.__dict__.setdefault("_rules_allowed_ids", {})
        if self not in memo:
            memo[self] = frozenset(
                model._default_manager.filter(condition).values_list("pk", flat=True))
        return memo[self]

    def __call__(self, user, obj):
        return self.allows(user, obj)


def rule(*, memoise=False, distinct=False):
    """Decorator: the function `user -> condition` becomes a Rule."""
    def make(condition):
        return Rule(condition, memoise=memoise, distinct=distinct)
    return make


_REGISTRY = {}


def register(**checks):
    """Add named checks: Rules, or callables `(user)` / `(user, obj)`."""
    for name, check in checks.items():
        if _REGISTRY.get(name, check) is not check:
            raise ValueError(f"The permission “{name}” is registered twice.")
        _REGISTRY[name] = check


def check(name, user, obj=None):
    """Ask the check registered as `name`; a rule on no object is refused."""
    rule = _REGISTRY[name]
    if isinstance(rule, Rule):
        return obj is not None and rule.allows(user, obj)
    return rule(user) if obj is None else rule(user, obj)


def registered():
    return dict(_REGISTRY)
