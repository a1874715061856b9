"""Ballots closed before the close rewrote its rows: rewrite their marks and ballots now, in a
random order with new ids, as the close does today (ballots/storage.py). Their
``storage_compacted_at`` is empty, so the worker's next sweep releases the old pages."""

import random
import uuid

from django.db import migrations


def forwards(apps, schema_editor):
    Ballot = apps.get_model("ballots", "Ballot")
    VoteMark = apps.get_model("ballots", "VoteMark")
    CastBallot = apps.get_model("ballots", "CastBallot")
    rng = random.SystemRandom()
    for ballot_id in Ballot.objects.filter(state="closed").values_list("pk", flat=True):
        marks = list(
            VoteMark.objects.filter(roll_entry__ballot_id=ballot_id).values_list(
                "roll_entry_id", flat=True
            )
        )
        ballots = list(
            CastBallot.objects.filter(ballot_id=ballot_id).values_list("tracker", "content")
        )
        VoteMark.objects.filter(roll_entry_id__in=marks).delete()
        CastBallot.objects.filter(ballot_id=ballot_id).delete()
        rng.shuffle(marks)
        rng.shuffle(ballots)
        VoteMark.objects.bulk_create(
            [VoteMark(id=uuid.uuid4(), roll_entry_id=entry) for entry in marks], batch_size=5000
        )
        CastBallot.objects.bulk_create(
            [
                CastBallot(id=uuid.uuid4(), ballot_id=ballot_id, tracker=t, content=c)
                for t, c in ballots
            ],
            batch_size=5000,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0004_publication_minimum_on_ballots_cast"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
