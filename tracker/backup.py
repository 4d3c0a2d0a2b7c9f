"""Portable backups: every record of the cities and statements apps, with its history, in one file.

The file is one JSON object laid out a line at a time so that neither side holds the whole
dataset in memory::

    {"header": {...}, "records": [
    {"model": "auth.group", "fields": {...}},
    ...
    {"model": "statements.correction", "pk": 7, "fields": {...}}
    ]}

Records are Django's serializer format, written in load order: groups (by name, with their
permissions as natural keys), the users the records refer to (with their password hashes), then
every model of the two apps, historical models included. Many-to-many links travel inside the
record that owns them. A path ending in ``.gz`` is gzipped; reading sniffs the gzip magic number.
"""

import datetime
import gzip
import io
import itertools
import json
import os
import tempfile
import tomllib
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchVectorField
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone

from .apps import DATA_APPS
from .page_tags import bump_generation

FORMAT = "sanctuary-tracker-dataset"
FORMAT_VERSION = 1
# The apps whose schema the records depend on: the file and the database must agree on these.
MIGRATION_APPS = ("contenttypes", "auth", *DATA_APPS)
CHUNK_SIZE = 1000

_OPENING = '{"header": '
_OPENING_END = ', "records": [\n'
_CLOSING = "]}\n"
_GZIP_MAGIC = b"\x1f\x8b"
# What a damaged or cut-off file raises while it is read.
_UNREADABLE = (OSError, EOFError, UnicodeDecodeError, zlib.error)


class DatasetError(Exception):
    """The file cannot be exported or imported; the message says why and what to do."""


@dataclass(frozen=True)
class DatasetReport:
    path: Path
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def data_models() -> list[type[Model]]:
    """Every model of the cities and statements apps, historical ones included, in app order.

    The auto-created m2m tables are left out: their rows travel inside the owning record.
    """
    return [model for app in DATA_APPS for model in apps.get_app_config(app).get_models()]


def migration_state() -> dict[str, str]:
    """The latest applied migration of each app in MIGRATION_APPS (one query)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if app in MIGRATION_APPS and name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as file:
            return tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


# --- export -------------------------------------------------------------------------------


class _Encoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps every microsecond."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _dumps(value) -> str:
    return json.dumps(value, cls=_Encoder, ensure_ascii=False)


def _natural(model: type[Model]) -> bool:
    """Refer to content types, permissions and groups by natural key: their ids differ per database."""
    natural_targets = {ContentType, Permission, Group}
    return any(
        field.related_model in natural_targets
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created
    )


def _related_queryset(model: type[Model]) -> QuerySet:
    if model is Permission:
        return Permission.objects.select_related("content_type").order_by(
            "content_type__app_label", "content_type__model", "codename"
        )
    if model is Group:
        return Group.objects.order_by("name")
    # Only the key is written; ordering by it keeps the file the same from one export to the next.
    return model._base_manager.order_by("pk").only("pk")


def _export_queryset(model: type[Model]) -> QuerySet:
    m2m = [
        Prefetch(field.name, queryset=_related_queryset(field.related_model))
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created
    ]
    ordering = "name" if model is Group else "pk"
    return model._base_manager.order_by(ordering).prefetch_related(*m2m)


def _serialized_fields(model: type[Model]) -> list[str] | None:
    """All fields but the derived search vector, which PostgreSQL's trigger rebuilds on load."""
    fields = model._meta.local_fields + model._meta.local_many_to_many
    if not any(isinstance(field, SearchVectorField) for field in fields):
        return None
    return [field.name for field in fields if not isinstance(field, SearchVectorField)]


def _referenced_users() -> QuerySet:
    """The users any exported record points to: authors, editors and history users."""
    user_model = get_user_model()
    referenced = Q()
    for model in data_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                referenced |= Q(pk__in=model._base_manager.values(field.attname))
    if not referenced:
        return user_model._base_manager.none()
    return user_model._base_manager.filter(referenced)


def _export_plan() -> list[tuple[type[Model], QuerySet]]:
    """(model, queryset) in load order: groups, then users, then the apps' records."""
    user_model = get_user_model()
    users = (
        _referenced_users()
        .order_by("pk")
        .prefetch_related(
            Prefetch("groups", queryset=_related_queryset(Group)),
            Prefetch("user_permissions", queryset=_related_queryset(Permission)),
        )
    )
    plan = [(Group, _export_queryset(Group)), (user_model, users)]
    plan += [(model, _export_queryset(model)) for model in data_models()]
    return plan


def _records(model: type[Model], queryset: QuerySet) -> Iterator[dict]:
    serializer = serializers.get_serializer("python")()
    natural = _natural(model)
    for chunk in itertools.batched(queryset.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        yield from serializer.serialize(
            chunk,
            fields=_serialized_fields(model),
            use_natural_foreign_keys=natural,
            # Groups are matched by name, so the ones the migrations created are updated, not doubled.
            use_natural_primary_keys=model is Group,
        )


def _write(stream: TextIO, header: dict, plan) -> None:
    stream.write(_OPENING + _dumps(header) + _OPENING_END)
    previous = None
    for model, queryset in plan:
        for record in _records(model, queryset):
            if previous is not None:
                stream.write(previous + ",\n")
            previous = _dumps(record)
    if previous is not None:
        stream.write(previous + "\n")
    stream.write(_CLOSING)


def _open_for_writing(path: Path, temporary: str) -> TextIO:
    if path.suffix == ".gz":
        return gzip.open(temporary, "wt", encoding="utf-8", newline="\n", compresslevel=6)
    return open(temporary, "w", encoding="utf-8", newline="\n")


def dataset_export(*, path: Path) -> DatasetReport:
    """Write every record to `path` from one consistent snapshot; returns the counts per model.

    Streams the tables a chunk at a time (two to three queries per chunk and model). The file
    appears only when complete: it is written beside `path` and renamed into place.
    """
    path = Path(path)
    if path.is_dir():
        raise DatasetError(f"{path} is a directory; give the path of the file to write.")
    if not path.parent.is_dir():
        raise DatasetError(f"The folder {path.parent} does not exist.")
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            # Counts and records must come from one snapshot while editors keep working.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        plan = _export_plan()
        counts = {model._meta.label_lower: queryset.count() for model, queryset in plan}
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migration_state(),
            "counts": counts,
        }
        descriptor, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".partial", dir=path.parent
        )
        os.close(descriptor)
        try:
            with _open_for_writing(path, temporary) as stream:
                _write(stream, header, plan)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    return DatasetReport(path=path, counts=counts)


# --- import -------------------------------------------------------------------------------


def _open_for_reading(path: Path) -> TextIO:
    try:
        with open(path, "rb") as raw:
            magic = raw.read(2)
        if magic == _GZIP_MAGIC:
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="\n")
        return open(path, encoding="utf-8", newline="\n")
    except IsADirectoryError:
        raise DatasetError(f"{path} is a directory, not a dataset file.") from None
    except FileNotFoundError:
        raise DatasetError(f"There is no file at {path}.") from None
    except OSError as error:
        raise DatasetError(f"{path} cannot be read: {error.strerror or error}.") from error


def _not_a_dataset(path: Path, why: str) -> DatasetError:
    return DatasetError(f"{path} is not a dataset written by export_dataset: {why}.")


def read_header(stream: TextIO, path: Path) -> dict:
    """Parse and check the first line; raises DatasetError for anything else."""
    first = stream.readline(1_000_000)
    if not (first.startswith(_OPENING) and first.endswith(_OPENING_END)):
        raise _not_a_dataset(path, "it does not begin with a dataset header")
    try:
        header = json.loads(first[len(_OPENING) : -len(_OPENING_END)])
    except ValueError:
        raise _not_a_dataset(path, "its header is not valid JSON") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _not_a_dataset(path, f'its header does not name the format "{FORMAT}"')
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise DatasetError(
            f"{path} uses dataset format version {version!r}; this version of the tracker "
            f"reads format version {FORMAT_VERSION}. Import it with the tracker version that "
            f"wrote it ({header.get('app_version', 'unknown')})."
        )
    migrations, counts = header.get("migrations"), header.get("counts")
    if not (
        isinstance(migrations, dict)
        and all(isinstance(v, str) for v in migrations.values())
        and isinstance(counts, dict)
        and all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values())
    ):
        raise _not_a_dataset(path, "its header lacks the migration state or the record counts")
    return header


def _check_migrations(header: dict) -> None:
    ours, theirs = migration_state(), header["migrations"]
    differences = [
        f"{app}: the file is at {theirs.get(app, 'no migration')}, "
        f"this database at {ours.get(app, 'no migration')}"
        for app in sorted(set(ours) | set(theirs))
        if ours.get(app) != theirs.get(app)
    ]
    if differences:
        raise DatasetError(
            "The file was exported from a database at another migration state ("
            + "; ".join(differences)
            + "). Run the tracker version that wrote it, or migrate this database to the "
            "same state, then import again."
        )


def _check_empty(models: list[type[Model]]) -> None:
    found = {}
    for model in models:
        if model is Group:
            continue  # the migrations create the role groups; imported groups update them
        count = model._base_manager.count()
        if count:
            found[model._meta.label_lower] = count
    if found:
        listed = ", ".join(f"{count} {label}" for label, count in list(found.items())[:4])
        if len(found) > 4:
            listed += f" and {len(found) - 4} more tables"
        raise DatasetError(
            f"This database already holds records ({listed}). import_dataset restores only "
            "into an empty database: create a new one, run `python manage.py migrate`, then "
            "import. Nothing was imported."
        )


def _records_from(stream: TextIO, path: Path, allowed: set[str], position: list[int]):
    """Yield each record dict; `position[0]` follows the line number for error messages."""
    closed = False
    for number, line in enumerate(stream, start=2):
        position[0] = number
        if closed:
            raise _not_a_dataset(path, f"line {number} follows the end of the records")
        if line in (_CLOSING, _CLOSING.rstrip("\n")):
            closed = True
            continue
        text = line.rstrip("\n").removesuffix(",")
        try:
            record = json.loads(text)
        except ValueError:
            raise _not_a_dataset(path, f"line {number} is not a JSON record") from None
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            raise _not_a_dataset(path, f"line {number} is not a record")
        if record.get("model") not in allowed:
            raise _not_a_dataset(
                path, f"line {number} holds a {record.get('model')!r} record, not part of a dataset"
            )
        yield record
    if not closed:
        raise DatasetError(
            f"{path} ends before its last record (line {position[0]}): the file is incomplete."
        )


def _insert(batch: list) -> None:
    """Insert one model's deserialized records and their m2m links, a few queries per batch.

    Like loaddata's raw save, the values go in as they are: no save() override, no auto_now,
    no signals, so no history rows and no side effects. Unlike it, rows go in many at a time
    with a plain INSERT: the database was checked empty, so nothing needs an UPDATE first.
    """
    model = type(batch[0].object)
    objects = [deserialized.object for deserialized in batch]
    fields = model._meta.local_concrete_fields
    size = max(1, connection.ops.bulk_batch_size(fields, objects))
    for start in range(0, len(objects), size):
        # QuerySet._insert is what Model.save_base() and loaddata use; raw=True keeps auto_now values.
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)
    links: dict[type[Model], list[Model]] = {}
    for deserialized in batch:
        for name, related in (deserialized.m2m_data or {}).items():
            field = model._meta.get_field(name)
            through = field.remote_field.through
            source = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            links.setdefault(through, []).extend(
                through(**{source: deserialized.object.pk, target: pk}) for pk in related
            )
    for through, rows in links.items():
        through._base_manager.bulk_create(rows, batch_size=CHUNK_SIZE)


def _load(stream: TextIO, path: Path, models: list[type[Model]], header: dict) -> Counter:
    allowed = {model._meta.label_lower for model in models}
    position = [1]
    loaded: Counter = Counter()
    records = _records_from(stream, path, allowed, position)
    batch: list = []
    try:
        with connection.constraint_checks_disabled():
            for deserialized in serializers.deserialize("python", records):
                record = deserialized.object
                loaded[record._meta.label_lower] += 1
                if isinstance(record, Group):
                    # Matched by name: a group the migrations created is updated, not doubled.
                    record.skip_history_when_saving = True  # in case groups gain a history
                    deserialized.save()
                    continue
                if batch and (
                    type(batch[0].object) is not type(record) or len(batch) >= CHUNK_SIZE
                ):
                    _insert(batch)
                    batch = []
                batch.append(deserialized)
            if batch:
                _insert(batch)
        connection.check_constraints(table_names=[model._meta.db_table for model in models])
    except DeserializationError as error:
        raise DatasetError(f"{path}, line {position[0]}: {error}") from error
    except DatabaseError as error:
        raise DatasetError(
            f"{path}, near line {position[0]}: the database refused a record: {error}"
        ) from error
    except _UNREADABLE as error:
        raise DatasetError(f"{path} could not be read to the end: {error}") from error
    expected = {label: count for label, count in header["counts"].items() if count}
    if dict(loaded) != expected:
        missing = ", ".join(
            f"{label}: {loaded[label]} of {count}"
            for label, count in expected.items()
            if loaded[label] != count
        )
        raise DatasetError(
            f"{path} holds other records than its header counts ({missing or 'extra records'})."
        )
    return loaded


def _reset_sequences(models: list[type[Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def dataset_import(*, path: Path) -> DatasetReport:
    """Restore a dataset into an empty, migrated database; all or nothing, in one transaction.

    Records go in raw (see _insert): no overridden save(), no auto_now, no new history rows.
    Afterwards the id sequences continue after the largest imported id, and cached pages are
    dropped once the restore is committed.
    """
    path = Path(path)
    models = [Group, get_user_model(), *data_models()]
    with _open_for_reading(path) as stream:
        try:
            header = read_header(stream, path)
        except _UNREADABLE:
            raise _not_a_dataset(path, "it is neither JSON text nor a gzipped dataset") from None
        _check_migrations(header)
        with transaction.atomic():
            _check_empty(models)
            loaded = _load(stream, path, models, header)
            _reset_sequences(models)
            # Pages cached while the database was empty must go; the rows sent no signals.
            transaction.on_commit(bump_generation)
    return DatasetReport(path=path, counts=dict(loaded))
