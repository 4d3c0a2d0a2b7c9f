"""Staff previews of records the public cannot see yet (drafts).

Who may change a record may see its public page before it is published, marked as a draft;
everyone else gets the ordinary 404, with no hint that the record exists. A preview is never
cached anywhere: the page cache skips signed-in readers, and the response says private and
no-store so that no proxy or browser keeps it, and noindex in case a crawler ever got it.
"""

from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers


def may_preview(user, model) -> bool:
    """Whether `user` may see unpublished `model` records on the public site: staff who hold
    the permission to change them (Contributors and Editors, tracker/roles.py)."""
    opts = model._meta
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
    )


def keep_private(response):
    """Mark `response` as one person's preview: stored by no cache, indexed by no crawler."""
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Cookie"])
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
