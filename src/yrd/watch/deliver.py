"""Where alerts go: a webhook (a JSON POST), an email (SMTP) or a JSON Lines file.

Each channel takes alerts as payloads that carry their ``id`` and answers per alert: delivered, or why not. An
alert is recorded as delivered only after the channel took it, so a crash in between sends it again: a receiver
drops a repeat by its ``id`` (the file channel does so itself). Only ``http(s)`` webhooks; private addresses are
allowed (a webhook is the user's own receiver, often on their intranet), redirects are not followed.
"""
from __future__ import annotations

import http.client
import os
import re
import smtplib
import socket
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from .. import __version__, settings
from ..errors import YrdError
from ..store.rows import dumps

WEBHOOK_TIMEOUT = 10.0  # seconds a receiver has to answer
RETRY_PAUSE = 1.0  # seconds before the one retry of a failed POST
SMTP_TIMEOUT = 30.0
PER_EMAIL = 100  # alerts in one message at most (a watchlist's new alerts are sent together)


def check_webhook(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise YrdError(f"webhook {url!r}: expected an http(s) address such as http://127.0.0.1:9000/hook")
    return url.strip()


def check_email(address: str) -> str:
    _, addr = parseaddr(address.strip())
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", addr or ""):
        raise YrdError(f"email {address!r}: expected an address such as ops@example.org")
    return addr


def check_file(path: str) -> str:
    """The file as an absolute path (a check run by cron from another directory appends to the same file)."""
    p = Path(path).expanduser().resolve()
    if p.is_dir():
        raise YrdError(f"file {path!r} is a directory: give a file to append JSON Lines to (alerts.jsonl)")
    return str(p)


# --- webhook ---------------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise urllib.error.HTTPError(req.full_url, code, f"redirected to {newurl} (give the final address)",
                                     headers, fp)


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, payload: dict, timeout: float = WEBHOOK_TIMEOUT, retries: int = 1) -> str | None:
    """POST ``payload`` as JSON; None once a 2xx answer came, else why not (after ``retries`` more tries)."""
    body = dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": f"yrd/{__version__} (alerts)",
               "X-Yrd-Alert-Id": str(payload["id"])}
    error = None
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(RETRY_PAUSE)
        try:
            with _OPENER.open(urllib.request.Request(url, data=body, headers=headers, method="POST"),
                              timeout=timeout) as resp:
                resp.read(65536)
                return None
        except urllib.error.HTTPError as exc:
            error = f"{url}: HTTP {exc.code} {exc.reason}"
        except urllib.error.URLError as exc:
            error = f"{url}: {exc.reason}"
        except (OSError, http.client.HTTPException, ValueError) as exc:  # timeouts, resets, a bad answer
            error = f"{url}: {exc or type(exc).__name__}"
    return error


# --- email -----------------------------------------------------------------------------------------------


@dataclass
class Smtp:
    """How alert emails are sent (the settings smtp_*; see README's settings table)."""

    host: str | None = None
    port: int = 587
    user: str | None = None
    password: str | None = None
    sender: str | None = None
    starttls: bool = True

    @classmethod
    def from_settings(cls, **given) -> Smtp:
        """The settings' values (environment, else default), each overridden by one given here (None: not given)."""
        return cls(settings.get("smtp_host", given.get("host")), settings.get("smtp_port", given.get("port")),
                   settings.get("smtp_user", given.get("user")), settings.get("smtp_password", given.get("password")),
                   settings.get("smtp_from", given.get("sender")), settings.get("smtp_starttls", given.get("starttls")))

    @property
    def from_address(self) -> str:
        return self.sender or (self.user if self.user and "@" in self.user else f"yrd@{socket.gethostname()}")


def send_email(smtp: Smtp, to: str, watchlist: dict, payloads: list[dict]) -> str | None:
    """One message with a watchlist's new alerts; None once the server accepted it, else why not."""
    if not smtp.host:
        return "no SMTP server: set YRD_SMTP_HOST (or yrd alerts check --smtp-host)"
    ids = [p["id"] for p in payloads]
    msg = EmailMessage()
    msg["From"] = smtp.from_address
    msg["To"] = to
    n = len(payloads)
    msg["Subject"] = f"yrd: {n} new fact{'s' if n > 1 else ''} for “{watchlist['name']}”"
    msg["Date"] = formatdate(localtime=True)
    domain = smtp.from_address.rpartition("@")[2] or "yrd"
    # the same alerts sent again after a crash carry the same Message-ID (mail clients drop the repeat)
    msg["Message-ID"] = f"<yrd-alerts-{watchlist['id']}-{ids[0]}-{ids[-1]}-{n}@{domain}>"
    msg["X-Yrd-Alert-Ids"] = ",".join(map(str, ids))
    msg.set_content(email_text(watchlist, payloads))
    try:
        context = ssl.create_default_context()
        if smtp.port == 465:
            client = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=SMTP_TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=SMTP_TIMEOUT)
        with client:
            if smtp.starttls and smtp.port != 465:
                client.starttls(context=context)
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            client.send_message(msg)
    except smtplib.SMTPNotSupportedError as exc:
        return f"SMTP {smtp.host}:{smtp.port}: {exc} (a server without TLS: YRD_SMTP_STARTTLS=0)"
    except (smtplib.SMTPException, OSError) as exc:
        return f"SMTP {smtp.host}:{smtp.port}: {exc or type(exc).__name__}"
    return None


def email_text(watchlist: dict, payloads: list[dict]) -> str:
    lines = [f"New facts for the watchlist “{watchlist['name']}” (#{watchlist['id']}):", ""]
    for p in payloads:
        f, doc = p["fact"], p["document"]
        what = " · ".join(x for x in (f["kind"], f.get("type"), f.get("date") or (f.get("deadline") and
                                      str(f["deadline"])), f.get("modality")) if x)
        source = " · ".join(x for x in (doc.get("publisher"), (doc.get("published_at") or "")[:10]) if x)
        lines += [f"[{p['id']}] {what}", "    " + " ".join(p["evidence"]["text"].split()),
                  f"    — {doc.get('title') or doc['id']}" + (f" ({source})" if source else ""),
                  *([f"    {doc['url']}"] if doc.get("url") else []), ""]
    lines.append("Sent by yrd; each alert is sent once ([id] is its number).")
    return "\n".join(lines)


# --- JSON Lines file -------------------------------------------------------------------------------------

_ID = re.compile(rb'^\{"id":(\d+)[,}]', re.MULTILINE)


def append(path: str, payloads: list[dict]) -> str | None:
    """Append each payload as a line (``{"id": …, …}``), but those whose id the file holds already; None once
    written and synced, else why not."""
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "a+b") as f:
            _lock(f)
            f.seek(0)
            data = f.read()
            have = {int(m) for m in _ID.findall(data)}
            out = b"" if not data or data.endswith(b"\n") else b"\n"  # a line a crash left half-written ends here
            out += b"".join(dumps(x).encode("utf-8") + b"\n" for x in payloads if x["id"] not in have)
            if out.strip():
                f.write(out)
                f.flush()
                os.fsync(f.fileno())
    except OSError as exc:
        return f"{path}: {exc.strerror or exc}"
    return None


def _lock(f) -> None:
    """Two checks appending at once take turns (POSIX; elsewhere they rely on each other's ids)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return
    fcntl.flock(f.fileno(), fcntl.LOCK_EX)
