"""The hub's signature check accepts exactly what twilio's own RequestValidator accepts, for any form and URL."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from multidict import MultiDict
from twilio.request_validator import RequestValidator, get_signature_algorithm

from hub.channels.twilio.signature import WebhookSignature

TOKEN = "auth-token"
CHECKS = settings(max_examples=300, deadline=None, derandomize=True, database=None)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
URLS = st.builds(
    lambda scheme, host, port, path, query: f"{scheme}://{host}{port}/webhooks/twilio/{path}{query}",
    st.sampled_from(["http", "https"]),
    st.sampled_from(["hub.example", "127.0.0.1", "support.shop.example"]),
    st.sampled_from(["", ":80", ":443", ":8080", ":20000"]),
    st.from_regex(r"\A[\w%.~-]{0,20}\Z"),
    st.sampled_from(["", "?interaction=12", "?call=CA1&agent=3", "?x=%E4%BD%A0"]),
)


def forms_of(url: str) -> list[str]:
    """What Twilio may have signed for this URL: it as called, without its port, with the default port."""
    scheme, rest = url.split("://", 1)
    host, _, path = rest.partition("/")
    bare = host.split(":")[0]
    default = "443" if scheme == "https" else "80"
    return [url, f"{scheme}://{bare}/{path}", f"{scheme}://{bare}:{default}/{path}"]


@CHECKS
@given(params=st.dictionaries(TEXT, TEXT, max_size=8), url=URLS, signed=st.integers(0, 2), forged=TEXT,
       token=st.sampled_from([TOKEN, "another-token"]))  # fmt: skip
def test_accepts_what_twilio_accepts(params: dict[str, str], url: str, signed: int, forged: str, token: str) -> None:
    theirs, ours = RequestValidator(TOKEN), WebhookSignature(TOKEN)
    genuine = RequestValidator(token).compute_signature(forms_of(url)[signed], params)
    for signature in (genuine, forged, genuine[:-1], genuine.lower(), ""):
        assert ours.valid(url, params, signature) is theirs.validate(url, params, signature)


@CHECKS
@given(pairs=st.lists(st.tuples(st.sampled_from(["Body", "MediaUrl0", "To", "x"]), TEXT), max_size=8), url=URLS,
       forged=TEXT)  # fmt: skip
def test_a_name_sent_more_than_once_is_checked_as_twilio_signs_it(
    pairs: list[tuple[str, str]], url: str, forged: str
) -> None:
    params = MultiDict(pairs)
    theirs, ours = RequestValidator(TOKEN), WebhookSignature(TOKEN)
    genuine = theirs.compute_signature(url, params)  # each distinct value of a name, sorted
    for signature in (genuine, forged, genuine[:-1]):
        assert ours.valid(url, params, signature) is theirs.validate(url, params, signature)


@CHECKS
@given(params=st.dictionaries(TEXT, TEXT, max_size=6), url=URLS,
       algorithm=st.sampled_from(["HMAC_SHA1", "HMAC_SHA256", "hmac_sha256"]),
       header=st.sampled_from(["key=webhooks_sharedkey_1,algorithm={}", "algorithm={}", " algorithm = {} ",
                               "key=k,algorithm={},x=y"]),
       secret=st.sampled_from(["shared-secret", TOKEN]))  # fmt: skip
def test_a_webhooks_rule_signed_with_its_shared_key_is_checked_as_twilio_does(
    params: dict[str, str], url: str, algorithm: str, header: str, secret: str
) -> None:
    ours = WebhookSignature(TOKEN, "shared-secret")
    settings = header.format(algorithm)
    signature = RequestValidator(secret).compute_signature(url, params, algorithm)
    theirs = RequestValidator("shared-secret").validate(url, params, signature, get_signature_algorithm(settings))
    assert ours.valid(url, params, signature, settings) is theirs
    assert not WebhookSignature(TOKEN).valid(url, params, signature, settings)  # no SharedKey configured
    assert not ours.valid(url, params, signature, "algorithm=HMAC_MD5")


def test_a_genuine_signature_for_either_form_of_the_url_passes_and_a_changed_one_fails() -> None:
    ours, theirs = WebhookSignature(TOKEN), RequestValidator(TOKEN)
    params = {"MessageSid": "SM1", "Body": "我的订单 where is it?", "From": "+8613800000001"}
    for signed, called in (
        ("https://hub.example/webhooks/twilio/sms", "https://hub.example/webhooks/twilio/sms"),
        ("https://hub.example:443/webhooks/twilio/sms", "https://hub.example/webhooks/twilio/sms"),
        ("http://127.0.0.1/webhooks/twilio/sms", "http://127.0.0.1:80/webhooks/twilio/sms"),
        ("http://127.0.0.1:8080/webhooks/twilio/sms", "http://127.0.0.1:8080/webhooks/twilio/sms"),
    ):
        signature = theirs.compute_signature(signed, params)
        assert ours.valid(called, params, signature)
        assert not ours.valid(called, {**params, "Body": "changed"}, signature)
        assert not ours.valid(called + "?x=1", params, signature)
        assert not WebhookSignature("wrong").valid(called, params, signature)


def test_text_nobody_could_sign_is_refused_not_an_error() -> None:
    ours = WebhookSignature(TOKEN)
    assert not ours.valid("https://hub.example/webhooks/twilio/sms", {"Body": "\ud800"}, "abc=")
    assert not ours.valid("https://hub.example:port/webhooks/twilio/sms", {}, "abc=")
    assert not ours.valid("https://hub.example/webhooks/twilio/sms", {}, "签名")
