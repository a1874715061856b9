"""What the accounts app announces to the apps above it (which it must not import)."""

from django.dispatch import Signal

# A person's sign-in address changed: ``user``, ``old`` and ``new`` (inside the transaction
# that changed it; a receiver's writes commit or roll back with it).
email_changed = Signal()
