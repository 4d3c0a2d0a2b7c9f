"""The address of the client behind the site's own proxies, for lockouts and rate limits.

Each proxy in front of the app appends the address it received the request from to
X-Forwarded-For (or, like deploy/nginx.conf, replaces the header with it). Only the right-most
PROXY_COUNT entries were written by proxies the site runs; anything to their left came from the
client and can say anything, so it is never read.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The client's IP address: REMOTE_ADDR with PROXY_COUNT 0 (nothing in front of the app);
    otherwise the PROXY_COUNT-th X-Forwarded-For entry from the right, when it is a valid
    address, else REMOTE_ADDR. No query."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        # An empty or malformed entry: a misconfigured proxy count, never a client to trust.
        return remote
