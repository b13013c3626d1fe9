"""What the notes app tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent with ``cards`` (a Card queryset) when cards leave study: their note was
# unpublished, or a re-import retired them. Sent inside the transaction that
# made the change, so that learners' queues change with it or not at all.
cards_withdrawn = Signal()
