"""What the notes app tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent with ``cards`` (a Card queryset) when cards leave study: their note was
# unpublished, or a re-import retired them. Sent inside the transaction that
# made the change, so that learners' queues change with it or not at all.
cards_withdrawn = Signal()

# Sent when an import or an edit changed a note's stored text (not when the
# text was the same), inside the transaction that wrote it, with ``note``,
# ``created``, ``source``, ``source_hash``, ``counts`` (card_sync.SyncCounts),
# ``uncertain`` (the repair's doubtful characters), ``origin`` ("import",
# "upload", "editor", ...) and ``actor`` (the user, or None for the command
# line). The authoring app keeps a version of the note from it.
note_changed = Signal()

# Sent when a note took a new id (studyapp.notes.renames), inside the
# transaction of the import, with ``old_id`` and ``new_id``: whoever keeps a
# note id of their own (a learner who studies one note) follows the rename.
note_renamed = Signal()
