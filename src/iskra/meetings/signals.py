"""What happens at meetings that apps above meetings act on (as ``iskra.motions.signals``).

``vote_counted`` is sent with ``vote`` inside the counting transaction when a meeting's vote is
counted (representation checks delegates' recorded votes against their mandates).
``meeting_called`` is sent with ``meeting`` inside the transaction that calls it, by its
officers or by a rule (representation adds the report-backs waiting for the unit's next
meeting).
"""

from django.dispatch import Signal

vote_counted = Signal()
meeting_called = Signal()
