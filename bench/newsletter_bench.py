"""The newsletter's benchmark (issue: the newsletter): a send to 100 000 subscribers, queued and
rendered, then delivered to a local SMTP server by one worker and by two.

    uv run python bench/newsletter_bench.py                  # about three minutes on 2 CPUs
    uv run python bench/newsletter_bench.py --deliver 4000   # a quick look

The PostgreSQL database ``iskra_bench_newsletter`` (or $BENCH_NEWSLETTER_DATABASE_URL) is
dropped, created, migrated and seeded: ``iskra seed``'s organisation (``--members``, default
200: the newsletter does not read the register), a paper (the national unit's publication, an
editor, five published articles taken through the workflow by the services) and its daily list
with ``--subscribers`` (default 100 000) active subscribers and one in twenty more pending,
unsubscribed or bounced, written with ``bulk_create``. The send (a subject, an introduction in
Markdown, the five articles) is written by ``sending.write_send``.

Measured, in processes of their own, DEBUG off:

- queueing: ``sending.queue_send`` as the editor's "Send" button calls it, the whole call
  (rendered once, the active subscribers read, a delivery row each, the audit record, the
  worker told: ``tasks.deliver.enqueue`` is wrapped to count and time its calls and enqueues for
  real into the database queue, which no worker reads here); its parts alone (the render; the
  subscribers' ids read); floors in the same run on a second send: ``SELECT count(*)`` of the
  active subscribers, and the same delivery rows written by one ``INSERT ... SELECT`` (the
  database's own cost of the rows), then removed;
- delivering: an SMTP server in a process of its own (aiosmtpd, a handler that counts each
  message, keeps a hash of its ``List-Unsubscribe`` header and its recipient, and a sample of
  both, then discards it), a new one for each pass; Iskra's workers are processes of their own
  (``django.setup()``, the SMTP backend from ``EMAIL_URL=smtp://…``, ``NEWSLETTER_RATE=0``: no
  throttle) each running the loop of ``tasks.deliver`` (one SMTP connection, ``deliver_batch``
  until its share is done: ``--deliver`` messages in all, 500 a batch) once with one worker and
  once with two sharing the send (SKIP LOCKED). Messages a second are the messages over the time
  from the first worker's start to the last one's end (the processes' start-up excluded, as a
  worker lives on). The floor, in the same run, with one process and with two: raw ``smtplib``
  sending one message's bytes, built by Iskra beforehand, over one connection to the same
  server, ``--deliver`` times in all;
- checks: the server received exactly the messages handled, each to a different recipient with
  a different unsubscribe link; a sample of the links (about 200 a pass) read back with
  ``tokens.read_unsubscribe`` names the recipient's subscription, delivered; none failed;
- where a message's time goes, in process: the message object built (``sending.message``: the
  signed link, the headers), its MIME bytes made (what Django's SMTP backend does), and a batch of
  500 through ``deliver_batch`` with a mail backend that sends nothing (the rows locked, read
  and updated, the message objects built).

Targets (the newsletter's issue): a send to 100 000 subscribers queued and rendered <= 60 s;
delivered to a local SMTP sink at >= 200 messages/s on 2 cores, each with its own unsubscribe
link.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import random
import re
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# The search bench's helpers: the machine's description, a PostgreSQL database made anew
# (this folder is the script's, so its siblings import).
from search_bench import machine, recreate_database

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/iskra_bench_newsletter"
QUEUE_TARGET_S = 60.0
RATE_TARGET = 200.0
BATCH = 500  # iskra.newsletter.sending.BATCH
LIST_UNSUBSCRIBE = re.compile(
    rb"^List-Unsubscribe:[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)", re.MULTILINE | re.IGNORECASE
)
WHITESPACE = re.compile(rb"\s+")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _cpu_busy() -> tuple[int, int]:
    """The machine's busy and total jiffies so far (/proc/stat), for its use over a pass."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---- the SMTP sink, a process of its own -------------------------------------------------------


class _Counter:
    """An aiosmtpd handler: counts, remembers each message's unsubscribe link by its hash and
    its recipient, keeps every ``every``-th (recipient, link), discards the message."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.count = 0
        self.bytes = 0
        self.missing = 0
        self.links: set[bytes] = set()
        self.recipients: set[str] = set()
        self.sample: list[tuple[str, str]] = []
        self.first = 0.0
        self.last = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.time()
        if not self.count:
            self.first = now
        self.last = now
        self.count += 1
        content = envelope.content
        self.bytes += len(content)
        rcpt = ",".join(envelope.rcpt_tos)
        self.recipients.add(rcpt)
        found = LIST_UNSUBSCRIBE.search(content)
        if found is None:
            self.missing += 1
            return "250 OK"
        link = WHITESPACE.sub(b"", found.group(1))  # unfolded
        self.links.add(hashlib.blake2b(link, digest_size=16).digest())
        if self.count % self.every == 1 or self.every == 1:
            self.sample.append((rcpt, link.decode()))
        return "250 OK"


def run_sink(port: int, every: int) -> None:
    """Serve SMTP on ``port`` until stdin closes, then print what came as JSON."""
    from aiosmtpd.controller import Controller

    counter = _Counter(every)
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    sys.stdin.read()
    controller.stop()
    print(
        json.dumps(
            {
                "messages": counter.count,
                "bytes": counter.bytes,
                "without_list_unsubscribe": counter.missing,
                "distinct_links": len(counter.links),
                "distinct_recipients": len(counter.recipients),
                "first": counter.first,
                "last": counter.last,
                "cpu_s": time.process_time(),
                "sample": counter.sample,
            }
        ),
        flush=True,
    )


# ---- a sender, a process of its own: Iskra's worker loop, or raw smtplib ------------------------


def run_worker(args: argparse.Namespace) -> None:
    """Get ready, wait for "go" on stdin, send ``--quota`` messages, print the times as JSON."""
    if args.worker == "raw":
        data = Path(args.message).read_bytes()
        smtp = smtplib.SMTP("127.0.0.1", args.port)
        smtp.ehlo()
        print("ready", flush=True)
        sys.stdin.readline()
        started, cpu = time.time(), time.process_time()
        for _ in range(args.quota):
            smtp.sendmail("news@localhost", ["reader@example.net"], data)
        ended = time.time()
        smtp.quit()
        handled = args.quota
    else:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
        django.setup()
        from django.conf import settings
        from django.core.mail import get_connection
        from django.urls import reverse

        from iskra.newsletter.sending import deliver_batch

        assert settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"), settings.EMAIL_BACKEND
        assert settings.NEWSLETTER_RATE == 0
        reverse("newsletter:unsubscribe", args=["1:x"])  # the URLconf loaded, as a worker has it
        # tasks.deliver's loop, with a share instead of "until nothing is left".
        connection = get_connection()
        connection.open()
        print("ready", flush=True)
        sys.stdin.readline()
        profiler = cProfile.Profile() if args.profile else None
        started, cpu = time.time(), time.process_time()
        handled = 0
        if profiler is not None:
            profiler.enable()
        while handled < args.quota:
            n = deliver_batch(args.send, connection=connection)
            if not n:
                break
            handled += n
        if profiler is not None:
            profiler.disable()
        ended = time.time()
        connection.close()
        if profiler is not None:
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(40)
            stats.sort_stats("tottime").print_stats(20)
    out = {"start": started, "end": ended, "handled": handled, "cpu_s": time.process_time() - cpu}
    print(json.dumps(out), flush=True)


# ---- seeding ------------------------------------------------------------------------------------

INTRO = """Comrades,

This week the **porters at the Royal** won back pay for every shift worked since March, after
eleven days on the picket line. Their branch secretary writes about how the strike was built,
ward by ward, and what the rest of the hospital can learn from it.

Also in this issue: the housing campaign's
[march on the council](https://example.org/march), the conference agenda, and a letter from our
comrades in the docks. Forward this email to a friend who should be reading it.
"""

PARAGRAPH = (
    "The meeting voted to carry on until the offer was in writing, and the stewards took the "
    "vote back to every ward on the night shift as well as the day. "
)


def seed(*, members: int, subscribers: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from iskra.accounts.models import User
    from iskra.members.models import Membership, Status
    from iskra.members.seeding import seed_organisation
    from iskra.newsletter import sending, subscriptions
    from iskra.newsletter.models import Subscriber
    from iskra.organisation.models import SeatHolding, Unit
    from iskra.press import services as press
    from iskra.press.models import Role

    report: dict[str, Any] = {}
    started = time.perf_counter()
    seed_organisation(members=members, branches=max(1, members // 20))
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    assert root is not None
    holding = (
        SeatHolding.objects.current()
        .filter(seat__body__unit=root, seat__grants_officer_rights=True)
        .order_by("pk")
        .first()
    )
    assert holding is not None, "the seeded organisation has no national officer"
    officer = User.objects.get(pk=holding.holder_id)
    publication = press.create_publication(
        actor=officer, unit=root, name="The Spark", tagline="The paper of the federation"
    )
    editor_id = (
        Membership.objects.filter(status=Status.MEMBER)
        .exclude(user_id=officer.pk)
        .order_by("pk")
        .values_list("user_id", flat=True)
        .first()
    )
    editor = User.objects.get(pk=editor_id)
    press.set_role(actor=officer, publication=publication, user=editor, kind=Role.Kind.EDITOR)
    editor = User.objects.get(pk=editor.pk)
    news = press.add_section(actor=editor, publication=publication, name="News")
    articles = []
    for i, title in enumerate(
        [
            "Porters win back pay after eleven days out",
            "How the Royal's strike was built, ward by ward",
            "Housing: the march on the council",
            "Conference agenda: the motions so far",
            "A letter from the docks",
        ]
    ):
        article = press.write_article(
            actor=editor,
            publication=publication,
            title=title,
            standfirst=f"{title}: what happened, and what comes next for the branch ({i + 1}).",
            body="\n\n".join(PARAGRAPH * 3 for _ in range(4)),
            section=news,
        )
        for step in ("submit", "edited", "approve", "publish"):
            article = press.take_step(actor=editor, article=article, step=step)
        articles.append(article)
    daily = subscriptions.create_list(
        actor=editor, publication=publication, name="The Spark daily", frequency="daily"
    )
    report["seed_organisation_and_paper_s"] = round(time.perf_counter() - started, 1)

    started = time.perf_counter()
    rng = random.Random(1917)
    others = [Subscriber.Status.PENDING, Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.BOUNCED]
    statuses = [Subscriber.Status.ACTIVE] * subscribers + [
        others[i % 3] for i in range(subscribers // 20)
    ]
    rng.shuffle(statuses)
    now = timezone.now()
    for start in range(0, len(statuses), 5000):
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    mailing_list=daily,
                    email=f"reader{start + i:07d}@example.net",
                    status=status,
                    created_at=now,
                    confirmed_at=now if status != Subscriber.Status.PENDING else None,
                )
                for i, status in enumerate(statuses[start : start + 5000])
            ]
        )
    report["seed_subscribers_s"] = round(time.perf_counter() - started, 1)
    report["subscribers"] = {"active": subscribers, "others": len(statuses) - subscribers}
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    send = sending.write_send(
        actor=editor,
        mailing_list=daily,
        subject="The Spark daily: the porters win",
        intro=INTRO,
        articles=articles,
    )
    report["send_id"] = send.pk
    report["editor_id"] = editor.pk
    return report


# ---- measuring ----------------------------------------------------------------------------------


class _CountedDeliver:
    """``tasks.deliver`` for ``queue_send``: counts and times its enqueues, enqueued for real."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls = 0
        self.seconds = 0.0

    def enqueue(self, **kwargs: Any) -> Any:
        from iskra.newsletter import tasks as newsletter_tasks

        # The database backend finds the task again by its module path: the real one, there.
        newsletter_tasks.deliver = self.real
        started = time.perf_counter()
        try:
            result = self.real.enqueue(**kwargs)
        finally:
            newsletter_tasks.deliver = self  # type: ignore[assignment]
        self.seconds += time.perf_counter() - started
        self.calls += 1
        return result


def measure_queue(*, send_id: int, editor_id: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from iskra.accounts.models import User
    from iskra.newsletter import sending
    from iskra.newsletter import tasks as newsletter_tasks
    from iskra.newsletter.models import Delivery, Send, Subscriber

    results: dict[str, Any] = {}
    editor = User.objects.get(pk=editor_id)  # as the request reads its user
    send = Send.objects.select_related("mailing_list__publication").get(pk=send_id)
    counted = _CountedDeliver(newsletter_tasks.deliver)
    newsletter_tasks.deliver = counted  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        queued = sending.queue_send(actor=editor, send=send)
        results["queue_send, whole call, s"] = round(time.perf_counter() - started, 2)
    finally:
        newsletter_tasks.deliver = counted.real  # type: ignore[assignment]
    results["queued"] = queued
    results["worker told (enqueue calls, ms)"] = [counted.calls, _ms(counted.seconds)]
    sent = Send.objects.get(pk=send_id)
    results["rendered: html, text characters"] = [len(sent.html), len(sent.text)]

    # Its parts alone, and the floors, on a second send of the same list.
    started = time.perf_counter()
    sending.render(sent)
    results["part: render alone, ms"] = _ms(time.perf_counter() - started)
    active = Subscriber.objects.filter(
        mailing_list_id=sent.mailing_list_id, status=Subscriber.Status.ACTIVE
    )
    started = time.perf_counter()
    ids = list(active.values_list("pk", flat=True))
    results["part: the active subscribers' ids read, ms"] = _ms(time.perf_counter() - started)
    started = time.perf_counter()
    count = active.count()
    results["floor: SELECT count(*) of the active subscribers, ms"] = _ms(
        time.perf_counter() - started
    )
    assert count == len(ids) == queued
    other = Send.objects.create(
        mailing_list_id=sent.mailing_list_id,
        subject="Floor",
        intro="Floor",
        created_by=editor,
        created_at=timezone.now(),
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO newsletter_delivery (send_id, subscriber_id, status, error, sent_at) "
            "SELECT %s, id, 'queued', '', NULL FROM newsletter_subscriber "
            "WHERE mailing_list_id = %s AND status = 'active'",
            [other.pk, sent.mailing_list_id],
        )
        written = cursor.rowcount
    results["floor: the same delivery rows by one INSERT ... SELECT, s"] = round(
        time.perf_counter() - started, 2
    )
    assert written == queued
    Delivery.objects.filter(send=other).delete()
    other.delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE newsletter_delivery")
    whole = results["queue_send, whole call, s"]
    results["queue_send ÷ INSERT ... SELECT floor"] = round(
        whole / results["floor: the same delivery rows by one INSERT ... SELECT, s"], 1
    )
    return results


def where_the_time_goes(*, send_id: int, n: int, message_file: Path) -> dict[str, Any]:
    """Per message, in this process: the object built, its bytes made; a batch with a backend
    that sends nothing. Writes one message's bytes for the raw floor."""
    from django.core.mail import get_connection
    from django.db import transaction

    from iskra.newsletter import sending
    from iskra.newsletter.models import Delivery, Send

    send = Send.objects.select_related("mailing_list__publication").get(pk=send_id)
    rows = list(
        Delivery.objects.filter(send_id=send_id, status=Delivery.Status.QUEUED)
        .order_by("-pk")
        .values_list("subscriber_id", "subscriber__email")[:n]
    )
    results: dict[str, Any] = {}
    started = time.perf_counter()
    messages = [
        sending.message(send=send, html=send.html, text=send.text, subscriber_id=pk, email=email)
        for pk, email in rows
    ]
    results["sending.message (object, signed link, headers), µs a message"] = round(
        (time.perf_counter() - started) / len(rows) * 1e6
    )
    started = time.perf_counter()
    data = [m.message().as_bytes(linesep="\r\n") for m in messages]
    results["MIME bytes made (message().as_bytes, as the SMTP backend does), µs a message"] = round(
        (time.perf_counter() - started) / len(rows) * 1e6
    )
    message_file.write_bytes(data[0])
    results["message size, bytes"] = len(data[0])
    dummy = get_connection("django.core.mail.backends.dummy.EmailBackend")
    times = []
    for _ in range(2):
        started = time.perf_counter()
        handled = sending.deliver_batch(send_id, connection=dummy, rate=0)
        times.append(time.perf_counter() - started)
        assert handled == BATCH
    results["deliver_batch of 500, a backend that sends nothing (rows + objects), ms"] = [
        _ms(t) for t in times
    ]
    results["the same, µs a message"] = round(min(times) / BATCH * 1e6)
    # Its last step alone: the batch's rows written back (one UPDATE ... CASE WHEN a field).
    done = list(
        Delivery.objects.filter(send_id=send_id, status=Delivery.Status.SENT).order_by("pk")[:BATCH]
    )
    times = []
    for _ in range(2):
        started = time.perf_counter()
        with transaction.atomic():
            Delivery.objects.bulk_update(done, ["status", "error", "sent_at"])
        times.append(time.perf_counter() - started)
    results["part: its bulk_update of 500 rows (status, error, sent_at) alone, ms"] = [
        _ms(t) for t in times
    ]
    started = time.perf_counter()
    with transaction.atomic():
        list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(send_id=send_id, status=Delivery.Status.QUEUED)
            .select_related("subscriber")
            .order_by("pk")[:BATCH]
        )
    results["part: its 500 rows locked and read (SKIP LOCKED), ms"] = _ms(
        time.perf_counter() - started
    )
    return results


def _spawn(argv: list[str], env: dict[str, str], stderr: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, __file__, *argv],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def one_pass(
    *, kind: str, workers: int, total: int, send_id: int, message_file: Path, profile: bool
) -> dict[str, Any]:
    """A sink, ``workers`` senders sharing ``total`` messages; the rate and what the sink got."""
    port = _free_port()
    every = max(1, total // 200)
    sink = _spawn(["--sink", str(port), "--every", str(every)], dict(os.environ), sys.stderr)
    assert sink.stdout is not None and sink.stdin is not None
    assert sink.stdout.readline().strip() == "ready"
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}", "NEWSLETTER_RATE": "0"}
    share = total // workers
    procs = []
    for _ in range(workers):
        argv = ["--worker", kind, "--quota", str(share), "--port", str(port)]
        argv += ["--send", str(send_id), "--message", str(message_file)]
        argv += ["--profile"] if profile else []
        procs.append(_spawn(argv, env, sys.stderr))
    for proc in procs:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == "ready", f"a worker did not start: {line!r}"
    load = os.getloadavg()[0]
    busy0, all0 = _cpu_busy()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outs = []
    for proc in procs:
        out, _ = proc.communicate()
        assert proc.returncode == 0, f"a worker failed ({proc.returncode})"
        outs.append(json.loads(out.strip().splitlines()[-1]))
    busy1, all1 = _cpu_busy()
    out, _ = sink.communicate("")
    got = json.loads(out.strip().splitlines()[-1])
    handled = sum(o["handled"] for o in outs)
    wall = max(o["end"] for o in outs) - min(o["start"] for o in outs)
    cpu = sum(o["cpu_s"] for o in outs)
    return {
        "senders": workers,
        "handled": handled,
        "wall_s": round(wall, 2),
        "messages_per_s": round(handled / wall, 1),
        "sink_messages_per_s (first to last arrival)": round(
            (got["messages"] - 1) / max(1e-9, got["last"] - got["first"]), 1
        ),
        "sender CPU, ms a message": round(cpu / handled * 1000, 3),
        "sink CPU, ms a message": round(got["cpu_s"] / max(1, got["messages"]) * 1000, 3),
        "machine busy over the pass (of 2 CPUs = 100 %)": (
            f"{100 * (busy1 - busy0) / max(1, all1 - all0):.0f} %"
        ),
        "load_average_1min_at_start": round(load, 2),
        "sink": {k: v for k, v in got.items() if k not in {"sample", "first", "last", "cpu_s"}},
        "sample": got["sample"],
    }


def check_pass(
    *, send_id: int, result: dict[str, Any], sent_before: int
) -> tuple[dict[str, Any], int]:
    """What the sink got against the database: counts, distinct links, a sample read back."""
    from django.db.models import Count

    from iskra.newsletter import tokens
    from iskra.newsletter.models import Delivery, Subscriber

    sink = result["sink"]
    statuses = dict(
        Delivery.objects.filter(send_id=send_id)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    sent_now = statuses.get(Delivery.Status.SENT, 0)
    good = 0
    sample = result.pop("sample")
    for rcpt, link in sample:
        found = re.search(r"/newsletter/unsubscribe/([^/]+)/>$", link)
        subscriber_id = tokens.read_unsubscribe(found.group(1)) if found else None
        if subscriber_id is None:
            continue
        email = Subscriber.objects.filter(pk=subscriber_id).values_list("email", flat=True).first()
        delivered = Delivery.objects.filter(
            send_id=send_id, subscriber_id=subscriber_id, status=Delivery.Status.SENT
        ).exists()
        good += email == rcpt and delivered
    checks = {
        "sink got exactly the messages handled": sink["messages"] == result["handled"],
        "deliveries marked sent in this pass": sent_now - sent_before,
        "failed deliveries": statuses.get(Delivery.Status.FAILED, 0),
        "every message has List-Unsubscribe": sink["without_list_unsubscribe"] == 0,
        "distinct unsubscribe links == messages": sink["distinct_links"] == sink["messages"],
        "distinct recipients == messages": sink["distinct_recipients"] == sink["messages"],
        "sampled links read back to the recipient's delivered subscription": f"{good}/{len(sample)}",
    }
    return checks, sent_now


def run_child(args: argparse.Namespace) -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iskra.settings")
    django.setup()
    from django.core.management import call_command

    report: dict[str, Any] = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    report["migrate_s"] = round(time.perf_counter() - started, 1)
    seeded = seed(members=args.members, subscribers=args.subscribers)
    send_id, editor_id = seeded["send_id"], seeded["editor_id"]
    report["seed"] = seeded
    print(f"seeded; queueing send {send_id}", file=sys.stderr, flush=True)
    report["queue"] = measure_queue(send_id=send_id, editor_id=editor_id)
    print(f"queued: {report['queue']}", file=sys.stderr, flush=True)
    message_file = Path(tempfile.mkdtemp(prefix="iskra-newsletter-bench-")) / "message.eml"
    report["per message"] = where_the_time_goes(send_id=send_id, n=1000, message_file=message_file)
    from iskra.newsletter.models import Delivery

    sent = Delivery.objects.filter(send_id=send_id, status=Delivery.Status.SENT).count()
    total = max(BATCH * 2, args.deliver // (BATCH * 2) * (BATCH * 2))
    passes: dict[str, Any] = {}
    for label, kind, workers in (
        ("floor: raw smtplib, 1 process", "raw", 1),
        ("iskra: deliver_batch loop, 1 worker", "iskra", 1),
        ("floor: raw smtplib, 2 processes", "raw", 2),
        ("iskra: deliver_batch loop, 2 workers", "iskra", 2),
    ):
        print(f"pass: {label}", file=sys.stderr, flush=True)
        result = one_pass(
            kind=kind,
            workers=workers,
            total=total,
            send_id=send_id,
            message_file=message_file,
            profile=args.profile and kind == "iskra" and workers == 1,
        )
        if kind == "iskra":
            result["checks"], sent = check_pass(send_id=send_id, result=result, sent_before=sent)
        else:
            result.pop("sample")
        passes[label] = result
        print(f"  {result['messages_per_s']} messages/s", file=sys.stderr, flush=True)
    report["delivery"] = passes
    one = passes["iskra: deliver_batch loop, 1 worker"]["messages_per_s"]
    two = passes["iskra: deliver_batch loop, 2 workers"]["messages_per_s"]
    report["ratios"] = {
        "raw floor ÷ iskra, 1 process": round(
            passes["floor: raw smtplib, 1 process"]["messages_per_s"] / one, 1
        ),
        "raw floor ÷ iskra, 2 processes": round(
            passes["floor: raw smtplib, 2 processes"]["messages_per_s"] / two, 1
        ),
        "iskra 2 workers ÷ 1 worker": round(two / one, 2),
    }
    queue_s = report["queue"]["queue_send, whole call, s"]
    report["targets"] = {
        f"queued and rendered <= {QUEUE_TARGET_S:.0f} s": f"{queue_s} s: "
        + ("met" if queue_s <= QUEUE_TARGET_S else "NOT met"),
        f">= {RATE_TARGET:.0f} messages/s, 2 workers": f"{two}/s: "
        + ("met" if two >= RATE_TARGET else "NOT met"),
        f">= {RATE_TARGET:.0f} messages/s, 1 worker": f"{one}/s: "
        + ("met" if one >= RATE_TARGET else "NOT met"),
    }
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument(
        "--deliver", type=int, default=20_000, help="Messages delivered in each pass."
    )
    parser.add_argument("--json", type=Path, help="Also write the report here.")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the one-worker pass (stderr)."
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--every", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--worker", choices=["raw", "iskra"], help=argparse.SUPPRESS)
    parser.add_argument("--quota", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--send", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--message", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        run_sink(args.sink, args.every)
        return 0
    if args.worker:
        run_worker(args)
        return 0
    if args.child:
        print(json.dumps(run_child(args)))
        return 0
    if args.deliver * 2 + 2 * BATCH > args.subscribers:
        parser.error("--deliver: two passes and two batches must fit in --subscribers.")
    url = os.environ.get("BENCH_NEWSLETTER_DATABASE_URL", DEFAULT_PG_URL)
    recreate_database(url)
    env = {**os.environ, "DATABASE_URL": url, "ISKRA_ENV": "development", "DEBUG": "0"}
    env["ISKRA_DATA_DIR"] = tempfile.mkdtemp(prefix="iskra-newsletter-bench-")
    env["EMAIL_URL"], env["NEWSLETTER_WORKERS"] = "dummy://", "2"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    argv = ["--members", str(args.members), "--subscribers", str(args.subscribers)]
    argv += ["--deliver", str(args.deliver), *(["--profile"] if args.profile else [])]
    report: dict[str, Any] = {"machine_at_start": machine()}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--child", *argv],
        env=env,
        check=False,
        stdout=subprocess.PIPE,
        text=True,
    )
    if done.returncode != 0:
        return done.returncode
    report.update(json.loads(done.stdout.strip().splitlines()[-1]))
    report["wall_s"] = round(time.perf_counter() - started, 1)
    report["load_average_after"] = machine()["load_average"]
    print(json.dumps(report, indent=2, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
