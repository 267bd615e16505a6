"""The SSRF guard: hostile callback URLs, in every spelling, are refused before anything is sent."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from errors import InputError
from pipeline.webhooks.guard import Target, checked_addresses, parse, refusal

HOSTILE = [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://127.1/hook",  # short form
    "http://2130706433/hook",  # decimal
    "http://0x7f000001/hook",  # hex
    "http://017700000001/hook",  # octal
    "http://0177.0.0.1/hook",  # octal dotted
    "http://127.0.0.1./hook",  # trailing dot
    "http://0.0.0.0/hook",
    "http://[::1]/hook",
    "http://[0:0:0:0:0:0:0:1]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped
    "http://[::ffff:7f00:1]/hook",  # IPv4-mapped, in hex
    "http://[::127.0.0.1]/hook",  # IPv4-compatible
    "http://[2002:7f00:1::]/hook",  # 6to4 around 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 around 169.254.169.254
    "http://10.1.2.3/hook",
    "http://172.16.5.4/hook",
    "http://192.168.0.10/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://[::ffff:169.254.169.254]/latest/meta-data/",
    "http://[fd00:ec2::254]/latest/meta-data/",  # AWS metadata over IPv6
    "http://100.100.100.200/latest/meta-data/",  # Alibaba metadata
    "http://[fe80::1]/hook",  # link-local
    "http://[fd12:3456::1]/hook",  # unique local
    "http://224.0.0.1/hook",  # multicast
    "http://[ff02::1]/hook",
    "http://255.255.255.255/hook",  # broadcast
    "http://[::]/hook",
    "http://198.18.0.1/hook",  # benchmarking range, not global
    "http://240.0.0.1/hook",  # reserved
    "http://[::ffff:0:7f00:1]/hook",  # IPv4-translated
    "http://[fec0::1]/hook",  # site-local (deprecated, never global)
    "http://[fd20:ce::254]/computeMetadata/v1/",  # Google Cloud metadata over IPv6
]


@pytest.mark.parametrize("url", HOSTILE)
async def test_hostile_callback_urls_are_refused(url: str) -> None:
    with pytest.raises(InputError) as refused:
        await checked_addresses(parse(url))
    assert "callbackUrl" in refused.value.fields and refused.value.message.startswith("Invalid request: callbackUrl")


@pytest.mark.parametrize(("url", "problem"), [
    ("ftp://example.com/hook", "must be an http:// or https:// URL"),
    ("file:///etc/passwd", "must be an http:// or https:// URL"),
    ("gopher://127.0.0.1:25/", "must be an http:// or https:// URL"),
    ("http://user:pass@example.com/hook", "must not carry a user name or password"),
    ("http://example.com@127.0.0.1/hook", "must not carry a user name or password"),
    ("http:///hook", "must name a host"),
    ("http://example.com:99999/hook", "is not a valid URL"),
    ("http://exa mple.com/hook", "must not contain spaces or control characters"),
    ("https://example.com/" + "a" * 2048, "must be at most 2048 characters"),
])
def test_urls_that_are_not_plain_http_targets_are_refused_before_any_lookup(url: str, problem: str) -> None:
    with pytest.raises(InputError) as refused:
        parse(url)
    assert problem in refused.value.fields["callbackUrl"]


async def test_public_addresses_pass_and_the_target_keeps_the_name_asked_for() -> None:
    target = parse("https://hooks.example.com:8443/notecast?token=abc")
    assert target == Target("https", "hooks.example.com", 8443, "/notecast?token=abc")
    assert target.host_header == "hooks.example.com:8443"
    assert target.url_at("203.0.113.9") == "https://203.0.113.9:8443/notecast?token=abc"
    assert target.url_at("2606:4700::1111") == "https://[2606:4700::1111]:8443/notecast?token=abc"
    assert await checked_addresses(parse("http://93.184.216.34/hook")) == ["93.184.216.34"]
    assert await checked_addresses(parse("http://[2606:4700:4700::1111]/hook")) == ["2606:4700:4700::1111"]


def test_an_international_name_is_sent_in_its_ascii_form() -> None:
    assert parse("https://bücher.example/hook").host == "xn--bcher-kva.example"
    with pytest.raises(InputError, match="not a valid domain name"):
        parse("https://" + "ü" * 70 + ".example/hook")


async def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    async def split_horizon(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.5"]

    with pytest.raises(InputError, match="resolves to an address webhooks may not reach"):
        await checked_addresses(parse("https://hooks.example.com/"), resolve=split_horizon)


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    async def nowhere(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(InputError, match="does not resolve"):
        await checked_addresses(parse("https://hooks.invalid/"), resolve=nowhere)


async def test_allowing_private_targets_opens_the_local_network_but_never_metadata_or_multicast() -> None:
    assert await checked_addresses(parse("http://127.0.0.1:9000/hook"), allow_private=True) == ["127.0.0.1"]
    assert await checked_addresses(parse("http://10.1.2.3/hook"), allow_private=True) == ["10.1.2.3"]
    for url in ("http://169.254.169.254/", "http://169.254.1.1/", "http://[fe80::1]/", "http://[fd00:ec2::254]/",
                "http://224.0.0.1/", "http://0.0.0.0/"):
        with pytest.raises(InputError):
            await checked_addresses(parse(url), allow_private=True)
    assert refusal(ipaddress.ip_address("::ffff:10.0.0.1"), allow_private=True) is None
    assert refusal(ipaddress.ip_address("::ffff:169.254.169.254"), allow_private=True) == "is a cloud metadata service"


async def test_a_lookup_that_hangs_is_refused_in_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.webhooks.guard as guard

    async def hangs(host: str, port: int) -> list[str]:
        await asyncio.Event().wait()
        return []

    monkeypatch.setattr(guard, "_LOOKUP_SECONDS", 0.05)
    with pytest.raises(InputError, match="did not resolve within"):
        await checked_addresses(parse("https://slow.example.com/"), resolve=hangs)
