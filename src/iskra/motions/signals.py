"""What happens to a motion that apps above motions act on.

``motion_carried`` is sent inside the vote's transaction when a vote carries a motion: a
meeting's vote (``iskra.meetings``) or a secret ballot (``iskra.ballots``). A carried motion
becomes a decision; that rule is the decisions app's (``iskra.decisions.receivers``), which
stands above meetings, since a decision names the meeting and the vote that made it. So the
apps that count votes announce the outcome here, on the motion, rather than call up into
decisions.
"""

from django.dispatch import Signal

# Sent with ``motion`` (locked, carried), ``actor`` (None when the worker closes a ballot) and
# ``vote`` (the meeting's vote, or None for a secret ballot). Receivers run in the transaction.
motion_carried = Signal()
