"""What happens to members that apps above members act on.

``people_imported`` is sent inside a bulk import's transaction, after its rows are written with
``bulk_create``/``bulk_update`` (which send no ``post_save``): the search index, which stands
above members, re-reads those people's memberships once the import commits.
"""

from django.dispatch import Signal

# Sent with ``user_ids``: every person the import created or changed.
people_imported = Signal()
