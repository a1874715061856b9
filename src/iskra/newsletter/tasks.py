"""The worker's part of a send: deliver its messages batch by batch until none is left."""

from __future__ import annotations

from django.core.mail import get_connection
from django_tasks import task

from iskra.newsletter.sending import deliver_batch, finish_if_done


@task()
def deliver(*, send_id: int) -> None:
    connection = get_connection()
    connection.open()
    try:
        while deliver_batch(send_id, connection=connection):
            pass
    finally:
        connection.close()
    finish_if_done(send_id)
