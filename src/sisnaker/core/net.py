"""The client's network address, read safely behind reverse proxies.

``REMOTE_ADDR`` is the peer that opened the connection. Behind a load balancer or nginx that peer is
the proxy, so every client would share one address (and the log-in throttle and the audit trail
would see only the proxy). ``X-Forwarded-For`` carries the real client, but any client can also
send that header. So it is believed only when the peer is one of ``SISNAKER_TRUSTED_PROXIES``
(addresses or CIDR networks), and then read from the right: each trusted hop is skipped and the
first untrusted address is the client. A forged left part of the header is never reached.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``("10.0.0.0/8", "127.0.0.1")`` → networks. Raises ValueError on a malformed entry, so a typo in
    the setting stops the server at start instead of silently trusting nobody (or everybody)."""
    return tuple(ipaddress.ip_network(e.strip(), strict=False) for e in entries if e.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.9:5555"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def resolve_client_ip(remote_addr: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str | None:
    """The client address from the peer and its ``X-Forwarded-For`` header (pure, for tests)."""
    peer = _address(remote_addr or "")
    if peer is None:
        return None
    networks = parse_networks(tuple(trusted))
    if not networks or not any(peer in n for n in networks if n.version == peer.version):
        return str(peer)
    hops = [h for h in (forwarded_for or "").split(",") if h.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage in the chain: stop at the last address we could trust
        client = address
        if not any(address in n for n in networks if n.version == address.version):
            break
    return str(client)


def client_ip(request) -> str | None:
    """The client address of ``request`` (see the module docstring)."""
    return resolve_client_ip(
        request.META.get("REMOTE_ADDR"), request.META.get("HTTP_X_FORWARDED_FOR"),
        tuple(getattr(settings, "SISNAKER_TRUSTED_PROXIES", ())),
    )


def network_of(ip: str | None) -> str:
    """The network an address belongs to for rate limits: /24 for IPv4, /64 for IPv6 (one home or
    one mobile subscriber usually holds a whole /64). Empty for no address."""
    address = _address(ip or "")
    if address is None:
        return ""
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
