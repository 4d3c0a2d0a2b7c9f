"""Import and export columns of jurisdictions, agencies, officials and roles (docs/import.md).

Records are matched by their natural keys, never by database id: a jurisdiction by its slug, an
agency by its name within its jurisdiction, an official by slug, a role by official, title,
jurisdiction and start date. A matching row updates the record; any other row adds one.
"""

from django.db.models import Case, When
from django.utils.text import slugify
from import_export.fields import Field

from tracker.imports.resources import (
    ChoiceWidget,
    DateWidget,
    FloatWidget,
    IntegerWidget,
    LookupWidget,
    TrackerResource,
    text,
)

from .models import (
    Agency,
    AgencyKind,
    Jurisdiction,
    JurisdictionLevel,
    Official,
    Role,
    State,
    jurisdiction_slug,
)
from .widgets import AgencyWidget

BREADTH = [
    JurisdictionLevel.STATE,
    JurisdictionLevel.FEDERAL_DISTRICT,
    JurisdictionLevel.COUNTY,
    JurisdictionLevel.CITY_COUNTY,
    JurisdictionLevel.CITY,
]


def jurisdiction_by_slug(**kwargs):
    return LookupWidget(
        Jurisdiction, "slug", hint="Import or add the jurisdiction first.", **kwargs
    )


class JurisdictionResource(TrackerResource):
    slug = text("slug")
    name = text("name")
    state = Field("state", "state", widget=ChoiceWidget(State.choices))
    level = Field(
        "level", "level", widget=ChoiceWidget(JurisdictionLevel.choices, JurisdictionLevel.CITY)
    )
    population = Field("population", "population", widget=IntegerWidget())
    latitude = Field("latitude", "latitude", widget=FloatWidget())
    longitude = Field("longitude", "longitude", widget=FloatWidget())
    geoid = text("geoid")
    parent = Field("parent", "parent", widget=jurisdiction_by_slug())

    required_columns = ("name", "state")
    implied_columns = ("slug",)

    class Meta:
        model = Jurisdiction
        name = "jurisdictions"
        fields = (
            "slug",
            "name",
            "state",
            "level",
            "population",
            "latitude",
            "longitude",
            "geoid",
            "parent",
        )
        export_order = fields
        import_id_fields = ["slug"]
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        # The slug a jurisdiction gets when saved without one, so a second import updates it.
        if not row.get("slug") and row.get("name") and row.get("state"):
            row["slug"] = jurisdiction_slug(str(row["name"]), str(row["state"]).upper())

    def filter_export(self, queryset, **kwargs):
        # Wider jurisdictions first, so that a file imports its parents before their children.
        breadth = Case(
            *[When(level=level, then=rank) for rank, level in enumerate(BREADTH)],
            default=len(BREADTH),
        )
        return queryset.select_related("parent").order_by(breadth, "state", "name", "pk")


class AgencyResource(TrackerResource):
    jurisdiction = Field("jurisdiction", "jurisdiction", widget=jurisdiction_by_slug())
    name = text("name")
    kind = Field("kind", "kind", widget=ChoiceWidget(AgencyKind.choices))

    required_columns = ("jurisdiction", "name", "kind")

    class Meta:
        model = Agency
        name = "agencies"
        fields = ("jurisdiction", "name", "kind")
        export_order = fields
        import_id_fields = ["jurisdiction", "name"]
        clean_model_instances = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("jurisdiction")


class OfficialResource(TrackerResource):
    slug = text("slug")
    name = text("name")

    required_columns = ("name",)
    implied_columns = ("slug",)

    class Meta:
        model = Official
        name = "officials"
        fields = ("slug", "name")
        export_order = fields
        import_id_fields = ["slug"]
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if not row.get("slug") and row.get("name"):
            row["slug"] = slugify(str(row["name"]))


class RoleResource(TrackerResource):
    official = Field(
        "official",
        "official",
        widget=LookupWidget(Official, "slug", hint="Import or add the official first."),
    )
    title = text("title")
    jurisdiction = Field("jurisdiction", "jurisdiction", widget=jurisdiction_by_slug())
    agency = Field("agency", "agency", widget=AgencyWidget())
    started_on = Field("started_on", "started_on", widget=DateWidget())
    ended_on = Field("ended_on", "ended_on", widget=DateWidget())

    required_columns = ("official", "title", "jurisdiction")
    implied_columns = ("started_on",)

    class Meta:
        model = Role
        name = "roles"
        fields = ("official", "title", "jurisdiction", "agency", "started_on", "ended_on")
        export_order = fields
        import_id_fields = ["official", "title", "jurisdiction", "started_on"]
        clean_model_instances = True

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("official", "jurisdiction", "agency")
