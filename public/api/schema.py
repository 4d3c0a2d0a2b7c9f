"""How the OpenAPI schema (/api/schema/) describes the API beyond what drf-spectacular reads
from the code: each filter in words with its limits, the error body and the statuses every
operation can answer, the caching and rate-limit headers, and example records.
"""

from drf_spectacular.contrib.django_filters import DjangoFilterExtension
from drf_spectacular.utils import OpenApiExample

# Text a filter refuses (tracker.text.CONTROL_CHARACTERS): the site's request guard answers 400.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$"
SITE = "https://tracker.example.org"

# Filter descriptions for the API, where a page's short label would not do: by FilterSet and
# name, else by name.
PARAMETER_HELP = {
    ("JurisdictionApiFilter", "q"): "Words in the jurisdiction's name.",
    ("OfficialFilter", "q"): "Words in the official's name.",
    ("StatementApiFilter", "q"): "Words in the quote or the summary. On PostgreSQL, web-search "
    "syntax: “quoted phrases”, `or`, `-word`.",
    ("JurisdictionApiFilter", "stance"): "The headline stance (repeatable: any of them): the "
    "current one, or the one in force on `as_of` when given.",
    ("StatementApiFilter", "stance"): "The current headline stance of the statement's place "
    "(repeatable: any of them).",
    ("StatementApiFilter", "city"): "The statement's jurisdiction, by its address name, e.g. "
    "`denver-co` (repeatable: any of them).",
    ("JurisdictionApiFilter", "event"): "Places an event targeted, by the event's address name.",
    ("StatementApiFilter", "event"): "Statements responding to this event, by its address name.",
    "as_of": "The day whose stances `stance` and the `stance` field read, as YYYY-MM-DD, from "
    "1990-01-01 to today (a later or earlier day is refused with 400).",
    "state": "A two-letter postal code, e.g. IL.",
    "level": "The kind of place.",
    "official": "The official, by address name, e.g. `jane-doe`.",
    "jurisdiction": "The jurisdiction, by its address name, e.g. `chicago-il` (repeatable: any "
    "of them).",
    "said_after": "Said on or after this day (YYYY-MM-DD).",
    "said_before": "Said on or before this day (YYYY-MM-DD); not before `said_after`.",
    "held_on": "Roles held on this day (YYYY-MM-DD); open dates count as held.",
    "current": "`true`: stances still in force (no end date); `false`: those that ended.",
    "in_force_on": "Stances in force on this day (YYYY-MM-DD).",
    "withdrawn": "`true`: designations withdrawn since; `false`: those still standing.",
    "publisher": "Words in the publisher's name.",
}

# A value to try, shown in the docs' "Try it out" and used by schemathesis's examples phase: by
# FilterSet and name, else by name.
PARAMETER_EXAMPLES = {
    ("StatementApiFilter", "q"): "raids",
    ("JurisdictionApiFilter", "q"): "springfield",
    "publisher": "Post",
    "city": ["chicago-il"],
    "jurisdiction": ["chicago-il"],
    "state": "IL",
    "stance": ["refuses"],
    ("JurisdictionApiFilter", "level"): "county",
    ("StanceFilter", "level"): ["refuses"],
    "medium": "press_statement",
    "said_after": "2025-01-20",
    "as_of": "2019-06-21",
    "in_force_on": "2019-06-21",
    "held_on": "2019-06-21",
    "current": "true",
}


class PageFilterExtension(DjangoFilterExtension):
    """django-filter's parameters as drf-spectacular reads them, plus each form field's limits
    (maxLength, no control characters) and a description written for the API."""

    target_class = "public.api.filters.PageFilterBackend"
    priority = 1

    def _get_schema_from_model_field(self, auto_schema, filter_field, model):
        # A record chosen by a field of its own (`city=denver-co` names a Jurisdiction by its
        # slug): typed from that field, which the stock lookup would seek on the path's end.
        to_field_name = filter_field.extra.get("to_field_name")
        queryset = filter_field.extra.get("queryset")
        if to_field_name and queryset is not None:
            field = queryset.model._meta.get_field(to_field_name)
            return auto_schema._map_model_field(field, direction=None)
        return super()._get_schema_from_model_field(auto_schema, filter_field, model)

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        help_text = PARAMETER_HELP.get(
            (filterset_class.__name__, field_name), PARAMETER_HELP.get(field_name)
        )
        example = PARAMETER_EXAMPLES.get(
            (filterset_class.__name__, field_name), PARAMETER_EXAMPLES.get(field_name)
        )
        max_length = filter_field.extra.get("max_length")
        for parameter in parameters:
            # As on the page's form, an empty value filters nothing.
            if parameter["schema"].get("type") != "array":
                parameter["allowEmptyValue"] = True
            item = parameter["schema"].get("items", parameter["schema"])
            if item.get("type") == "string" and "enum" not in item and "format" not in item:
                item.setdefault("pattern", NO_CONTROL_CHARACTERS)
            if max_length:
                item["maxLength"] = max_length
            if example is not None:
                parameter["example"] = example
            if help_text:
                described = parameter.get("description", "")
                choices = described.partition("\n\n*")[2]
                parameter["description"] = help_text + (f"\n\n*{choices}" if choices else "")
        return parameters


ERRORS_SCHEMA = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["field", "label", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "nullable": True,
                        "description": "The query parameter at fault; null when the request "
                        "as a whole is refused.",
                    },
                    "label": {
                        "type": "string",
                        "description": "The parameter as the page names it.",
                    },
                    "message": {"type": "string", "description": "What is wrong, and what to do."},
                },
            },
        }
    },
    "example": {
        "errors": [
            {
                "field": "said_after",
                "label": "Said on or after",
                "message": "Enter a real date as YYYY-MM-DD, such as 2019-06-21.",
            }
        ]
    },
}
ERRORS = {"$ref": "#/components/schemas/Errors"}
# The site's request guard (tracker.middleware.BadInputMiddleware) refuses an unusable address
# (control characters, invalid UTF-8, too many parameters) before the API reads it.
GUARD_PAGE = {"text/html": {"schema": {"type": "string"}}}


def _error(description: str, *, guard: bool = False, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": ERRORS}, **(GUARD_PAGE if guard else {})},
    }
    if headers:
        response["headers"] = headers
    return response


CACHE_HEADERS = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "Send it back in If-None-Match: 304 while nothing public changed.",
    },
    "Last-Modified": {
        "schema": {"type": "string"},
        "description": "When anything public last changed; If-Modified-Since gives 304.",
    },
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "required": True,
        "description": "Seconds to wait before the next request.",
    }
}


# What each field of the records means, where the model says nothing itself (no help_text).
FIELD_HELP = {
    "id": "The record's id: stable, never reused.",
    "slug": "The address name in the record's page, e.g. `denver-co`.",
    "name": "The name, as people write it.",
    "state": "The two-letter postal code of the state, DC or territory.",
    "level": "The kind of place, or the stance's level.",
    "population": "The latest population we hold, or null.",
    "latitude": "Latitude of a point inside the place (WGS 84), or null.",
    "longitude": "Longitude of a point inside the place (WGS 84), or null.",
    "kind": "The kind of agency, or of change.",
    "jurisdiction": "The jurisdiction.",
    "agency": "The agency.",
    "official": "The official who spoke, or null when only an agency did.",
    "title": "The title.",
    "started_on": "The day the role began; null if not known.",
    "ended_on": "The day it ended; null if it continues or is not known.",
    "starts_on": "The day the event began.",
    "ends_on": "The day the event ended; null if it continues or is one day.",
    "description": "What the event was.",
    "said_on": "The day it was said (or reported: see `said_on_basis`).",
    "said_on_basis": "Whether `said_on` is the day it was said or the day it was reported.",
    "medium": "How it was said.",
    "quote": "The verbatim quote; empty when only a summary is known.",
    "summary": "A faithful paraphrase, or the stance in words.",
    "sources": "The sources that report it, newest first.",
    "corrections": "Dated public corrections of the record, newest first.",
    "corrected_at": "When the correction was made.",
    "effective_from": "The day the stance took effect.",
    "practices": "What the stance says the place does.",
    "announced_by": "The published statement that announced the stance, or null.",
    "targeted_jurisdictions": "The places the event targeted.",
    "published_on": "The day the source was published, or null.",
    "when": "When the record was corrected or retracted.",
    "support_type": "ICE's 287(g) model.",
    "status": "Where the agreement stands on ICE's lists.",
    "signed_on": "The signing date ICE gives, or null.",
    "first_listed_on": "The date of ICE's first list that showed it.",
    "last_listed_on": "The date of ICE's last list that showed it.",
    "moa_url": "ICE's copy of the memorandum of agreement, or empty.",
    "addendum_url": "ICE's copy of the addendum, or empty.",
    "designated_by": "The body that designated the place.",
    "label": "Their words for the place.",
    "designated_on": "The day of the designation.",
    "withdrawn_on": "The day it was withdrawn, or null.",
    "reply": "The place's answer, in its words, or empty.",
    "reply_source": "The source of the reply, or null.",
    "source": "The source of the designation.",
    "errors": "What was refused, one entry per message.",
}


def _describe_fields(schemas: dict) -> None:
    """Give every property of the record components a description (a bare $ref, which may
    carry none beside it, is wrapped in allOf)."""
    for name, component in schemas.items():
        if name.startswith("Paginated"):
            continue
        for field, prop in component.get("properties", {}).items():
            if prop.get("description") or field not in FIELD_HELP:
                continue
            if set(prop) == {"$ref"}:
                prop["allOf"] = [{"$ref": prop.pop("$ref")}]
            prop["description"] = FIELD_HELP[field]


def describe_api(result, generator, request, public):
    """Postprocessing hook: the Errors component, a description for every field; on every
    operation 400 (bad parameter), 429
    (rate limit, with Retry-After) and, for a record by id, 404; ETag and Last-Modified on 200
    and 304 for a conditional request."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Errors"] = ERRORS_SCHEMA
    _describe_fields(schemas)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            ok = responses.get("200")
            if ok is not None:
                ok.setdefault("headers", {}).update(CACHE_HEADERS)
            responses["304"] = {"description": "Not modified since the ETag or date you sent."}
            responses["400"] = _error(
                "A parameter was refused: its name and the reason are in `errors`.", guard=True
            )
            if "{id}" in path:
                responses["404"] = _error("No public record has this id.")
            responses["429"] = _error(
                "Too many requests from your address: wait Retry-After seconds.",
                headers=RETRY_AFTER,
            )
    return result


EXAMPLES = {
    "jurisdiction": {
        "id": 12,
        "url": f"{SITE}/cities/denver-co/",
        "slug": "denver-co",
        "name": "Denver",
        "state": "CO",
        "level": "city_county",
        "geoid": "0820000",
        "population": 715522,
        "latitude": 39.7392,
        "longitude": -104.9903,
        "parent": None,
        "stance": "limited",
        "statement_count": 3,
        "latest_statement_on": "2025-02-04",
    },
    "statement": {
        "id": 41,
        "url": f"{SITE}/statements/41/",
        "said_on": "2025-02-04",
        "said_on_basis": "said",
        "medium": "press_statement",
        "quote": "Denver police do not enforce federal immigration law.",
        "summary": "",
        "speaker": "Denver Police Department",
        "speaker_role": "",
        "official": None,
        "agency": {"id": 7, "name": "Denver Police Department", "kind": "police"},
        "jurisdiction": {
            "id": 12,
            "slug": "denver-co",
            "name": "Denver",
            "state": "CO",
            "url": f"{SITE}/cities/denver-co/",
        },
        "event": None,
        "sources": [
            {
                "id": 3,
                "publisher": "Denver Post",
                "title": "Denver police respond to ICE operation",
                "link": "https://www.denverpost.com/2025/02/04/example/",
                "archived_link": "",
                "published_on": "2025-02-04",
                "cited_in": None,
            }
        ],
        "corrections": [],
    },
    "stance": {
        "id": 5,
        "url": f"{SITE}/cities/denver-co/",
        "jurisdiction": {
            "id": 12,
            "slug": "denver-co",
            "name": "Denver",
            "state": "CO",
            "url": f"{SITE}/cities/denver-co/",
        },
        "agency": None,
        "level": "limited",
        "effective_from": "2017-08-30",
        "ended_on": None,
        "is_current": True,
        "practices": {
            "joins_ice_operations": "no",
            "shares_databases": "unknown",
            "honours_detainers": "no",
            "notifies_releases": "no",
            "has_287g_agreement": "no",
            "declared_sanctuary": "unknown",
        },
        "summary": "The Public Safety Enforcement Priorities Act limits cooperation with ICE.",
        "announced_by": None,
        "sources": [],
        "corrections": [],
    },
    "change": {
        "id": "correction-12",
        "kind": "correction",
        "when": "2025-03-01T14:05:00-05:00",
        "title": "Denver Police Department (Denver, CO), February 4, 2025: “Denver police do "
        "not enforce federal immigration law.”",
        "url": f"{SITE}/statements/41/",
        "note": "The statement's date was corrected from February 5.",
    },
}


def example(kind: str) -> OpenApiExample:
    """An example record of this kind, shown in the docs (a list wraps it in a page)."""
    return OpenApiExample(f"A {kind}", value=EXAMPLES[kind], response_only=True)
