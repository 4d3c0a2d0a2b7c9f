"""The review list: what the importers noticed and left for an editor to decide."""

from collections import defaultdict

from django.utils import timezone

from .models import ReviewItem, ReviewKind, SupportType


def review_item_raise(
    *,
    kind: ReviewKind,
    key: str,
    message: str,
    agency=None,
    agreement_id: int | None = None,
    stance=None,
) -> tuple[ReviewItem, bool]:
    """The open or resolved item with this key, created if new: (item, created).

    An item an editor resolved stays resolved; an open one takes the newest message. One or
    two queries.
    """
    item, created = ReviewItem.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "message": message,
            "agency": agency,
            "agreement_id": agreement_id,
            "stance": stance,
        },
    )
    if not created and item.resolved_at is None and item.message != message:
        item.message = message
        item.save(update_fields=["message", "updated_at"])
    return item, created


def review_item_resolve(*, item: ReviewItem, resolution: str, by=None) -> ReviewItem:
    """Mark an item resolved with what the editor decided (required)."""
    item.resolution = resolution.strip()
    item.resolved_at = timezone.now()
    item.resolved_by = by
    item.full_clean(exclude=["agency", "agreement", "stance"])
    item.save()
    return item


def agreement_reviews_raise(*, chain_rows, unclear, agencies: dict) -> None:
    """Raise the review items the agreements call for: an agreement listed under more than one
    agency over time, one listed twice in one sheet, an ended one with several possible
    successors. `chain_rows` are the listings of each agreement (federal.agreements.Row),
    `agencies` maps agency ids to agencies."""
    for rows in chain_rows:
        first_listed = {}
        for row in sorted(rows, key=lambda r: r.order):
            first_listed.setdefault(row.agency_id, row)
        over_time = list(first_listed)
        agreement_id = rows[0].agreement_id
        if len(over_time) > 1:
            names = " → ".join(agencies[a].name for a in over_time)
            review_item_raise(
                kind=ReviewKind.AGREEMENT_MOVED,
                key=f"moved:{agreement_id}",
                agreement_id=agreement_id,
                agency=agencies[over_time[-1]],
                message=f"ICE lists this {SupportType(rows[0].support_type).label} agreement "
                f"under another agency of the same jurisdiction over time: {names}. Check "
                "whether the agreement moved or the agencies are one.",
            )
        by_snapshot = defaultdict(list)
        for row in rows:
            by_snapshot[(row.snapshot_id, row.agency_id)].append(row)
        for (snapshot_id, agency_id), twice in by_snapshot.items():
            if len(twice) > 1:
                listed = "; ".join(f"row {r.row_number} “{r.name}”" for r in twice)
                review_item_raise(
                    kind=ReviewKind.LISTED_TWICE,
                    key=f"twice:{snapshot_id}:{agency_id}:{twice[0].support_type}",
                    agreement_id=agreement_id,
                    agency=agencies[agency_id],
                    message=f"One ICE list of {twice[0].listed_on:%Y-%m-%d} shows this "
                    f"agreement twice: {listed}.",
                )
    for gone, candidates in unclear:
        names = ", ".join(f"“{c.name}” (row {c.row_number})" for c in candidates)
        review_item_raise(
            kind=ReviewKind.POSSIBLE_SUCCESSOR,
            key=f"successor:{gone.pk}",
            agreement_id=gone.agreement_id,
            agency=agencies.get(gone.agency_id),
            message=f"“{gone.name}” ({SupportType(gone.support_type).label}) is not on ICE's "
            f"next list after {gone.listed_on:%Y-%m-%d}; new there with the same type and "
            f"signing date or document: {names}.",
        )
