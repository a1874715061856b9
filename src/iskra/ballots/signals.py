"""What happens to a ballot that apps above ballots act on.

``ballot_counted`` is sent inside the closing transaction once a ballot is counted (plain or
sealed), with ``ballot`` and ``result`` (the stored result, whole). A recall ballot's effect on
the seat it concerns is the representation app's (``iskra.representation.receivers``), which
stands above ballots.
"""

from django.dispatch import Signal

ballot_counted = Signal()
