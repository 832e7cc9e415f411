"""Deliveries from the outbox (``alert_deliveries``): webhooks and e-mail.

A delivery stays pending until its channel accepts it; each failure is recorded on it and
retried later with a doubling back-off (capped), so a missed delivery is never lost. Sending
is at-least-once: a crash between a send and its record resends it once; the receiver drops
the copy by its id (the ``X-Newsloom-Delivery`` header, the e-mail's Message-ID).

Webhooks are JSON POSTs signed with HMAC-SHA256 of the body under the secret in
``$NEWSLOOM_WEBHOOK_SECRET`` (header ``X-Newsloom-Signature: sha256=<hex>``); e-mails go
through the SMTP server of the ``smtp_host`` / ``smtp_port`` settings (``$NEWSLOOM_SMTP_USER``
and ``$NEWSLOOM_SMTP_PASSWORD`` log in when set, after STARTTLS when the server offers it).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import smtplib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx

from newsloom.model.monitoring import Alert, Delivery
from newsloom.settings import settings
from newsloom.store.ports import AlertStore

log = logging.getLogger("newsloom")

SECRET_ENV = "NEWSLOOM_WEBHOOK_SECRET"
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


class DeliveryFailed(Exception):
    """A channel refused or could not be reached; the message says why."""


def alert_json(alert: Alert) -> dict[str, Any]:
    """The alert as webhooks and the API show it."""
    return {"id": alert.id, "watchlist": alert.watchlist, "kind": alert.kind,
            "story_id": alert.story_id, "created_at": alert.created_at, **{
                k: v for k, v in alert.payload.items() if k not in ("watchlist", "story_id")}}


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def send_webhook(alert: Alert, url: str, timeout: float = 10.0) -> None:
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise DeliveryFailed(f"${SECRET_ENV} is not set: webhooks are only sent signed")
    body = json.dumps(alert_json(alert), ensure_ascii=False, sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "X-Newsloom-Delivery": str(alert.id),
               "X-Newsloom-Signature": signature(secret, body),
               "User-Agent": settings().fetch_user_agent}
    try:
        response = httpx.post(url, content=body, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryFailed(f"http {response.status_code}")


def email_text(alert: Alert) -> str:
    payload = alert.payload
    lines = [f"{payload.get('title') or alert.story_id}", "",
             f"{alert.kind.replace('_', ' ')} on watchlist {alert.watchlist}"
             + (f" ({payload['detail']})" if payload.get("detail") else ""), ""]
    for sentence in payload.get("summary", []):
        cite = ", ".join(str(p) for p in (sentence.get("outlet"), sentence.get("published"),
                                          sentence.get("url") or sentence.get("article_id"))
                         if p)
        lines.append(f"- {' '.join(str(sentence['text']).split())} [{cite}]")
    lines += ["", "Articles:"] + [f"- {a.get('title')} ({a.get('language')}, "
                                  f"{a.get('outlet')}) {a.get('url') or a.get('id')}"
                                  for a in payload.get("articles", [])]
    return "\n".join(lines) + "\n"


def send_email(alert: Alert, to: str) -> None:
    knobs = settings()
    if not knobs.smtp_host:
        raise DeliveryFailed("no SMTP server configured (the smtp_host setting)")
    message = EmailMessage()
    message["From"] = knobs.smtp_from
    message["To"] = to
    title = alert.payload.get("title") or alert.story_id
    message["Subject"] = f"[newsloom] {alert.watchlist}: {alert.kind.replace('_', ' ')} — {title}"
    message["Message-ID"] = f"<alert-{alert.id}.{alert.watchlist}@newsloom>"
    message.set_content(email_text(alert))
    try:
        with smtplib.SMTP(knobs.smtp_host, knobs.smtp_port, timeout=knobs.fetch_timeout) as smtp:
            smtp.ehlo()
            if smtp.has_extn("starttls"):
                smtp.starttls()
                smtp.ehlo()
            if os.environ.get("NEWSLOOM_SMTP_USER"):
                smtp.login(os.environ["NEWSLOOM_SMTP_USER"],
                           os.environ.get("NEWSLOOM_SMTP_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc


Sender = Callable[[Alert, str], None]
SENDERS: dict[str, Sender] = {"webhook": send_webhook, "email": send_email}


@dataclass(slots=True)
class DeliveryRun:
    sent: int = 0
    failed: int = 0  # attempts that failed (each retried later)


def deliver_due(store: AlertStore, now: Callable[[], datetime],
                senders: Mapping[str, Sender] | None = None) -> DeliveryRun:
    """Send every due delivery once; record each outcome as it happens."""
    senders = senders or SENDERS
    run = DeliveryRun()
    moment = now()
    for delivery in store.due_deliveries(moment.isoformat(timespec="seconds"), limit=1000):
        alert = store.alert(delivery.alert_id)
        if alert is None:
            continue
        attempts = delivery.attempts + 1
        try:
            senders[delivery.channel](alert, delivery.target)
        except DeliveryFailed as exc:
            run.failed += 1
            wait = min(FIRST_RETRY * 2 ** delivery.attempts, MAX_RETRY)
            log.warning("alert %d to %s %s failed (attempt %d): %s; retried in %s",
                        alert.id, delivery.channel, delivery.target, attempts, exc, wait)
            store.save_delivery(replace(delivery, attempts=attempts, last_error=str(exc),
                                        next_attempt=(now() + wait).isoformat(
                                            timespec="seconds")))
            continue
        run.sent += 1
        store.save_delivery(Delivery(delivery.alert_id, delivery.channel, delivery.target,
                                     "sent", attempts, delivery.next_attempt, None,
                                     now().isoformat(timespec="seconds")))
    return run
