"""Delivery reports: which of our mails one concerns, whether it failed or is only delayed, and why.

RFC 3464 reports (multipart/report; report-type=delivery-status, or a message/delivery-status part wrapped
otherwise, or RFC 6533's global form) are read field by field. Reports that follow no standard (QQ Mail's
and 163.com's 系统退信, older Exchange NDRs, Exim's, qmail's and Sendmail's plain-text bounces) are known by
a sender that is a mail system (or the null sender) and a subject that says so, or by a returned message
attached; they are read from their text: the returned headers or a quoted Message-ID, and the SMTP reply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message

from hub.channels.email.charsets import decode_bytes
from hub.channels.email.parse import ParsedMail

_MSGID = re.compile(r"<[^<>\s]{3,900}>")
_MSGID_LINE = re.compile(r"^[ \t>]*Message-ID:[ \t]*\r?\n?[ \t]*(<[^<>\s]{3,900}>)", re.IGNORECASE | re.MULTILINE)
# Local parts mail systems send their reports from (Exchange's is MicrosoftExchange<hex>@).
_DAEMON = re.compile(
    r"(?:mailer-?daemon|mailer_daemon|mail-?daemon|post_?master|mdaemon|mail\.?delivery(?:\.?system)?"
    r"|microsoftexchange[0-9a-f]*|mail-?delivery-?subsystem)",
    re.IGNORECASE,
)


_SUBJECT = re.compile(
    r"^\s*[\[【(（]?\s*(?:undeliver|undelivered|returned mail|delivery status notification|delivery failure"
    r"|delivery failed|mail delivery failed|mail delivery failure|failure notice|non-?delivery|nondeliverable"
    r"|could not be delivered"
    r"|delivery has failed|mail system error|message not delivered|unable to deliver|delivery notification"
    r"|delayed mail|delivery delayed|warning: message .{0,40} delayed|returned to sender|delivery problem"
    r"|notification d'état de distribution|unzustellbar"
    r"|系统退信|退信|邮件退回|投递失败|投遞失敗|无法投递|無法投遞|未能送达|未能送達|发送失败|發送失敗|延迟投递|延遲投遞)",
    re.IGNORECASE,
)
# Looser words for the subject of a mail from the null sender (which only reports and auto-replies use).
_SUBJECT_WORDS = re.compile(
    r"undeliver|not (?:be )?delivered|deliver\w* (?:fail|problem|error|status)|(?:mail|delivery) fail|failure|bounce"
    r"|returned|returning|could not send|delayed|退信|退回|投递|投遞|送达|送達|发送失败|發送失敗",
    re.IGNORECASE,
)
_DELAY = re.compile(
    r"\(delay\)|delayed|still being retried|will (?:continue to )?(?:retry|try)|延迟|延遲|重试|重試", re.IGNORECASE
)
_SMTP_REPLY = re.compile(r"\b[45]\d\d[ -](?:[45]\.\d{1,3}\.\d{1,3}\b)?.{3,}")
_REASON_WORDS = re.compile(
    r"user unknown|unknown user|no such user|does not exist|doesn't exist|not found|mailbox unavailable|"
    r"mailbox (?:is )?full|over quota|quota exceeded|rejected|refused|blocked|host not found|timed out|"
    r"该用户不存在|用户不存在|收件人不存在|邮箱不存在|地址不存在|空间不足|邮箱已满|拒绝|拒收|被退回|無法投遞|无法投递",
    re.IGNORECASE,
)
_RETURNED = ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers", "message/global-headers")


def from_mail_system(from_header: str) -> bool:
    """Whether the From address (not its display name: a person may be called "Postmaster Li") is a mail
    system's: MAILER-DAEMON@host, postmaster@host, or a bare MAILER-DAEMON."""
    inside = [a for a in re.findall(r"<([^<>]*)>", from_header) if a.strip()]
    # "MAILER-DAEMON <>" (DragonFly, some appliances): then the name is all there is.
    address = inside[-1] if inside else (from_header.split("<")[0].split() or [""])[0]
    return _DAEMON.fullmatch(address.strip().split("@")[0].strip('"')) is not None


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    message_ids: tuple[str, ...]  # the undelivered mail's Message-ID, candidates most reliable first
    action: str  # "failed", "delayed", or "delivered" (relayed and expanded count as delivered)
    reason: str
    recipients: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"action": self.action, "reason": self.reason, "recipients": list(self.recipients),
                "message_ids": list(self.message_ids[:5])}  # fmt: skip


def _outer(msg: Message) -> list[Message]:
    """The report's own parts: not those of a returned or forwarded mail inside it."""
    parts = [msg]
    if msg.is_multipart() and msg.get_content_type() != "message/rfc822":
        for sub in msg.get_payload():
            if isinstance(sub, Message):
                parts.extend(_outer(sub) if sub.get_content_type() != "message/rfc822" else [sub])
    return parts


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return decode_bytes(payload, part.get_content_charset(), guess=False)[0]
    raw = part.get_payload()
    return raw if isinstance(raw, str) else ""


def _blocks(part: Message) -> list[dict[str, str]]:
    """The per-message and per-recipient field blocks of a delivery-status part, lower-case names."""
    payload = part.get_payload()
    if isinstance(payload, list):  # message/delivery-status: the parser made one Message per block
        return [
            {k.lower(): " ".join(str(v).split()) for k, v in block.items()}
            for block in payload
            if isinstance(block, Message)
        ]
    blocks: list[dict[str, str]] = []
    for chunk in re.split(r"\r?\n\s*\r?\n", _text(part)):  # message/global-delivery-status arrives as text
        fields: dict[str, str] = {}
        last = ""
        for line in chunk.splitlines():
            if line[:1] in (" ", "\t") and last:
                fields[last] += " " + line.strip()
            elif ":" in line:
                last, _, value = line.partition(":")
                last = last.strip().lower()
                fields[last] = value.strip()
        if fields:
            blocks.append(fields)
    return blocks


def _diagnostic(fields: dict[str, str]) -> str:
    code = fields.get("diagnostic-code", "")
    code = code.split(";", 1)[1].strip() if ";" in code else code
    status = fields.get("status", "")
    return code or (f"status {status}" if status else "")


def _address(value: str) -> str:
    return (value.split(";", 1)[1] if ";" in value else value).strip().strip("<>")


def _standard(parts: list[Message]) -> tuple[str, str, tuple[str, ...]] | None:
    actions: list[tuple[str, str, str]] = []  # (action, recipient, diagnostic)
    for part in parts:
        for fields in _blocks(part):
            if "action" in fields:
                recipient = _address(fields.get("final-recipient") or fields.get("original-recipient", ""))
                actions.append((fields["action"].lower().split()[0], recipient, _diagnostic(fields)))
    if not actions:
        return None
    failed = [a for a in actions if a[0] == "failed"]
    chosen = failed or [a for a in actions if a[0] == "delayed"] or actions
    action = chosen[0][0] if chosen[0][0] in ("failed", "delayed") else "delivered"
    reason = "; ".join(f"{r}: {d}" if r and d else r or d for _, r, d in chosen if r or d)
    return action, reason, tuple(r for _, r, _ in chosen if r)


def _returned_ids(msg: Message, own: str | None) -> list[str]:
    found: list[str] = []
    for part in _outer(msg):
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                found.extend(
                    _MSGID.findall(next((v for k, v in inner[0].raw_items() if k.lower() == "message-id"), ""))
                )
        elif ctype in _RETURNED or ctype == "text/plain":
            found.extend(m.group(1) for m in _MSGID_LINE.finditer(_text(part)))
    return [i for i in dict.fromkeys(found) if i != own]


def _reason_from_text(msg: Message) -> str:
    """The SMTP reply quoted in a plain-text report, else the first line that names a reason."""
    lines = [
        " ".join(line.split())
        for part in _outer(msg)
        if part.get_content_type() == "text/plain"
        for line in _text(part).splitlines()
    ]
    for pattern in (_SMTP_REPLY, _REASON_WORDS):
        found = next((line for line in lines if pattern.search(line)), None)
        if found:
            return found[:300]
    return ""


def delivery_report(mail: ParsedMail) -> DeliveryReport | None:
    """A delivery report's findings, or None when this mail is not one."""
    msg = mail.message
    if msg is None:
        return None
    outer = _outer(msg)
    status_parts = [
        p for p in outer if p.get_content_type() in ("message/delivery-status", "message/global-delivery-status")
    ]
    # A returned mail attached counts only with an automatic sender: a person forwarding us a bounce
    # to ask about it ("Fwd: Undeliverable ...", or their own words) is a customer, not a report.
    returned = any(p.get_content_type() in _RETURNED for p in outer)
    automatic = mail.headers.get("auto-submitted", "no").split(";")[0].strip() not in ("", "no")
    if not (
        status_parts
        or from_mail_system(mail.headers.get("from", ""))  # a mail system writes to us only to report
        or (mail.null_sender and _SUBJECT_WORDS.search(mail.subject))
        or (_SUBJECT.match(mail.subject) and returned and automatic)
    ):
        return None
    standard = _standard(status_parts)
    if standard is None:
        delayed = _DELAY.search(mail.subject) is not None
        failed_to = tuple(a.strip() for a in mail.headers.get("x-failed-recipients", "").split(",") if a.strip())
        reason = _reason_from_text(msg)
        if failed_to and reason:
            reason = f"{', '.join(failed_to)}: {reason}"
        standard = ("delayed" if delayed else "failed", reason, failed_to)
    action, reason, recipients = standard
    ids = _returned_ids(msg, mail.message_id)
    ids += [i for i in (*mail.in_reply_to, *reversed(mail.references)) if i not in ids]
    return DeliveryReport(tuple(ids[:20]), action, (reason or mail.subject or "delivery failed")[:300], recipients)
