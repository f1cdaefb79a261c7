"""Loop and bounce safety: which mail is automatic (never acknowledged) and which reports a failed delivery.

RFC 3834: Auto-Submitted other than "no" is automatic; so are the de-facto X-Autoreply/X-Autorespond,
Precedence bulk/junk/list and mailing-list mail. RFC 3464 delivery-status reports name the failed
message by its Message-ID in the returned headers.
"""

from __future__ import annotations

import re
from email.message import Message

from hub.channels.email.parse import ParsedMail

_MSGID = re.compile(r"^Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


def automatic(mail: ParsedMail) -> str | None:
    """Why this mail is automatic, or None for a person's mail."""
    h = mail.headers
    if h.get("auto-submitted", "no") not in ("", "no"):
        return f"Auto-Submitted: {h['auto-submitted']}"
    for name in ("x-autoreply", "x-autorespond"):
        if name in h:
            return f"{name} present"
    if h.get("precedence") in ("bulk", "junk", "list"):
        return f"Precedence: {h['precedence']}"
    if "list-id" in h:
        return "mailing-list mail (List-Id)"
    return None


def bounced_message_id(mail: ParsedMail) -> str | None:
    """For a delivery-status report: the Message-ID of the mail that could not be delivered."""
    msg = mail.message
    if msg is None or msg.get_content_type() != "multipart/report":
        return None
    if str(msg.get_param("report-type") or "").lower() != "delivery-status":
        return None
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                value = inner[0].get("Message-ID")
                if value:
                    return str(value).strip()
        elif ctype in ("text/rfc822-headers", "message/rfc822-headers"):
            payload = part.get_payload(decode=True)
            text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(part.get_payload())
            if m := _MSGID.search(text):
                return m.group(1)
    return None
