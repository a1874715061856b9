"""What happens to the structure that apps above organisation act on.

``seat_appointing`` is sent with ``seat``, ``holder`` and ``ending`` (the holding the
appointment ends, or None) inside the appointment's transaction, before the holding is written;
a receiver refuses the appointment by raising a ``DomainError`` (representation checks a
delegation's reserved places).
"""

from django.dispatch import Signal

seat_appointing = Signal()
