"""Where a webhook may be sent: the server-side request forgery guard.

A callback URL is a request the server makes on a caller's behalf, so it must not reach what only the server
can: its own loopback, the private network, link-local addresses (the cloud metadata services live there) or
multicast. The host is resolved and *every* address it has is checked (however it is spelled: decimal, octal,
hex or short IPv4, IPv4 inside IPv6 in its mapped, compatible, 6to4, Teredo and NAT64 forms), and the sender
then connects to an address that was checked, never resolving the name again (no DNS rebinding in between).
`allow_private` opens private and loopback targets for deployments on one network; metadata services,
multicast, broadcast and unspecified addresses stay closed even then.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from errors import InputError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]
MAX_URL_CHARS = 2048
_LOOKUP_SECONDS = 5.0
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")
_METADATA = {ipaddress.ip_address(address) for address in (
    "169.254.169.254",  # AWS, GCP, Azure, DigitalOcean, OpenStack...
    "169.254.170.2",  # AWS ECS task metadata
    "100.100.100.200",  # Alibaba Cloud
    "168.63.129.16",  # Azure's wire server
    "fd00:ec2::254",  # AWS over IPv6
    "fd20:ce::254",  # Google Cloud over IPv6
    "fd00:c1::a9fe:a9fe",  # Oracle Cloud over IPv6
)}
_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT
_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # IPv4-translated (SIIT)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")


@dataclass(frozen=True)
class Target:
    """A callback URL taken apart: what to connect to and what to ask for."""

    scheme: str
    host: str  # as the URL names it (an IPv6 literal without brackets)
    port: int
    path: str  # with its query

    @property
    def host_header(self) -> str:
        """The Host header: the name asked for, with its port when it is not the scheme's own."""
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == (443 if self.scheme == "https" else 80) else f"{name}:{self.port}"

    def url_at(self, address: str) -> str:
        """The URL with its host replaced by the checked `address`."""
        where = f"[{address}]" if ":" in address else address
        return f"{self.scheme}://{where}:{self.port}{self.path}"


def parse(url: str) -> Target:
    """The target of a callback URL; InputError naming what is wrong with it."""
    if len(url) > MAX_URL_CHARS:
        raise _refused(f"must be at most {MAX_URL_CHARS} characters")
    if any(ord(character) < 33 or ord(character) == 127 for character in url):
        raise _refused("must not contain spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _refused("is not a valid URL") from None
    if parts.scheme not in ("http", "https"):
        raise _refused("must be an http:// or https:// URL")
    if parts.username is not None or parts.password is not None:
        raise _refused("must not carry a user name or password (webhooks are signed instead)")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise _refused("must name a host")
    if not host.isascii():  # an international name travels (in Host, TLS and DNS) in its ASCII form
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise _refused("names a host that is not a valid domain name") from None
    path = parts.path or "/"
    return Target(parts.scheme, host, port or (443 if parts.scheme == "https" else 80),
                  f"{path}?{parts.query}" if parts.query else path)


def refusal(address: IPAddress, allow_private: bool = False) -> str | None:
    """Why a webhook must not go to `address` (None when it may)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return refusal(embedded, allow_private)
    if address in _METADATA:
        return "is a cloud metadata service"
    if address.is_unspecified or address.is_multicast or address == ipaddress.IPv4Address("255.255.255.255"):
        return "is not a single host (unspecified, multicast or broadcast)"
    if address.is_link_local:  # where cloud metadata services answer: closed even on one network
        return "is link-local"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "is private or reserved"
    if address.is_global:
        return None
    if allow_private and (address.is_private or address.is_loopback or address in _SHARED):
        return None
    if address.is_loopback:
        return "is this server itself (loopback)"
    return "is private or reserved"


def is_public(address: str) -> bool:
    """Whether `address` (one that passed the checks) is on the public internet."""
    return refusal(ipaddress.ip_address(address)) is None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, 6to4, Teredo client, NAT64), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or address in _NAT64_LOCAL or address in _TRANSLATED:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    value = int(address)
    if value >> 32 == 0 and value > 1:  # ::a.b.c.d, deprecated "compatible" form (:: and ::1 are checked as IPv6)
        return ipaddress.IPv4Address(value)
    return None


async def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host` (an address literal in any spelling resolves to
    itself). Lookups run on their own few threads: a name whose DNS never answers keeps its thread busy past
    the timeout, and must not take the threads the database calls run on."""
    found = await asyncio.get_running_loop().run_in_executor(
        _LOOKUPS, functools.partial(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM))
    return [str(info[4][0]) for info in found]


async def checked_addresses(target: Target, allow_private: bool = False,
                            resolve: Resolver = system_resolver) -> list[str]:
    """The addresses to connect to for `target`, once every one of them has passed (InputError otherwise)."""
    try:
        found = await asyncio.wait_for(resolve(target.host, target.port), _LOOKUP_SECONDS)
    except TimeoutError:
        raise _refused(f"names a host that did not resolve within {_LOOKUP_SECONDS:.0f} s ({target.host})") from None
    except (OSError, UnicodeError):
        raise _refused(f"names a host that does not resolve ({target.host})") from None
    addresses: list[str] = []
    for text in dict.fromkeys(found):
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])
        except ValueError:
            raise _refused(f"resolves to an unusable address ({text})") from None
        if "%" in text:  # a zone index means a link-local address on one interface
            raise _refused("resolves to a link-local address")
        problem = refusal(address, allow_private)
        if problem is not None:  # the address itself is not repeated: callers must not map the inner network
            raise _refused(f"resolves to an address webhooks may not reach (one that {problem})")
        addresses.append(str(address))
    if not addresses:
        raise _refused(f"names a host that does not resolve ({target.host})")
    return addresses


def _refused(problem: str) -> InputError:
    message = f"callbackUrl {problem}"
    return InputError(f"Invalid request: {message}", fields={"callbackUrl": problem})
