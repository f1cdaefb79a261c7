"""One SMTP sender of the email benchmark, run as its own process so the hub's loop shares no GIL with it.

`python -m bench.smtp_sender PORT N K SENDERS [--files]` sends mails K, K+SENDERS, K+2*SENDERS, ... of the
benchmark's N mails and prints the accept time of each (ms) as a JSON list.
"""

from __future__ import annotations

import json
import random
import smtplib
import sys
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage

LINE = "您好，我的订单有问题。Please help with my order number 8812.\r\n"


def mails(
    n: int, seed: int = 5, keep: Callable[[int], bool] = lambda _i: True, files: bool = False
) -> Iterator[tuple[int, str, bytes]]:
    """The benchmark's mail, the same for every reader: 80% 2-10 kB, 15% 200 kB, 5% 5 MB; 40% replies.
    Only the mails `keep` accepts are built (a sender builds its own share). `files`: the same mails, but
    the big ones carry their size as files (with_files)."""
    rng = random.Random(seed)
    for i in range(n):
        roll = rng.random()
        size = 5 * 1024 * 1024 if roll < 0.05 else 200 * 1024 if roll < 0.20 else rng.randint(2048, 10240)
        sender = f"customer{rng.randrange(max(1, n // 3))}@example.com"
        headers = f"From: {sender}\r\nTo: support@bench.test\r\nSubject: order {i} 订单问题\r\n"
        headers += f"Message-ID: <b{i}@bench>\r\n"
        if i and rng.random() < 0.4:
            headers += f"In-Reply-To: <b{rng.randrange(i)}@bench>\r\n"
        if not keep(i):
            continue
        body = (LINE * (size // len(LINE.encode()) + 1))[: size // 2]
        if files and size > 10240:
            yield i, sender, with_files(headers, i, size)
            continue
        raw = headers + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body
        yield i, sender, raw.encode("utf-8")


def with_files(headers: str, i: int, size: int) -> bytes:
    """A mail as a mail client writes one with files: a short text and its HTML, then a PDF (a 5 MB mail) or
    a photo (200 kB), base64, together about `size` bytes."""
    msg = EmailMessage()
    for line in headers.strip().split("\r\n"):
        name, _, value = line.partition(": ")
        msg[name] = value
    msg.set_content(LINE.replace("\r\n", "\n") * 20)
    msg.add_alternative("<p>" + LINE.strip() * 20 + "</p>", subtype="html")
    data = random.Random(i).randbytes(size * 3 // 4)  # base64 makes 4 bytes of 3
    kind, name = ("application", "pdf") if size > 1024 * 1024 else ("image", "jpeg")
    msg.add_attachment(data, maintype=kind, subtype=name, filename=f"order-{i}.{name}")
    return msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))


def send_slice(port: int, n: int, k: int, senders: int, files: bool = False) -> list[float]:
    times = []
    with smtplib.SMTP("127.0.0.1", port, timeout=120) as smtp:
        for _i, sender, raw in mails(n, keep=lambda i: i % senders == k, files=files):
            t0 = time.perf_counter()
            smtp.sendmail(sender, ["support@bench.test"], raw)
            times.append((time.perf_counter() - t0) * 1000)
    return times


if __name__ == "__main__":
    port, n, k, senders = (int(a) for a in sys.argv[1:5])
    print(json.dumps(send_slice(port, n, k, senders, files="--files" in sys.argv[5:])))
