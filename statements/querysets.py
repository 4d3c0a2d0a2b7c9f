from collections import defaultdict

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, models
from django.db.models import (
    Case,
    CharField,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import formats

from cities.models import Role
from tracker.models import Status

# Newest effective date first; on a tie the jurisdiction-wide stance, then the newest record.
HEADLINE_ORDER = ("-effective_from", F("agency").asc(nulls_first=True), "-id")

# Words beyond this many are ignored by the SQLite fallback (PostgreSQL parses the whole query).
SQLITE_SEARCH_MAX_WORDS = 12


# Claims listed by name in a refusal; more are counted.
NAMED_CLAIMS = 10


class ErasureRefused(models.ProtectedError):
    """A deletion of what readers have seen: a published or retracted claim, or a source one
    cites. The message says why, for the person who asked.

    Raised inside the deletion's transaction: a caller that goes on using the database after
    catching it wraps the deletion in its own `transaction.atomic()`.
    """

    def __str__(self):
        # Not ProtectedError's (message, records) pair: naming a record can need a query.
        return self.args[0]


def claim_label(claim) -> str:
    """How a refusal names a claim: “statement #12 (Chicago, 21 Jun 2019)”, “stance #3
    (Chicago, from 1 Jul 2019)”."""
    kind = claim._meta.verbose_name
    if hasattr(claim, "said_on"):
        when = formats.date_format(claim.said_on, "j M Y")
    else:
        when = "from " + formats.date_format(claim.effective_from, "j M Y")
    return f"{kind} #{claim.pk} ({claim.jurisdiction.name}, {when})"


def _listed(labels: list[str]) -> str:
    named = labels[:NAMED_CLAIMS]
    if len(labels) > NAMED_CLAIMS:
        named.append(f"{len(labels) - NAMED_CLAIMS} more")
    return named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def public(self):
        """Published and retracted records: what readers have seen, kept for good."""
        return self.filter(status__in=[Status.PUBLISHED, Status.RETRACTED])

    def erasure_refusals(self) -> list[str]:
        """Why each published or retracted record among these cannot be deleted, one sentence
        each, in id order; empty when all are drafts. One query."""
        refusals = []
        for claim in self.public().select_related("jurisdiction").order_by("pk"):
            kind = claim._meta.verbose_name
            name = claim_label(claim)
            if claim.status == Status.PUBLISHED:
                refusals.append(
                    f"{name[0].upper()}{name[1:]} is published: a published {kind} is "
                    "retracted, never deleted. Retract it instead; its permalink then says why."
                )
            else:
                refusals.append(
                    f"{name[0].upper()}{name[1:]} is retracted: it stays on record for its "
                    "permalink and is never deleted."
                )
        return refusals

    def _cited_sources(self) -> Prefetch:
        """The record's sources with the source citing each (the Source model is reached through
        the relation, since models.py imports this module)."""
        source = self.model._meta.get_field("sources").related_model
        return Prefetch("sources", queryset=source.objects.for_citation())


class StatementQuerySet(PublishedQuerySet):
    def for_list(self):
        """Published statements with speaker, agency, jurisdiction and event joined: one query."""
        return self.published().select_related("official", "agency", "jurisdiction", "event")

    def for_download(self):
        """`for_list` plus sources (with the source citing each) and the speakers' roles.

        Three queries per chunk when iterated with `iterator(chunk_size=...)`: the statements,
        their sources, the speakers' roles.
        """
        return self.for_list().prefetch_related(
            self._cited_sources(),
            Prefetch(
                "official__roles",
                queryset=Role.objects.select_related("jurisdiction", "agency"),
            ),
        )

    def for_detail(self):
        """A statement's permalink: `for_list` plus its sources and the sources citing them."""
        return self.for_list().prefetch_related(self._cited_sources())

    def for_permalink(self):
        """Published and retracted statements (a retracted one's permalink shows the retraction)
        with speaker, place, event, sources and corrections: three queries."""
        return (
            self.filter(status__in=[Status.PUBLISHED, Status.RETRACTED])
            .select_related("official", "agency", "jurisdiction", "event")
            .prefetch_related(self._cited_sources(), "corrections")
        )

    def search(self, text: str):
        """Statements whose quote or summary match `text`, annotated with `rank`, best first.

        PostgreSQL: web-search syntax ("quoted phrases", or, -word) over the trigger-maintained
        `search_vector` (GIN index), ranked by SearchRank, quote words weighing more than summary
        words. SQLite: every word must appear in the quote or the summary; a quote holding the
        whole text ranks first.
        """
        text = text.strip()
        if not text:
            return self
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(text, search_type="websearch", config="english")
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-said_on", "-id")
            )
        words = text.replace('"', " ").split()[:SQLITE_SEARCH_MAX_WORDS]
        matches = Q()
        for word in words:
            matches &= Q(quote__icontains=word) | Q(summary__icontains=word)
        phrase = " ".join(words)
        rank = Case(
            When(quote__icontains=phrase, then=Value(1.0)),
            When(summary__icontains=phrase, then=Value(0.5)),
            default=Value(0.1),
            output_field=FloatField(),
        )
        return self.filter(matches).annotate(rank=rank).order_by("-rank", "-said_on", "-id")


class StanceQuerySet(PublishedQuerySet):
    def current(self):
        return self.filter(ended_on__isnull=True)

    def in_force_on(self, day):
        """Stances in force on `day`: started on or before it and not yet ended (end is exclusive)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), effective_from__lte=day)

    def headline_level(self, *, day=None) -> Subquery:
        """The level of a jurisdiction's headline stance, as a subquery on `OuterRef("pk")`.

        The one rule, used by the services, the map, the lists and the demo generator: among the
        published stances current (or in force on `day`), the one that took effect last; on a
        tie the jurisdiction-wide stance (no agency) wins, then the newest record. None when no
        stance applies.
        """
        stances = self.published()
        stances = stances.current() if day is None else stances.in_force_on(day)
        return Subquery(
            stances.filter(jurisdiction=OuterRef("pk"))
            .order_by(*HEADLINE_ORDER)
            .values("level")[:1],
            output_field=CharField(),
        )

    def for_timeline(self):
        """Published stances, newest first, with agency, sources and corrections: three queries."""
        return (
            self.published()
            .select_related("agency")
            .prefetch_related(self._cited_sources(), "corrections")
            .order_by(*HEADLINE_ORDER)
        )


class SourceQuerySet(models.QuerySet):
    def for_citation(self):
        """Sources with the source citing each joined, dated ones newest first: one query."""
        return self.select_related("cited_in").order_by(
            F("published_on").desc(nulls_last=True), "publisher", "pk"
        )

    def cited_by_public_claims(self) -> dict[int, list]:
        """{source id: the published and retracted statements, then stances, citing it} for
        these sources; sources no such claim cites are left out. Two queries.

        The claim models are reached through the relations, since models.py imports this module.
        """
        cited = defaultdict(list)
        for relation in ("statements", "stances"):
            claims = self.model._meta.get_field(relation).related_model.objects
            for claim in (
                claims.public()
                .filter(sources__in=self)
                .annotate(cited_source=F("sources"))
                .select_related("jurisdiction")
                .order_by("pk")
            ):
                cited[claim.cited_source].append(claim)
        return dict(cited)

    def erasure_refusals(self) -> list[str]:
        """Why each of these sources that a published or retracted claim cites cannot be
        deleted, naming those claims; empty when none is cited so. Three queries."""
        cited = self.cited_by_public_claims()
        refusals = []
        for source in self.filter(pk__in=cited).select_related("cited_in").order_by("pk"):
            claims = _listed([claim_label(claim) for claim in cited[source.pk]])
            refusals.append(
                f"“{source}” cannot be deleted: cited by {claims}. A source stays on record "
                "while a published or retracted claim cites it; correct each published claim "
                "to cite another source first."
            )
        return refusals


def refuse_erasing(sender, instance, **kwargs):
    """Refuse to delete a published or retracted claim, or a source one cites (ErasureRefused).

    Every way of deleting (an instance, a queryset, a cascade) sends pre_delete for each record,
    inside the deletion's transaction: this holds whatever path the deletion took. One to
    three queries per record deleted.
    """
    refusals = sender._default_manager.filter(pk=instance.pk).erasure_refusals()
    if refusals:
        raise ErasureRefused(" ".join(refusals), [instance])


class EventQuerySet(models.QuerySet):
    pass
