"""Set-based writes the ORM makes slow. Django's bulk_update writes one
CASE WHEN per field with a branch per row, which PostgreSQL evaluates for
every row: quadratic in the batch (10,000 changed values took 40 s). Here one
UPDATE ... FROM (VALUES ...) per batch, linear. PostgreSQL only, as the
portal."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import signals
from django.db.models.base import ModelState

BATCH = 500


def bulk_update_rows(model, objects, fields, *, batch_size=BATCH):
    """Write `fields` (names) of `objects` (saved instances of `model`), one
    query per batch. Returns the number of rows updated. Like bulk_update,
    no signals, no save(); the caller validates."""
    objects = list(objects)
    if not objects:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    placeholder = "(" + ", ".join(f"%s::{field.cast_db_type(connection)}"
                                  for field in columns) + ")"
    names = ", ".join(quote(field.column) for field in columns)
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}"
                            for field in columns[1:])
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start:start + batch_size]
            params = [field.get_db_prep_save(getattr(obj, field.attname), connection)
                      for obj in batch for field in columns]
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM (VALUES "  # noqa: S608
                f"{', '.join([placeholder] * len(batch))}) AS v({names}) "
                f"WHERE t.{pk} = v.{pk}", params)
            updated += cursor.rowcount
    return updated


# --- Inserts and upserts through COPY -----------------------------------------------------
#
# bulk_create on PostgreSQL sends each batch as arrays (INSERT ... SELECT * FROM
# UNNEST(...)) that psycopg builds in Python, element by element: for 10,000
# values and their 10,000 audit entries that was most of an import's apply.
# COPY ... FROM STDIN writes the rows through psycopg's C adapters. The new
# rows' ids are taken from the table's sequence first (one query), so the
# objects come back with their pk set, as from bulk_create.

# Fields whose Python value psycopg adapts as it is (get_db_prep_save would
# return it unchanged, at a cost per cell).
_PLAIN = frozenset({
    "AutoField", "BigAutoField", "SmallAutoField", "BigIntegerField", "BooleanField",
    "CharField", "DateField", "EmailField", "IntegerField", "PositiveBigIntegerField",
    "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallIntegerField",
    "TextField", "URLField", "UUIDField",
})


def _postgres(connection):
    return connection.vendor == "postgresql"


def _columns(model, connection):
    """(fields, converters): every concrete column of `model`, and how a
    value becomes a parameter."""
    fields = [f for f in model._meta.concrete_fields]
    converters = []
    for field in fields:
        kind = (field.target_field if field.is_relation else field).get_internal_type()
        if kind in _PLAIN:
            converters.append(None)
        else:
            converters.append(lambda value, field=field: field.get_db_prep_save(value,
                                                                              connection))
    return fields, converters


def _rows(objects, fields, converters, *, adding):
    """Each object's row of `fields` (`adding(obj)`: whether it is new, for
    auto_now_add): the attributes read at once (attrgetter), only the fields
    with a converter or a pre_save of their own handled one by one."""
    read = attrgetter(*(f.attname for f in fields))
    own = [(index, field, convert) for index, (field, convert)
           in enumerate(zip(fields, converters, strict=True))
           if convert is not None or getattr(field, "auto_now", False)
           or getattr(field, "auto_now_add", False)]
    for obj in objects:
        row = list(read(obj)) if len(fields) > 1 else [read(obj)]
        add = adding(obj)
        for index, field, convert in own:
            if getattr(field, "auto_now", False) or (add and getattr(field, "auto_now_add",
                                                                     False)):
                value = row[index] = field.pre_save(obj, add)
            else:
                value = row[index]
            if convert is not None and value is not None:
                row[index] = convert(value)
        yield row


def allocate_ids(model, count, *, connection=None):
    """`count` new ids from the sequence of `model`'s primary key (PostgreSQL)."""
    connection = connection or connections[router.db_for_write(model)]
    if not count:
        return []
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, count])
        return [row[0] for row in cursor.fetchall()]


def _give_ids(model, objects, connection):
    meta = model._meta
    if not isinstance(meta.pk, models.fields.AutoFieldMixin):  # a UUID default is set already
        return
    missing = [obj for obj in objects if obj.pk is None]
    for obj, pk in zip(missing, allocate_ids(model, len(missing), connection=connection),
                       strict=True):
        obj.pk = pk
    for obj in missing:
        obj._state.adding = False
        obj._state.db = connection.alias


def _copy(cursor, table, fields, rows, connection):
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def bulk_insert(model, objects, *, batch_size=BATCH):
    """Insert `objects` (new instances of `model`), set-based: COPY on
    PostgreSQL, bulk_create elsewhere. Like bulk_create: no save(), no
    signals, the caller validates; the objects come back with their pk.
    Returns the objects."""
    objects = list(objects)
    if not objects:
        return objects
    connection = connections[router.db_for_write(model)]
    if not _postgres(connection):
        return model.objects.bulk_create(objects, batch_size=batch_size)
    _give_ids(model, objects, connection)
    fields, converters = _columns(model, connection)
    with connection.cursor() as cursor:
        _copy(cursor, model._meta.db_table, fields,
              _rows(objects, fields, converters, adding=lambda obj: True), connection)
    _noted(model, connection)
    return objects


def bulk_upsert(model, objects, fields, *, batch_size=BATCH):
    """Write `objects` of `model`: the new ones (pk None) inserted (bulk_insert:
    COPY), the saved ones' `fields` (names) updated in one statement - an
    INSERT ... ON CONFLICT (pk) DO UPDATE fed by COPY on PostgreSQL, bulk_create(
    update_conflicts=True) elsewhere. No save(), no signals; the caller
    validates and holds the locks. Returns the objects, each with its pk."""
    objects = list(objects)
    if not objects:
        return objects
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    updated = [meta.get_field(name) for name in fields]
    if not _postgres(connection):
        new = [obj for obj in objects if obj.pk is None]
        saved = [obj for obj in objects if obj.pk is not None]
        model.objects.bulk_create(new, batch_size=batch_size)
        if saved:
            model.objects.bulk_create(saved, batch_size=batch_size, update_conflicts=True,
                                      unique_fields=[meta.pk.name],
                                      update_fields=[f.name for f in updated])
        return objects
    # The new ones straight into the table; only the saved ones pass through
    # a staging table to be updated (a second copy of every row otherwise).
    saved = [obj for obj in objects if obj.pk is not None]
    bulk_insert(model, [obj for obj in objects if obj.pk is None], batch_size=batch_size)
    if not saved:
        return objects
    columns, converters = _columns(model, connection)
    quote = connection.ops.quote_name
    staging = f"bulk_upsert_{uuid.uuid4().hex[:12]}"
    names = ", ".join(quote(f.column) for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in updated)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {staging} (LIKE {quote(meta.db_table)}) "
                       "ON COMMIT DROP")
        _copy(cursor, staging, columns,
              _rows(saved, columns, converters, adding=lambda obj: False), connection)
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({names}) SELECT {names} FROM {staging} "  # noqa: S608
            f"ON CONFLICT ({quote(meta.pk.column)}) DO UPDATE SET {assignments}")
        cursor.execute(f"DROP TABLE {staging}")
    return objects


def _noted(model, connection):
    """A COPY passes no execute wrapper: tell the open data's version."""
    from . import dataversion

    if dataversion.writes_data(f"INSERT INTO {model._meta.db_table}"):
        dataversion.note_write(connection)


# --- Reading children in bulk ---------------------------------------------------------------


def prefetch_children(instances, name, queryset=None, *, batch_size=5000):
    """As prefetch_related_objects(instances, Prefetch(name, queryset)) for a
    reverse foreign key `name` (e.g. an indicator value's "parts"): one query
    per batch, but without a queryset built per instance - the instances
    without children (most of an import's) share one empty, evaluated
    queryset; `instance.<name>.all()` then reads no more."""
    instances = [instance for instance in instances if instance.pk is not None]
    if not instances:
        return
    descriptor = getattr(type(instances[0]), name)
    field = descriptor.rel.field  # the child's foreign key
    child = descriptor.rel.related_model
    queryset = queryset if queryset is not None else child._default_manager.all()
    found = {}
    keys = [instance.pk for instance in instances]
    for start in range(0, len(keys), batch_size):
        for item in queryset.filter(**{f"{field.name}__in": keys[start:start + batch_size]}):
            found.setdefault(getattr(item, field.attname), []).append(item)
    cache_name = field.remote_field.cache_name
    empty = child._default_manager.none()
    empty._result_cache, empty._prefetch_done = [], True
    for instance in instances:
        cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
        items = found.get(instance.pk)
        if not items:
            cache[cache_name] = empty
            continue
        cache.pop(cache_name, None)
        own = getattr(instance, name).get_queryset()
        for item in items:
            field.set_cached_value(item, instance)
        own._result_cache, own._prefetch_done = items, True
        cache[cache_name] = own


# --- Validating many instances -------------------------------------------------------------
#
# Model.full_clean costs about 0.2 ms per instance of a model of twenty fields
# (to_python, validate and the validators of each field, through several calls
# each): a fifth of a 10,000-value import's apply. `clean_fields_fast` proves
# the usual case - every value already of its field's type, within its length,
# digits, range and choices - with the same validators, and leaves anything
# else to full_clean, which then raises the same errors it always did.

_KINDS = {
    "AutoField": (int,), "BigAutoField": (int,), "SmallAutoField": (int,),
    "CharField": (str,), "TextField": (str,), "DecimalField": (Decimal,),
    "IntegerField": (int,), "BigIntegerField": (int,), "SmallIntegerField": (int,),
    "PositiveIntegerField": (int,), "PositiveSmallIntegerField": (int,),
    "PositiveBigIntegerField": (int,), "BooleanField": (bool,), "DateField": (date,),
    "DateTimeField": (datetime,),
}
_VALIDATORS = (validators.MaxLengthValidator, validators.MinValueValidator,
               validators.MaxValueValidator, validators.DecimalValidator,
               validators.ProhibitNullCharactersValidator)
_plans = {}


def _clean_plan(model, exclude):
    """(attname, blank, kinds, choices, validators) of each field full_clean
    would check, or None when some field or the model's clean() is beyond
    what clean_fields_fast proves."""
    key = (model, exclude)
    if key not in _plans:
        plan = []
        if model.clean is not models.Model.clean:
            plan = None
        for field in model._meta.fields if plan is not None else ():
            if field.name in exclude or field.generated:
                continue
            kinds = _KINDS.get(field.get_internal_type())
            limits = [v for v in field.validators if type(v) in _VALIDATORS
                      and not callable(getattr(v, "limit_value", None))]
            if kinds is None or field.is_relation or len(limits) != len(field.validators):
                plan = None
                break
            choices = ({value for value, _label in field.flatchoices} if field.choices
                       else None)
            plan.append((field.attname, field.blank, kinds, choices, limits))
        _plans[key] = plan
    return _plans[key]


def clean_fields_fast(instance, *, exclude=()):
    """As instance.full_clean(exclude=exclude, validate_unique=False,
    validate_constraints=False): raises the same ValidationError, but checks
    the usual case - each value already of its field's Python type - without
    Django's per-field machinery; whatever it cannot prove valid goes to
    full_clean. Foreign keys must be in `exclude` (full_clean would look each
    one up)."""
    plan = _clean_plan(type(instance), frozenset(exclude))
    if plan is not None and _fields_valid(instance, plan):
        return
    instance.full_clean(exclude=list(exclude), validate_unique=False,
                        validate_constraints=False)


def _fields_valid(instance, plan):
    values = instance.__dict__
    for attname, blank, kinds, choices, limits in plan:
        if attname not in values:  # deferred: full_clean would load it
            return False
        value = values[attname]
        if value is None or value == "":
            if blank:
                continue
            return False
        if not isinstance(value, kinds) or (kinds[0] is int and isinstance(value, bool)) or (
                kinds[0] is date and isinstance(value, datetime)):
            return False
        if choices is not None and value not in choices:
            return False
        try:
            for validator in limits:
                validator(value)
        except ValidationError:
            return False
    return True


# --- Making many instances ------------------------------------------------------------------


def instance_maker(model):
    """A maker of new, unsaved instances of `model` for a bulk write:
    `make(**values)` is `model(**values)` (values by field name or attname, a
    foreign key by its object or its id), made from positional values, each
    field's constant default worked out once - Django's keyword path asks
    every field for its default, most of the cost of a 10,000-value import's
    instances."""
    fields = model._meta.concrete_fields
    index, defaults, per_call = {}, [], []
    for position, field in enumerate(fields):
        index[field.attname] = index[field.name] = position
        if (field.has_default() and callable(field.default)) or field.has_db_default():
            per_call.append((position, field))
            defaults.append(None)
        else:
            defaults.append(field.get_default())

    attnames = [field.attname for field in fields]
    new = models.Model.__new__
    plain = not (signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model))

    def make(**values):
        row = list(defaults)
        for position, field in per_call:
            row[position] = field.get_default()
        related = []
        for name, value in values.items():
            position = index[name]
            field = fields[position]
            if field.is_relation and name == field.name:
                related.append((name, value))  # through its descriptor, as Django does
            else:
                row[position] = value
        if plain:
            # What Model.__init__ does with a value for every field, less the
            # signals nobody listens to and a descriptor call per field.
            instance = new(model)
            instance._state = ModelState()
            instance.__dict__.update(zip(attnames, row, strict=True))
        else:
            instance = model(*row)
        for name, value in related:
            setattr(instance, name, value)
        return instance

    return make
