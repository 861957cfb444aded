"""The data a `serialized_rollback` test puts back, written a table at a time.

Django's `deserialize_db_from_string` saves the test database's initial rows (the reference
data the migrations load, content types, permissions: ~640 rows) one by one, an UPDATE then an
INSERT each: about three quarters of each transactional test's set-up on PostgreSQL. This does
what it does in a few statements per table: the same raw insert (no `save()`, no `auto_now`,
the stored values as they are), as an upsert since the rows are already there before a module's
first such test (`save()` updates them); the same pre_save/post_save signals with raw=True
(households.standards clears its cache on them); then the many-to-many rows; all in one
transaction, constraint checks off and then run. The statement-level triggers that record a
change of the figures (reports) fire once per table instead of twice per row.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core import serializers
from django.db import models, transaction
from django.db.models import signals
from django.db.models.constants import OnConflict


def deserialize_db_from_string(creation: Any, data: str) -> None:
    connection = creation.connection
    alias = connection.alias
    objects = list(serializers.deserialize("json", StringIO(data), using=alias))
    # One run per model, in the serialized order (parents before children).
    runs: list[tuple[type[models.Model], list[Any]]] = []
    for deserialized in objects:
        model = type(deserialized.object)
        if not runs or runs[-1][0] is not model:
            runs.append((model, []))
        runs[-1][1].append(deserialized)
    with transaction.atomic(using=alias):
        with connection.constraint_checks_disabled():
            _write(connection, runs)
            for deserialized in objects:
                for accessor, related in (deserialized.m2m_data or {}).items():
                    getattr(deserialized.object, accessor).set(related)
        # Checked now, as Django does: the checks were off while the rows went in.
        connection.check_constraints(table_names={model._meta.db_table for model, _ in runs})


def _write(connection: Any, runs: list[tuple[type[models.Model], list[Any]]]) -> None:
    alias = connection.alias
    for model, run in runs:
        rows = [d.object for d in run]
        for row in rows:
            signals.pre_save.send(
                sender=model, instance=row, raw=True, using=alias, update_fields=None
            )
        fields = model._meta.local_concrete_fields
        pk = model._meta.pk
        others = [f for f in fields if f is not pk]
        # The rows may be there already (the module's first such test): `save()` updated them.
        conflict = {
            "on_conflict": OnConflict.UPDATE if others else OnConflict.IGNORE,
            "update_fields": others or None,
            "unique_fields": [pk],
        }
        size = connection.ops.bulk_batch_size(fields, rows) or len(rows)
        for start in range(0, len(rows), size):
            model._base_manager.using(alias)._insert(
                rows[start : start + size], fields=fields, using=alias, raw=True, **conflict
            )
        for row in rows:
            row._state.adding = False
            row._state.db = alias
            signals.post_save.send(
                sender=model,
                instance=row,
                created=True,
                raw=True,
                using=alias,
                update_fields=None,
            )
