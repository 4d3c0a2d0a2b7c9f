from collections import defaultdict

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections, models
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils import formats

from cities.models import Role
from tracker.models import Status

from . import search

# Newest effective date first; on a tie the jurisdiction-wide stance, then the newest record.
HEADLINE_ORDER = ("-effective_from", F("agency").asc(nulls_first=True), "-id")

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

    def with_sources(self):
        """These statements with their sources (and the source citing each) prefetched, for a
        list that shows each statement's publisher and date: one more query."""
        return self.prefetch_related(self._cited_sources())

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

    def for_preview(self):
        """Every statement, drafts included, joined as for_permalink: for staff who may change
        them (tracker.preview). Three queries."""
        return self.select_related("official", "agency", "jurisdiction", "event").prefetch_related(
            self._cited_sources(), "corrections"
        )

    def search(self, text: str):
        """Statements matching `text`, annotated with `rank`, best first: one query.

        The same on both databases (statements/search.py): web-search syntax (words all
        required, "quoted phrases", -word left out, `or`), English stemming and stop words,
        whole words only ("ice" is not in "police"), over the quote, the summary, the speaker's
        name and the place's name, weighing in that order. PostgreSQL searches the trigger-kept
        `search_vector` through its GIN index; SQLite the trigger-kept FTS5 table.
        """
        text = text.strip()
        if not text:
            return self
        parsed = search.parse(text)
        if parsed.is_empty:  # only stop words or punctuation: nothing to look for
            return self.none().annotate(rank=Value(0.0, output_field=FloatField()))
        if connections[self.db].vendor == "postgresql":
            query = SearchQuery(text, search_type="websearch", config="english")
            return (
                self.filter(search_vector=query)
                .annotate(rank=SearchRank(F("search_vector"), query))
                .order_by("-rank", "-said_on", "-id")
            )
        return self._search_fts5(parsed).order_by("-rank", "-said_on", "-id")

    def spoken_as(self, titles):
        """Statements whose official held a role of one of these titles ("Mayor") in the
        statement's place on the day it was said: a former mayor speaking later, or a mayor
        speaking before taking office, is not the mayor then. One query (an EXISTS per row)."""
        roles = Role.objects.filter(
            official=OuterRef("official"), jurisdiction=OuterRef("jurisdiction"), title__in=titles
        ).held_on(OuterRef("said_on"))
        return self.filter(Exists(roles))

    def office_counts(self) -> dict[str, int]:
        """{role title: number of these statements whose official held it in the statement's
        place on the day}, as `spoken_as` reads it: one query."""
        held = (
            Q(official__roles__jurisdiction=F("jurisdiction"))
            & (
                Q(official__roles__started_on__isnull=True)
                | Q(official__roles__started_on__lte=F("said_on"))
            )
            & (
                Q(official__roles__ended_on__isnull=True)
                | Q(official__roles__ended_on__gte=F("said_on"))
            )
        )
        rows = (
            self.order_by()
            .filter(held)
            .values("official__roles__title")
            .annotate(n=Count("pk", distinct=True))
        )
        return {row["official__roles__title"]: row["n"] for row in rows}

    def _search_fts5(self, parsed: "search.Query"):
        table, fts = self.model._meta.db_table, search.FTS_TABLE
        expression = parsed.fts5()
        if expression is not None:
            weights = ", ".join(str(w) for w in search.FTS_WEIGHTS)
            # A join, so FTS5 finds the matches once and scores them as it goes (bm25 is lower
            # for better matches). The unary + keeps SQLite from reading the FTS5 table once
            # per statement instead, by rowid: seconds, not milliseconds, at 50,000 statements.
            return self.extra(
                tables=[fts],
                where=[f"{table}.id = +{fts}.rowid", f"{fts} MATCH %s"],
                params=[expression],
                select={"rank": f"-bm25({fts}, {weights})"},
            )
        # A clause of left-out words only ("-police", "raids or -police"): FTS5's NOT needs
        # something on its left, so each clause is a condition on the statement's id.
        matching = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
        found = Q()
        for clause in parsed.clauses:
            if clause.positives:
                found |= Q(pk__in=RawSQL(matching, [search.clause_fts5(clause)]))
            else:
                negatives = " OR ".join(t.fts5() for t in clause.negatives)
                found |= ~Q(pk__in=RawSQL(matching, [negatives]))
        return self.filter(found).annotate(rank=Value(0.0, output_field=FloatField()))


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
