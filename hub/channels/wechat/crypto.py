"""Signatures and safe-mode (AES) decryption; wechatpy does the cryptography, we do the XML."""

from __future__ import annotations

import hashlib
import hmac

from hub.channels.base import InboundRejected
from hub.channels.wechat.config import WeChatAccount
from hub.channels.wechat.xml import parse_flat


class Forged(InboundRejected):
    """Not a genuine push for this account (signature, AppID or replay): answered with 403, nothing stored."""

    def __init__(self, message: str, code: str = "forged") -> None:
        super().__init__(code, message)


def signature(token: str, *parts: str) -> str:
    # surrogatepass: a query string may carry anything; it must fail the comparison, not the encoding.
    return hashlib.sha1("".join(sorted([token, *parts])).encode("utf-8", "surrogatepass")).hexdigest()  # noqa: S324


def _same(expected: str, given: str) -> bool:
    # compare_digest refuses str with non-ASCII characters (TypeError): compare bytes.
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogatepass"))


def check_signature(account: WeChatAccount, sig: str, timestamp: str, nonce: str) -> None:
    if not _same(signature(account.token, timestamp, nonce), sig):
        raise Forged("signature does not match")


def decrypt_push(account: WeChatAccount, body: bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
    """The inner XML of a safe-mode push; the outer envelope is screened before wechatpy sees it."""
    if account.encoding_aes_key is None:
        raise InboundRejected("not_configured", f"account {account.name} has no encoding_aes_key for safe mode")
    outer = parse_flat(body)
    encrypted = outer.get("Encrypt")
    if not encrypted:
        raise InboundRejected("bad_xml", "safe-mode push without <Encrypt>")
    if not _same(signature(account.token, timestamp, nonce, encrypted), msg_signature):
        raise Forged("msg_signature does not match")
    # wechatpy (and the requests it brings) loads with the first safe-mode push, not with every `hub` command.
    from wechatpy.crypto import WeChatCrypto
    from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException

    crypto = WeChatCrypto(account.token, account.encoding_aes_key, account.appid)
    try:
        # Passing a dict keeps wechatpy from parsing XML itself.
        return str(crypto.decrypt_message({"Encrypt": encrypted}, msg_signature, timestamp, nonce))
    except InvalidAppIdException:
        # The AppID at the tail of the plaintext is someone else's: not a message for this account.
        raise Forged(f"encrypted for another AppID than {account.name}'s") from None
    except InvalidSignatureException:
        raise Forged("msg_signature does not match") from None
    except Exception as exc:  # bad padding, bad base64, truncated ciphertext
        raise InboundRejected("bad_ciphertext", f"cannot decrypt: {type(exc).__name__}") from None


def encrypt_reply(account: WeChatAccount, xml: str, nonce: str, timestamp: str) -> str:
    assert account.encoding_aes_key is not None
    from wechatpy.crypto import WeChatCrypto  # loaded when first needed, as in decrypt_push

    crypto = WeChatCrypto(account.token, account.encoding_aes_key, account.appid)
    return str(crypto.encrypt_message(xml, nonce, timestamp))
