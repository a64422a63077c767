"""Check constraints validated in one query per object.

Django validates each `CheckConstraint` of a model with a query of its own
and, inside a transaction (a service, a test), within a savepoint of its own:
three round trips per constraint. A plan item's five checks cost fifteen on
every `full_clean()`, the form's and the service's. `ChecksInOneQuery` asks
the database for all of them in one SELECT within one savepoint, and keeps
Django's meaning: a check passes when its condition is true or unknown (NULL),
a check naming a field that `exclude` leaves out is skipped, a database error
in a check lets it pass (logged) and the errors come in the model's order."""

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE


def failed_checks(instance, model_class, constraints, *, exclude, using):
    """The constraints among `constraints` (CheckConstraints of `model_class`)
    whose condition is false for `instance`, found in one query. None when the
    database cannot compare boolean expressions: then Django's way applies."""
    connection = connections[using]
    if not connection.features.supports_comparing_boolean_expr:
        return None
    query = Query(None)
    against = instance._get_field_expression_map(meta=model_class._meta, exclude=exclude)
    for name, value in against.items():
        if not hasattr(value, "resolve_expression"):
            value = Value(value)
        query.add_annotation(value, name, select=False)
    checked = []
    for constraint in constraints:
        try:
            query.add_annotation(
                Coalesce(Q(constraint.condition), True, output_field=BooleanField()),
                f"_check_{len(checked)}",
            )
        except FieldError:
            continue  # it names a field left out of the validation
        checked.append(constraint)
    if not checked:
        return []
    # A failed statement must not abort the caller's transaction (as Django's).
    atomic = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with atomic:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError:
        # One check's error would hide the others' answers: each is asked alone.
        return None
    return [constraint for constraint, passed in zip(checked, row, strict=True) if not passed]


class ChecksInOneQuery(models.Model):
    """A model whose check constraints `full_clean()` validates in one query."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        errors = {}
        for model_class, model_constraints in self.get_constraints():
            checks = [c for c in model_constraints if type(c) is CheckConstraint]
            failed = failed_checks(self, model_class, checks, exclude=exclude, using=using)
            asked = {id(c) for c in checks} if failed is not None else set()
            refused = {id(c) for c in failed or ()}
            for constraint in model_constraints:
                try:
                    if id(constraint) in asked:
                        if id(constraint) in refused:
                            raise ValidationError(constraint.get_violation_error_message(),
                                                  code=constraint.violation_error_code)
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
