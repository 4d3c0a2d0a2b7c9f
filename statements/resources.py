"""Import and export columns of sources, statements and stances (docs/import.md).

Sources are matched by URL. Statements and stances are matched by their `id` when the file
gives one that exists here (an export's ids), and are otherwise added. Whatever a file says,
an import writes drafts only: it never publishes, and it refuses to change a published or
retracted record. Likely duplicates are flagged in the preview, not dropped.
"""

import re

from django.db.models import Case, Prefetch, When
from import_export import widgets
from import_export.fields import Field

from cities.models import Jurisdiction, Official, StanceLevel
from cities.widgets import AgencyWidget
from tracker.imports.resources import (
    ChoiceWidget,
    DateWidget,
    IntegerWidget,
    LookupWidget,
    ManyToManyField,
    TrackerResource,
    text,
)

from . import services
from .models import (
    PRACTICE_FIELDS,
    DateBasis,
    Event,
    Medium,
    Practice,
    Source,
    Stance,
    Statement,
    Status,
)

# A source known only through another one has no URL of its own: `Denver Post (cited in URL)`.
CITED_IN = re.compile(r"^(?P<publisher>.+?)\s*\(cited in (?P<url>\S+)\)$")


def source_reference(source: Source) -> str:
    if source.url:
        return source.url
    citing = source.cited_in.url if source.cited_in_id else ""
    return f"{source.publisher} (cited in {citing})"


class SourcesWidget(widgets.ManyToManyWidget):
    """Sources as a `|`-separated list of URLs; an unknown one is an error, never skipped."""

    def __init__(self):
        super().__init__(Source, separator="|", field="url")
        # Each reference is looked up once per import (the resource copies its widgets).
        self.found = {}

    def find(self, reference: str) -> Source | None:
        if self.found.get(reference) is None:
            match = CITED_IN.match(reference)
            if match:
                candidates = Source.objects.filter(
                    url="", publisher=match["publisher"], cited_in__url=match["url"]
                )
            else:
                candidates = Source.objects.filter(url=reference)
            self.found[reference] = candidates.first()
        return self.found[reference]

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return []
        found, missing = [], []
        for reference in (r.strip() for r in str(value).split(self.separator)):
            if not reference:
                continue
            source = self.find(reference)
            if source is None:
                missing.append(f"“{reference}”")
            else:
                found.append(source)
        if missing:
            raise ValueError(
                f"No source recorded with URL {', '.join(missing)}. Import or add the "
                "source(s) first, and separate several with |."
            )
        return found

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "|".join(sorted(source_reference(source) for source in value.all()))


def _same_text(text: str) -> str:
    return " ".join((text or "").split()).casefold()


class SourceResource(TrackerResource):
    url = text("url")
    publisher = text("publisher")
    title = text("title")
    published_on = Field("published_on", "published_on", widget=DateWidget())
    archived_url = text("archived_url")
    cited_in = Field(
        "cited_in",
        "cited_in",
        widget=LookupWidget(
            Source, "url", noun="source", hint="Import or add the citing source first."
        ),
    )

    required_columns = ("url", "publisher")

    class Meta:
        model = Source
        name = "sources"
        fields = ("url", "publisher", "title", "published_on", "archived_url", "cited_in")
        export_order = fields
        import_id_fields = ["url"]
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        """By URL; a source without one by its publisher and the URL of the source citing it."""
        if row.get("url"):
            return Source.objects.filter(url=row["url"]).first()
        if row.get("publisher") and row.get("cited_in"):
            return Source.objects.filter(
                url="", publisher=row["publisher"], cited_in__url=row["cited_in"]
            ).first()
        return None

    def filter_export(self, queryset, **kwargs):
        # Citing sources first, so that a file imports them before the sources they name.
        citing_first = Case(When(cited_in__isnull=True, then=0), default=1)
        return queryset.select_related("cited_in").order_by(citing_first, "url", "publisher", "pk")


class CuratedResource(TrackerResource):
    """Statements and stances: drafts only, by the importing editor, duplicates flagged."""

    id = Field("id", "id", widget=IntegerWidget())

    # Exported for reference; an import ignores it and writes a draft.
    status = Field("status", "status", readonly=True)
    sources = ManyToManyField("sources", "sources", widget=SourcesWidget())

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.created, self.seen = set(), {}

    def check_row(self, instance, errors):
        # No constraint can say this: the import's own rule, that it changes drafts only.
        if not instance._state.adding and instance.status != Status.DRAFT:
            name = instance._meta.verbose_name.capitalize()
            errors.setdefault(
                "id",
                f"{name} #{instance.pk} is {instance.get_status_display().lower()}: an import "
                "changes drafts only. Correct it in the admin, or clear the id to add a new draft.",
            )

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.status = Status.DRAFT
        self.adding = instance._state.adding
        if self.adding:
            instance.created_by = self.user
        instance.updated_by = self.user

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        if self.adding:
            self.created.add(instance.pk)

    def row_warnings(self, instance, row, **kwargs):
        warnings = []
        status = str(row.get("status") or "").strip()
        if status and status.lower() != Status.DRAFT:
            warnings.append(f"status “{status}” ignored: imported as a draft.")
        key = self.duplicate_key(instance)
        if key is None:
            return warnings
        number = kwargs["row_number"]
        earlier = self.seen.setdefault(key, number)
        if earlier != number:
            warnings.append(f"Likely duplicate of row {earlier + 1} of this file {self.same}.")
        candidates = self.duplicates(instance).exclude(pk__in=self.created)
        for match in candidates.only("pk", "status", *self.duplicate_fields):
            if match.pk != instance.pk and self.duplicate_key(match) == key:
                warnings.append(
                    f"Likely duplicate of {match._meta.verbose_name} #{match.pk} "
                    f"({match.get_status_display().lower()}) {self.same}."
                )
                break
        return warnings

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.drafts_only = True


class StatementResource(CuratedResource):
    jurisdiction = Field(
        "jurisdiction",
        "jurisdiction",
        widget=LookupWidget(Jurisdiction, "slug", hint="Import or add the jurisdiction first."),
    )
    official = Field(
        "official",
        "official",
        widget=LookupWidget(Official, "slug", hint="Import or add the official first."),
    )
    agency = Field("agency", "agency", widget=AgencyWidget())
    said_on = Field("said_on", "said_on", widget=DateWidget())
    said_on_basis = Field(
        "said_on_basis", "said_on_basis", widget=ChoiceWidget(DateBasis.choices, DateBasis.SAID)
    )
    medium = Field("medium", "medium", widget=ChoiceWidget(Medium.choices))
    quote = text("quote")
    summary = text("summary")
    event = Field(
        "event",
        "event",
        widget=LookupWidget(Event, "slug", hint="Add the event in the admin first."),
    )

    required_columns = ("jurisdiction", "said_on", "medium")
    required_one_of = (("official", "agency"), ("quote", "summary"))
    same = "(same speaker, date and quote)"
    duplicate_fields = ("official", "agency", "said_on", "quote", "summary")

    class Meta:
        model = Statement
        name = "statements"
        fields = (
            "id",
            "jurisdiction",
            "official",
            "agency",
            "said_on",
            "said_on_basis",
            "medium",
            "quote",
            "summary",
            "sources",
            "event",
            "status",
        )
        export_order = fields
        import_id_fields = ["id"]
        clean_model_instances = True

    def duplicate_key(self, statement):
        speaker = (statement.official_id, None if statement.official_id else statement.agency_id)
        text = _same_text(statement.quote) or ("summary", _same_text(statement.summary))
        if not statement.said_on or speaker == (None, None) or not text:
            return None
        return (*speaker, statement.said_on, text)

    def duplicates(self, statement):
        found = Statement.objects.filter(said_on=statement.said_on)
        if statement.official_id:
            return found.filter(official_id=statement.official_id)
        return found.filter(official__isnull=True, agency_id=statement.agency_id)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(
            "jurisdiction", "official", "agency", "event"
        ).prefetch_related(Prefetch("sources", queryset=Source.objects.select_related("cited_in")))


def _practice(name: str) -> Field:
    return Field(name, name, widget=ChoiceWidget(Practice.choices, Practice.UNKNOWN))


class StanceResource(CuratedResource):
    jurisdiction = Field(
        "jurisdiction",
        "jurisdiction",
        widget=LookupWidget(Jurisdiction, "slug", hint="Import or add the jurisdiction first."),
    )
    agency = Field("agency", "agency", widget=AgencyWidget())
    level = Field("level", "level", widget=ChoiceWidget(StanceLevel.choices))
    effective_from = Field("effective_from", "effective_from", widget=DateWidget())
    ended_on = Field("ended_on", "ended_on", widget=DateWidget())
    joins_ice_operations = _practice("joins_ice_operations")
    shares_databases = _practice("shares_databases")
    honours_detainers = _practice("honours_detainers")
    notifies_releases = _practice("notifies_releases")
    has_287g_agreement = _practice("has_287g_agreement")
    declared_sanctuary = _practice("declared_sanctuary")
    summary = text("summary")

    required_columns = ("jurisdiction", "level", "effective_from")
    same = "(same jurisdiction, agency, level and effective date)"
    duplicate_fields = ("jurisdiction", "agency", "level", "effective_from")

    class Meta:
        model = Stance
        name = "stances"
        fields = (
            "id",
            "jurisdiction",
            "agency",
            "level",
            "effective_from",
            "ended_on",
            *PRACTICE_FIELDS,
            "summary",
            "sources",
            "status",
        )
        export_order = fields
        import_id_fields = ["id"]
        clean_model_instances = True

    def do_instance_save(self, instance, is_create):
        # Through the service, like the admin: drafts leave the jurisdiction's headline alone.
        services.stance_save(stance=instance, by=self.user)

    def duplicate_key(self, stance):
        if not stance.jurisdiction_id or not stance.effective_from or not stance.level:
            return None
        return (stance.jurisdiction_id, stance.agency_id, stance.level, stance.effective_from)

    def duplicates(self, stance):
        return Stance.objects.filter(
            jurisdiction_id=stance.jurisdiction_id,
            effective_from=stance.effective_from,
            level=stance.level,
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("jurisdiction", "agency").prefetch_related(
            Prefetch("sources", queryset=Source.objects.select_related("cited_in"))
        )
