"""The ballots' background tasks. They call the verbs below them (``services.credentials``,
``services.closing``), which never import this module; the verbs that queue these tasks
(``services.setup``) import it."""

from __future__ import annotations

from django_tasks import task

from iskra.ballots.models import RollEntry
from iskra.ballots.services import closing, credentials


@task()
def send_credentials(*, ballot_id: int, roll_entry_ids: list[int], reminder: bool = False) -> None:
    # Returns nothing: the task's stored result would otherwise say how many of this batch of
    # the roll had not voted yet (a reminder skips those who have) — the turnout so far.
    credentials.issue_credentials(
        ballot_id=ballot_id, roll_entry_ids=roll_entry_ids, reminder=reminder
    )


@task()
def queue_credentials(*, ballot_id: int, reminder: bool = False, batch: int = 500) -> None:
    """The fan-out of a ballot's credentials, itself a task (opening a ballot of 100 000 queues
    one task before it answers, not two hundred): one ``send_credentials`` per batch of the
    whole roll. A reminder's tasks carry the whole roll too, and the worker skips whoever has
    voted when it sends: a task listing only those who have not voted would be the turnout so
    far, in a table anyone with the database can read."""
    ids = list(
        RollEntry.objects.filter(ballot_id=ballot_id).order_by("pk").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), batch):
        send_credentials.enqueue(
            ballot_id=ballot_id, roll_entry_ids=ids[start : start + batch], reminder=reminder
        )


@task()
def close_ballot(*, ballot_id: int) -> bool:
    return closing.close_ballot(ballot_id=ballot_id)
