"""Reads of the federal lists, for the admin and the public pages."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce


class AgreementQuerySet(models.QuerySet):
    def listed(self):
        """Agreements on ICE's latest participating list."""
        return self.filter(status="listed")

    def in_force_on(self, day):
        """Agreements in force on `day`: signed (or, with no signing date, first listed) on or
        before it and not yet ended. Pending applications are never in force. One query."""
        return (
            self.exclude(status="pending")
            .alias(started_on=Coalesce("signed_on", "first_listed_on"))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=day), started_on__lte=day)
        )

    def for_list(self):
        """With agency and jurisdiction joined: one query."""
        return self.select_related("agency__jurisdiction")


class DesignationQuerySet(models.QuerySet):
    def in_force_on(self, day=None):
        """Designations made on or before `day` (default: any) and not withdrawn by then."""
        if day is None:
            return self.filter(withdrawn_on__isnull=True)
        return self.filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day), designated_on__lte=day
        )

    def for_list(self):
        """With jurisdiction and source joined: one query."""
        return self.select_related("jurisdiction", "source", "reply_source")

    def summaries_by_jurisdiction(self, jurisdiction_ids) -> dict[int, list[dict]]:
        """{jurisdiction id: [{"designated_by", "label", "designated_on"}, ...]} of these
        designations of those places, oldest first (the map's GeoJSON and the feeds): one query."""
        found: dict[int, list[dict]] = {}
        rows = (
            self.filter(jurisdiction_id__in=jurisdiction_ids)
            .order_by("designated_on", "pk")
            .values_list("jurisdiction_id", "designated_by", "label", "designated_on")
        )
        for jurisdiction_id, designated_by, label, designated_on in rows:
            found.setdefault(jurisdiction_id, []).append(
                {
                    "designated_by": designated_by,
                    "label": label,
                    "designated_on": designated_on.isoformat(),
                }
            )
        return found
