"""The client's address, for lock-outs and rate limits: never taken from a header no trusted proxy wrote."""

from ipaddress import ip_address

from django.conf import settings

# Clients whose address the server was not told (a test client, a misconfigured socket) share one bucket.
UNKNOWN = "0.0.0.0"


def _valid(address):
    try:
        return str(ip_address(address))
    except ValueError:
        return ""


def client_ip(request):
    """REMOTE_ADDR, or behind DJANGO_PROXY_COUNT proxies the address the outermost one received the request from."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    # Each trusted proxy appends the address it saw; anything further left came from the client and may be forged.
    if len(hops) < count:
        return remote
    return _valid(hops[-count]) or remote
