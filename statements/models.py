from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cities.models import StanceLevel
from tracker.models import CuratedModel, Status, TimeStampedModel
from tracker.page_tags import (
    SITE,
    STANCES,
    STATEMENT_TEXTS,
    STATEMENTS,
    official_tag,
    place_stance_tag,
    place_tag,
    statement_tag,
)
from tracker.text import shorten
from tracker.validation import ConstraintValidationMixin

from .querysets import EventQuerySet, SourceQuerySet, StanceQuerySet, StatementQuerySet


class Medium(models.TextChoices):
    PRESS_STATEMENT = "press_statement", _("Press statement")
    SOCIAL_MEDIA = "social_media", _("Social media post")
    INTERVIEW = "interview", _("Interview")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    ORDER = "order", _("Order or directive")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")
    NOT_STATED = "not_stated", _("Not stated in the source")


class DateBasis(models.TextChoices):
    SAID = "said", _("Said on this date")
    REPORTED = "reported", _("Said on or before this date (the date it was reported)")


class QuoteLanguage(models.TextChoices):
    """The language a statement was made in: its quote is shown in it, marked with its `lang`."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    CHINESE = "zh", _("Chinese")
    VIETNAMESE = "vi", _("Vietnamese")
    HAITIAN_CREOLE = "ht", _("Haitian Creole")
    FRENCH = "fr", _("French")
    OTHER = "und", _("Another language")


class TranslationLanguage(models.TextChoices):
    """The site's languages, into which an editor may translate a statement."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class Practice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


PRACTICE_FIELDS = (
    "joins_ice_operations",
    "shares_databases",
    "honours_detainers",
    "notifies_releases",
    "has_287g_agreement",
    "declared_sanctuary",
)


class Source(ConstraintValidationMixin, TimeStampedModel):
    """Where a claim was published; one source serves many statements, stances and events."""

    publisher = models.CharField(max_length=200, help_text="e.g. HuffPost, Denver Post")
    title = models.CharField(max_length=500, blank=True)
    url = models.URLField(
        "URL",
        max_length=1000,
        blank=True,
        help_text="Leave empty only for a source known through another one (see “cited in”).",
    )
    published_on = models.DateField(null=True, blank=True)
    archived_url = models.URLField(
        "archived URL",
        max_length=1000,
        blank=True,
        help_text="A Wayback Machine or archive.today copy.",
    )
    cited_in = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cites",
        help_text="The source that names this one, when we know this one only through it "
        "(e.g. the Denver Post, as reported by HuffPost).",
    )

    history = HistoricalRecords()
    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "publisher"]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_url_unique",
                violation_error_message="This URL is already recorded: find its source by the "
                "URL in the list of sources, and use that source.",
            ),
            models.UniqueConstraint(
                fields=["publisher", "cited_in"],
                condition=Q(url=""),
                name="source_unlinked_publisher_unique_per_citation",
                violation_error_message="This publisher is already recorded as cited in that "
                "source: use that record.",
            ),
            models.CheckConstraint(
                condition=~Q(url="") | Q(cited_in__isnull=False),
                name="source_has_url_or_citing_source",
                violation_error_message="Give the URL, or choose under “cited in” the source "
                "that names this one.",
            ),
            models.CheckConstraint(
                condition=Q(cited_in__isnull=True) | ~Q(cited_in=F("pk")),
                name="source_not_cited_in_itself",
                violation_error_message="A source cannot be cited in itself.",
            ),
        ]

    constraint_fields = {
        "source_url_unique": "url",
        "source_unlinked_publisher_unique_per_citation": "publisher",
        "source_has_url_or_citing_source": "url",
        "source_not_cited_in_itself": "cited_in",
    }

    def page_cache_tags(self, *, created: bool, deleted: bool = False) -> set[str]:
        # A new source shows nowhere until a published record cites it, which bumps that
        # record's pages; a change to a cited one may show on any page.
        return set() if created else {SITE}

    def __str__(self):
        when = f", {self.published_on:%Y-%m-%d}" if self.published_on else ""
        title = f": {self.title}" if self.title else ""
        via = f" (cited in {self.cited_in.publisher})" if self.cited_in_id else ""
        return f"{self.publisher}{title}{when}{via}"


class Event(ConstraintValidationMixin, TimeStampedModel):
    """What statements respond to, e.g. an announced enforcement operation."""

    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    targeted_jurisdictions = models.ManyToManyField(
        "cities.Jurisdiction", blank=True, related_name="targeted_by_events"
    )
    sources = models.ManyToManyField(Source, blank=True, related_name="events")

    history = HistoricalRecords(m2m_fields=[targeted_jurisdictions, sources])
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="event_slug_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="event_ends_after_it_starts",
                violation_error_message="An event cannot end before it starts.",
            ),
        ]

    constraint_fields = {"event_ends_after_it_starts": "ends_on"}

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("statements:event", kwargs={"slug": self.slug})


def retraction_has_reason(kind: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=~Q(status="retracted")
        | (~Q(retraction_reason="") & Q(retracted_at__isnull=False)),
        name=f"{kind}_retraction_has_reason",
        violation_error_message=f"A retracted {kind} needs the reason and date of its retraction.",
    )


def status_valid(kind: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(status__in=Status.values),
        name=f"{kind}_status_valid",
        violation_error_message="The status is not one of draft, published and retracted.",
    )


class Statement(ConstraintValidationMixin, CuratedModel):
    official = models.ForeignKey(
        "cities.Official",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="Who spoke. Give an official, an agency, or both.",
    )
    agency = models.ForeignKey(
        "cities.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="statements",
        help_text="The body that spoke, or the one the official spoke for.",
    )
    jurisdiction = models.ForeignKey(
        "cities.Jurisdiction", on_delete=models.PROTECT, related_name="statements"
    )
    said_on = models.DateField("date said")
    said_on_basis = models.CharField(
        "date basis",
        max_length=10,
        choices=DateBasis,
        default=DateBasis.SAID,
        help_text="When the source gives no date for the statement, use the date it was reported.",
    )
    medium = models.CharField(max_length=20, choices=Medium)
    quote = models.TextField("verbatim quote", blank=True)
    summary = models.TextField(
        blank=True, help_text="A faithful paraphrase, for what the source reports without quoting."
    )
    # Quotes stay as they were said; readers of the other language get an editor's translation,
    # labelled as such (templates/statements/_quote.html).
    language = models.CharField(
        max_length=3,
        choices=QuoteLanguage,
        default=QuoteLanguage.ENGLISH,
        help_text="The language the statement was made in.",
    )
    translation = models.TextField(
        "editor's translation",
        blank=True,
        help_text="A translation of the quote (or summary) by an editor, shown to readers of that "
        "language and labelled as a translation.",
    )
    translation_language = models.CharField(max_length=2, choices=TranslationLanguage, blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="statements")
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.PROTECT, related_name="statements"
    )
    # Kept current by the database (a trigger on PostgreSQL); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(m2m_fields=[sources], excluded_fields=["search_vector"])
    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "-id"]
        permissions = [
            ("publish_statement", "Can publish, unpublish, correct and retract statements"),
        ]
        indexes = [
            models.Index(fields=["status", "-said_on"], name="statement_status_said_on"),
            models.Index(
                fields=["jurisdiction", "status", "-said_on"], name="statement_juris_said_on"
            ),
            # The medium filter, newest first, without walking every published statement.
            models.Index(fields=["medium", "status", "-said_on"], name="statement_medium_said_on"),
            # Every column the list's facets count published statements by, so that a count
            # reads this index instead of the table with its texts.
            models.Index(
                fields=["status", "jurisdiction", "official", "medium", "said_on"],
                name="statement_facets",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(official__isnull=False) | Q(agency__isnull=False),
                name="statement_has_speaker",
                violation_error_message="Say who spoke: choose an official, an agency, or both.",
            ),
            models.CheckConstraint(
                condition=~Q(quote="") | ~Q(summary=""),
                name="statement_has_quote_or_summary",
                violation_error_message="Give the verbatim quote, a summary, or both.",
            ),
            models.CheckConstraint(
                condition=Q(medium__in=Medium.values),
                name="statement_medium_valid",
                violation_error_message="Choose a medium from the list.",
            ),
            models.CheckConstraint(
                condition=(Q(translation="") & Q(translation_language=""))
                | (
                    ~Q(translation="")
                    & ~Q(translation_language="")
                    & ~Q(translation_language=F("language"))
                ),
                name="statement_translation_has_other_language",
                violation_error_message="A translation needs its language, which must differ "
                "from the language the statement was made in.",
            ),
            status_valid("statement"),
            retraction_has_reason("statement"),
        ]

    constraint_fields = {
        "statement_has_speaker": "official",
        "statement_translation_has_other_language": "translation_language",
        "statement_has_quote_or_summary": "quote",
        "statement_medium_valid": "medium",
        "statement_retraction_has_reason": "retraction_reason",
    }

    remembered_fields = ("jurisdiction_id", "official_id", "said_on")

    def page_cache_tags(self, *, created: bool = False, deleted: bool = False) -> set[str]:
        """Its page, its place's and speaker's (now and as last read), every list of statements;
        the lists of places and the map too unless it is an edit they cannot show."""
        places = {self.jurisdiction_id, self.loaded_values.get("jurisdiction_id")}
        officials = {self.official_id, self.loaded_values.get("official_id")}
        shown_to_places = created or deleted or self.changes_what_places_show()
        return {
            STATEMENTS if shown_to_places else STATEMENT_TEXTS,
            statement_tag(self.pk),
            *(place_tag(pk) for pk in places if pk),
            *(official_tag(pk) for pk in officials if pk),
        }

    def changes_what_places_show(self) -> bool:
        """Whether saving it changes what a list of places or the map shows of its place: that
        it has published statements, how many, the latest day. A change of status, place or day
        does; an edit of the words, speaker, medium or sources does not."""
        loaded = self.loaded_values
        return (
            self.loaded_status != self.status
            or loaded.get("jurisdiction_id") != self.jurisdiction_id
            or loaded.get("said_on") != self.said_on
        )

    def __str__(self):
        text = shorten(self.quote or self.summary, 60)
        return f"{self.speaker_name}, {self.said_on:%Y-%m-%d}: {text}"

    def get_absolute_url(self):
        return reverse("statements:detail", kwargs={"pk": self.pk})

    def translation_for(self, language: str) -> str:
        """The editor's translation for readers of `language`, if there is one ("" otherwise)."""
        if self.translation and self.translation_language == language != self.language:
            return self.translation
        return ""

    @property
    def speaker_name(self) -> str:
        if self.official_id:
            return self.official.name
        return self.agency.name if self.agency_id else ""


class Stance(ConstraintValidationMixin, CuratedModel):
    """A jurisdiction's (or one agency's) police-cooperation stance toward ICE, effective-dated.

    `ended_on` is the day the next stance took over; an open end means the stance is current.
    """

    jurisdiction = models.ForeignKey(
        "cities.Jurisdiction", on_delete=models.PROTECT, related_name="stances"
    )
    agency = models.ForeignKey(
        "cities.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stances",
        help_text="The agency the stance binds, e.g. the police department; empty for the whole jurisdiction.",
    )
    level = models.CharField(max_length=20, choices=StanceLevel)
    effective_from = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    joins_ice_operations = models.CharField(
        _("takes part in ICE enforcement operations"),
        max_length=10,
        choices=Practice,
        default=Practice.UNKNOWN,
    )
    shares_databases = models.CharField(
        _("gives ICE access to police or jail databases"),
        max_length=10,
        choices=Practice,
        default=Practice.UNKNOWN,
    )
    honours_detainers = models.CharField(
        _("honours ICE detainer requests"),
        max_length=10,
        choices=Practice,
        default=Practice.UNKNOWN,
    )
    notifies_releases = models.CharField(
        _("notifies ICE before releasing people"),
        max_length=10,
        choices=Practice,
        default=Practice.UNKNOWN,
    )
    has_287g_agreement = models.CharField(
        _("has a 287(g) agreement"), max_length=10, choices=Practice, default=Practice.UNKNOWN
    )
    declared_sanctuary = models.CharField(
        _("has a declared sanctuary policy"),
        max_length=10,
        choices=Practice,
        default=Practice.UNKNOWN,
    )
    summary = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, blank=True, related_name="stances")
    announced_by = models.ForeignKey(
        Statement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announced_stances",
        help_text="The statement that announced this stance, if one did.",
    )

    history = HistoricalRecords(m2m_fields=[sources])
    objects = StanceQuerySet.as_manager()

    PRACTICE_FIELDS = PRACTICE_FIELDS

    class Meta:
        ordering = ["jurisdiction__name", "-effective_from"]
        permissions = [
            ("publish_stance", "Can publish, unpublish, correct and retract stances"),
        ]
        indexes = [
            models.Index(fields=["jurisdiction", "-effective_from"], name="stance_juris_effective"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("effective_from")),
                name="stance_ends_after_it_starts",
                violation_error_message="A stance cannot end before it takes effect.",
            ),
            # Coalesce makes a jurisdiction-wide stance (no agency) count once, as NULLs would not.
            models.UniqueConstraint(
                F("jurisdiction"),
                Coalesce("agency", 0),
                condition=Q(ended_on__isnull=True, status="published"),
                name="stance_one_current_per_agency",
                violation_error_message="Another published stance for this jurisdiction and "
                "agency is current. Give this one an end date, or record a new stance and "
                "publish it instead.",
            ),
            models.CheckConstraint(
                condition=Q(level__in=StanceLevel.values),
                name="stance_level_valid",
                violation_error_message="Choose a stance level from the list.",
            ),
            status_valid("stance"),
            retraction_has_reason("stance"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__in": Practice.values}),
                    name=f"stance_{field}_valid",
                    violation_error_message="Choose yes, no or unknown.",
                )
                for field in PRACTICE_FIELDS
            ],
        ]

    constraint_fields = {
        "stance_ends_after_it_starts": "ended_on",
        "stance_one_current_per_agency": "ended_on",
        "stance_level_valid": "level",
        "stance_retraction_has_reason": "retraction_reason",
        **{f"stance_{field}_valid": field for field in PRACTICE_FIELDS},
    }

    remembered_fields = ("jurisdiction_id",)

    def page_cache_tags(self, *, created: bool = False, deleted: bool = False) -> set[str]:
        """Its place's page and its place's statements' pages (now and as last read), and
        every list."""
        places = [
            pk for pk in {self.jurisdiction_id, self.loaded_values.get("jurisdiction_id")} if pk
        ]
        return {STANCES, *map(place_tag, places), *map(place_stance_tag, places)}

    def __str__(self):
        who = self.agency.name if self.agency_id else str(self.jurisdiction)
        return f"{who}: {self.get_level_display()} from {self.effective_from:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("cities:detail", kwargs={"slug": self.jurisdiction.slug})

    @property
    def is_current(self) -> bool:
        return self.ended_on is None

    def practices(self) -> list[tuple[str, str]]:
        """(label, value label) for each practice, in a fixed order, for display."""
        return [
            (self._meta.get_field(field).verbose_name, getattr(self, f"get_{field}_display")())
            for field in self.PRACTICE_FIELDS
        ]


class Correction(ConstraintValidationMixin, models.Model):
    """A dated public note that a published statement or stance was corrected, and how."""

    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections"
    )
    stance = models.ForeignKey(
        Stance, null=True, blank=True, on_delete=models.CASCADE, related_name="corrections"
    )
    corrected_at = models.DateTimeField()
    note = models.TextField(help_text="What changed, for readers: shown on the record's page.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-corrected_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(statement__isnull=False, stance__isnull=True)
                | Q(statement__isnull=True, stance__isnull=False),
                name="correction_has_one_record",
                violation_error_message="A correction is of one statement or one stance.",
            ),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="correction_has_note",
                violation_error_message="Say what was corrected, for readers.",
            ),
        ]

    constraint_fields = {"correction_has_note": "note"}

    def page_cache_tags(self, *, created: bool, deleted: bool = False) -> set[str]:
        try:
            record = self.record
        except ObjectDoesNotExist:  # deleted with its record, whose own delete names its tags
            return set()
        return record.page_cache_tags() if record is not None else {SITE}

    def __str__(self):
        return f"Correction of {self.record} on {self.corrected_at:%Y-%m-%d}"

    @property
    def record(self):
        return self.statement if self.statement_id else self.stance
