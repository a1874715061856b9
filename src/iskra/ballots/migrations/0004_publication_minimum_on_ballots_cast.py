from django.db import migrations, models


class Migration(migrations.Migration):
    """The publication minimum counts ballots cast, not the roll: a board of 2 ballots from a
    roll of 28 showed how those two voted. Reminders no longer stamp the roll entries they went
    to (that was a list of who had not voted). The close records when the pages that held the
    marks and ballots in casting order were released."""

    dependencies = [
        ("ballots", "0003_marks_and_ballots_without_rowid"),
    ]

    operations = [
        migrations.RenameField(
            model_name="ballot",
            old_name="min_published_roll",
            new_name="min_published_ballots",
        ),
        migrations.AlterField(
            model_name="ballot",
            name="min_published_ballots",
            field=models.PositiveIntegerField(
                default=10,
                help_text="If fewer ballots than this are cast, the bulletin board and the figures for each answer are withheld: with so few ballots they would show how people voted. Turnout and the outcome are always published.",
            ),
        ),
        migrations.AddField(
            model_name="ballot",
            name="storage_compacted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RemoveField(
            model_name="rollentry",
            name="reminded_at",
        ),
    ]
