"""The ballots' background tasks. They call the verbs below them (``services.credentials``,
``services.closing``), which never import this module; the verbs that queue these tasks
(``services.setup``) import it."""

from __future__ import annotations

from django_tasks import task

from iskra.ballots.services import closing, credentials


@task()
def send_credentials(*, ballot_id: int, roll_entry_ids: list[int], reminder: bool = False) -> None:
    # Returns nothing: the task's stored result would otherwise say how many of this batch of
    # the roll had not voted yet (a reminder skips those who have) — the turnout so far.
    credentials.issue_credentials(
        ballot_id=ballot_id, roll_entry_ids=roll_entry_ids, reminder=reminder
    )


@task()
def queue_credentials(*, ballot_id: int, reminder: bool = False) -> None:
    """The fan-out of a ballot's credential tasks, itself a task: opening a ballot of 100 000
    queues one task, not two hundred, before it answers."""
    from iskra.ballots.services.setup import queue_credentials as fan_out

    fan_out(ballot_id=ballot_id, reminder=reminder)


@task()
def close_ballot(*, ballot_id: int) -> bool:
    return closing.close_ballot(ballot_id=ballot_id)
