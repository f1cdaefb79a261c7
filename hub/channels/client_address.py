"""The client's address: the direct peer, or behind trusted proxies the right-most untrusted X-Forwarded-For hop."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network
UNKNOWN = "unknown"


def _address(text: str | None) -> Address | None:
    """An address as peers and proxies write it: bare, [IPv6]:port, IPv4:port, IPv4-mapped IPv6."""
    if not text:
        return None
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 address has several colons
        text = text.partition(":")[0]
    try:
        found = ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(found, IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped
    return found


def resolve(peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str:
    """The client behind `peer`: headers are believed only as far back as the proxies we trust wrote them."""
    direct = _address(peer)
    if direct is None:
        return peer or UNKNOWN
    if not _trusted(direct, trusted):
        return str(direct)  # anyone can send X-Forwarded-For; only our own proxies' word counts
    hops = [hop for header in forwarded_for for hop in header.split(",")]
    nearest = direct
    for hop in reversed(hops):
        found = _address(hop)
        if found is None:
            break  # our proxies write addresses; garbage came from further out, so the last proxy is all we know
        if not _trusted(found, trusted):
            return str(found)
        nearest = found
    return str(nearest)


def from_trusted_proxy(peer: str | None, trusted: Sequence[Network]) -> bool:
    """Whether the direct peer is one of our proxies, whose X-Forwarded-* headers are believed."""
    direct = _address(peer)
    return direct is not None and _trusted(direct, trusted)


def _trusted(address: Address, trusted: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in trusted)
