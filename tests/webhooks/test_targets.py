"""Which URLs a webhook may post to, and the signature receivers check."""

from __future__ import annotations

import pytest

from hub.webhooks.signing import signature, verify
from hub.webhooks.targets import TargetRefused, check_target


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/h",
        "http://10.0.0.5/h",
        "http://192.168.1.1/h",
        "http://[::1]/h",
        "http://[::ffff:127.0.0.1]/h",
        "http://169.254.169.254/latest/meta-data",
        "http://224.0.0.1/h",
        "http://0.0.0.0/h",
        "http://localhost/h",
        "file:///etc/passwd",
        "gopher://example.com/",
        "https://user:pw@example.com/h",
        "https:///nohost",
    ],
)
async def test_refused_targets(url: str) -> None:
    with pytest.raises(TargetRefused):
        await check_target(url, allow_private=False)


async def test_public_addresses_and_allowed_private_ones_pass() -> None:
    assert str(await check_target("https://93.184.215.14/h", allow_private=False)) == "https://93.184.215.14/h"
    assert (await check_target("http://127.0.0.1:8080/h", allow_private=True)).port == 8080
    with pytest.raises(TargetRefused):
        await check_target("ftp://127.0.0.1/h", allow_private=True)  # the scheme is checked all the same


def test_the_signature_is_verified_as_documented() -> None:
    body = b'{"id":"d-1","event":"ticket.created"}'
    header = signature("whsec_test", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=") and len(header.split("v1=")[1]) == 64
    assert verify("whsec_test", header, body, now=1_700_000_100)
    assert not verify("whsec_test", header, body, now=1_700_000_000 + 301)  # too old: a replay
    assert not verify("whsec_test", header.replace("t=1700000000", "t=1700000001"), body, now=1_700_000_000)
    assert not verify("whsec_test", "v1=abc", body, now=1_700_000_000)
