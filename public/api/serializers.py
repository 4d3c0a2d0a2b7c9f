"""What each record looks like in the API: its stable `id`, its page on the site as an absolute
`url`, its fields, and the records it names as small references (id, name, url).

Nothing here queries: each serializer reads what `public.api.records` joined or prefetched.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cities.models import Agency, Jurisdiction, Official, Role
from federal.models import Agreement, Designation
from public.claims.views import role_held_on
from public.maps.stances import MAP_STANCE
from public.places.querysets import SHOWN_STANCE_CHOICES, STANCE_SHOWN
from statements.models import (
    PRACTICE_FIELDS,
    Correction,
    Event,
    Practice,
    Source,
    Stance,
    Statement,
)

CHANGE_KINDS = [("correction", "Correction"), ("retraction", "Retraction")]


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute address of a record's page on the site (`page_of` picks the record whose
    page it is, e.g. a role's official)."""

    def __init__(self, page_of=lambda record: record, **kwargs):
        self.page_of = page_of
        kwargs.setdefault(
            "help_text", "The record's page on the site (absolute): what a reader sees."
        )
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, record):
        path = self.page_of(record).get_absolute_url()
        return self.context["request"].build_absolute_uri(path)


# -- references --------------------------------------------------------------------------------
class JurisdictionRefSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Jurisdiction
        fields = ["id", "slug", "name", "state", "url"]


class OfficialRefSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Official
        fields = ["id", "slug", "name", "url"]


class AgencyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind"]


class EventRefSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Event
        fields = ["id", "slug", "name", "url"]


class CitingSourceSerializer(serializers.ModelSerializer):
    link = serializers.URLField(source="url", help_text="The address of the article.")

    class Meta:
        model = Source
        fields = ["id", "publisher", "link"]


class SourceSerializer(serializers.ModelSerializer):
    """A citation. Sources have no page of their own: `link` is the article itself."""

    link = serializers.CharField(
        source="url",
        help_text="The address of the article; empty when the source is known only through "
        "the one in `cited_in`.",
    )
    archived_link = serializers.CharField(
        source="archived_url", help_text="A Wayback Machine or archive.today copy, or empty."
    )
    cited_in = CitingSourceSerializer(
        allow_null=True, help_text="The source that names this one, when known only through it."
    )

    class Meta:
        model = Source
        fields = ["id", "publisher", "title", "link", "archived_link", "published_on", "cited_in"]


class CorrectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Correction
        fields = ["corrected_at", "note"]


# -- places and people -------------------------------------------------------------------------
class HeadlineStanceField(serializers.ChoiceField):
    """The headline stance: on the `as_of` day when the list was filtered by one, else current."""

    def get_attribute(self, instance):
        for name in (MAP_STANCE, STANCE_SHOWN):
            if hasattr(instance, name):
                return getattr(instance, name)
        return instance.stance_level


class JurisdictionSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    parent = JurisdictionRefSerializer(
        allow_null=True, help_text="The jurisdiction this one lies within, e.g. its county."
    )
    stance = HeadlineStanceField(
        choices=SHOWN_STANCE_CHOICES,
        read_only=True,
        help_text="The headline stance: current, or in force on `as_of` when the list was "
        "filtered by that day; `not_recorded` when no stance of the place is on record then "
        "(`unknown` is a recorded stance: no public position).",
    )
    statement_count = serializers.IntegerField(help_text="Published statements of this place.")
    latest_statement_on = serializers.DateField(
        allow_null=True, help_text="The date of its newest published statement."
    )

    class Meta:
        model = Jurisdiction
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "state",
            "level",
            "geoid",
            "population",
            "latitude",
            "longitude",
            "parent",
            "stance",
            "statement_count",
            "latest_statement_on",
        ]


class AgencySerializer(serializers.ModelSerializer):
    url = PageUrlField(lambda agency: agency.jurisdiction, help_text="Its jurisdiction's page.")
    jurisdiction = JurisdictionRefSerializer()

    class Meta:
        model = Agency
        fields = ["id", "url", "name", "kind", "jurisdiction"]


class RoleInOfficialSerializer(serializers.ModelSerializer):
    jurisdiction = JurisdictionRefSerializer()
    agency = AgencyRefSerializer(allow_null=True)

    class Meta:
        model = Role
        fields = ["id", "title", "jurisdiction", "agency", "started_on", "ended_on"]


class RoleSerializer(RoleInOfficialSerializer):
    url = PageUrlField(lambda role: role.official, help_text="The official's page.")
    official = OfficialRefSerializer()

    class Meta(RoleInOfficialSerializer.Meta):
        fields = ["id", "url", "official", *RoleInOfficialSerializer.Meta.fields[1:]]


class OfficialSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    roles = RoleInOfficialSerializer(many=True, help_text="Titles held, newest first.")

    class Meta:
        model = Official
        fields = ["id", "url", "slug", "name", "roles"]


# -- claims ------------------------------------------------------------------------------------
class EventSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    targeted_jurisdictions = JurisdictionRefSerializer(many=True)
    sources = SourceSerializer(many=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "url",
            "slug",
            "name",
            "starts_on",
            "ends_on",
            "description",
            "targeted_jurisdictions",
            "sources",
        ]


class StatementSerializer(serializers.ModelSerializer):
    url = PageUrlField()
    speaker = serializers.CharField(
        source="speaker_name", help_text="Who spoke: the official, else the agency."
    )
    speaker_role = serializers.SerializerMethodField(
        help_text="The official's title on the day, e.g. “Mayor, Denver”; empty if unknown."
    )
    official = OfficialRefSerializer(allow_null=True)
    agency = AgencyRefSerializer(allow_null=True)
    jurisdiction = JurisdictionRefSerializer()
    event = EventRefSerializer(allow_null=True, help_text="What the statement responds to.")
    sources = SourceSerializer(many=True)
    corrections = CorrectionSerializer(many=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "url",
            "said_on",
            "said_on_basis",
            "medium",
            "quote",
            "summary",
            "speaker",
            "speaker_role",
            "official",
            "agency",
            "jurisdiction",
            "event",
            "sources",
            "corrections",
        ]

    def get_speaker_role(self, statement) -> str:
        roles = list(statement.official.roles.all()) if statement.official_id else []
        role = role_held_on(statement, roles)
        return role.label if role else ""


class PracticesSerializer(serializers.Serializer):
    """What the stance says the place does, each yes, no or unknown."""

    def get_fields(self):
        return {
            name: serializers.ChoiceField(
                choices=Practice.choices,
                help_text=str(Stance._meta.get_field(name).verbose_name).capitalize() + ".",
            )
            for name in PRACTICE_FIELDS
        }


class StatementRefSerializer(serializers.ModelSerializer):
    url = PageUrlField()

    class Meta:
        model = Statement
        fields = ["id", "said_on", "url"]


class AnnouncingStatementSerializer(StatementRefSerializer):
    """The announcing statement while it is published (as the page shows it), else null."""

    def get_attribute(self, stance):
        statement = stance.announced_by
        return statement if statement is not None and statement.is_published else None


class StanceSerializer(serializers.ModelSerializer):
    url = PageUrlField(help_text="Its jurisdiction's page, where the timeline is.")
    jurisdiction = JurisdictionRefSerializer()
    agency = AgencyRefSerializer(
        allow_null=True, help_text="The agency it binds; null for the whole jurisdiction."
    )
    is_current = serializers.BooleanField(help_text="Whether it has no end date.")
    practices = PracticesSerializer(source="*")
    announced_by = AnnouncingStatementSerializer(allow_null=True)
    sources = SourceSerializer(many=True)
    corrections = CorrectionSerializer(many=True)

    class Meta:
        model = Stance
        fields = [
            "id",
            "url",
            "jurisdiction",
            "agency",
            "level",
            "effective_from",
            "ended_on",
            "is_current",
            "practices",
            "summary",
            "announced_by",
            "sources",
            "corrections",
        ]
        extra_kwargs = {
            "ended_on": {"help_text": "The day the next stance took over; null while current."}
        }


class ChangeSerializer(serializers.Serializer):
    """A correction or retraction of a published record, as /changes/ lists it."""

    id = serializers.CharField(
        source="key", help_text="Stable, e.g. `correction-12` or `statement-retraction-5`."
    )
    kind = serializers.ChoiceField(choices=CHANGE_KINDS)
    when = serializers.DateTimeField()
    title = serializers.CharField(help_text="The record, as a reader would name it.")
    url = serializers.SerializerMethodField(help_text="The record's page (absolute).")
    note = serializers.CharField(help_text="What changed, or why it was retracted.")

    def to_representation(self, change):
        data = super().to_representation(change)
        data["kind"] = change.kind.lower()
        return data

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, change) -> str:
        return self.context["request"].build_absolute_uri(change.url)


# -- federal -----------------------------------------------------------------------------------
class AgreementAgencySerializer(AgencyRefSerializer):
    jurisdiction = JurisdictionRefSerializer()

    class Meta(AgencyRefSerializer.Meta):
        fields = [*AgencyRefSerializer.Meta.fields, "jurisdiction"]


class AgreementSerializer(serializers.ModelSerializer):
    url = PageUrlField(
        lambda agreement: agreement.agency.jurisdiction, help_text="The agency's jurisdiction."
    )
    agency = AgreementAgencySerializer()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "url",
            "agency",
            "support_type",
            "status",
            "signed_on",
            "first_listed_on",
            "last_listed_on",
            "ended_on",
            "moa_url",
            "addendum_url",
        ]


class DesignationSerializer(serializers.ModelSerializer):
    url = PageUrlField(
        lambda designation: designation.jurisdiction, help_text="The jurisdiction's page."
    )
    jurisdiction = JurisdictionRefSerializer()
    source = SourceSerializer()
    reply_source = SourceSerializer(allow_null=True)

    class Meta:
        model = Designation
        fields = [
            "id",
            "url",
            "jurisdiction",
            "designated_by",
            "label",
            "designated_on",
            "withdrawn_on",
            "reply",
            "reply_source",
            "source",
        ]
