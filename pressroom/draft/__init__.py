"""Machine-translation drafts into the catalogs: fast, glossary-locked, safe for human work.

Input: the PO catalogs of the target languages, the installed Argos package of each
language (``models.select_package``), the glossary. Output: empty entries filled with
fuzzy drafts carrying provenance (``catalog.mark_draft``), or with a human translation
of the identical text from another article (``catalog.mark_memory_match``).

How a run goes, per language:

1. Plan: every empty, non-obsolete entry (and with ``refresh_drafts`` every entry that
   is still the untouched machine draft); identical human translations elsewhere are
   reused first (translation memory).
2. Mask: URLs, code spans, images, inline HTML and escapes become numbered placeholders
   ``⟦n⟧``; the opening and closing markup of links and emphasis too, so their text is
   translated in context. Placeholders survive SentencePiece and our detokenisation.
3. Split into sentences as the package expects (its MiniSBD model, else a simple
   splitter), look each sentence up in the draft cache, and decode the rest with
   CTranslate2 in length-sorted batches, one ``translate_batch`` per batch.
4. After every batch: put the markup back (when the model lost a placeholder, the text
   runs between markup are translated separately instead and the entry is flagged),
   verify glossary terms (repair by re-decoding with the canonical spelling forced as a
   target prefix, then by substitution), mark and save the finished entries
   atomically. A killed run loses at most the batch in flight; decoded sentences are
   in the cache, so the re-run finishes the rest cheaply.

Modules, in the order a sentence goes through them: ``markup`` (placeholders),
``sentences`` (splitting, cutting what is too long), ``jobs`` (one entry's layout),
``decoder`` (CTranslate2, the draft cache), ``terms`` (glossary repair), ``report``
and ``run`` (``draft_missing``).
"""

from .decoder import CACHE_PATH, MAX_DECODING_LENGTH, Decoder, DraftCache
from .markup import PLACEHOLDER, Masked, Tag, mask_markup, unmask_markup
from .report import DraftFailure, DraftReport, PlannedEntry, Progress
from .run import draft_missing
from .sentences import SentenceSplitter, Unit, cut_sentence, split_simple

__all__ = [
    "CACHE_PATH",
    "MAX_DECODING_LENGTH",
    "PLACEHOLDER",
    "Decoder",
    "DraftCache",
    "DraftFailure",
    "DraftReport",
    "Masked",
    "PlannedEntry",
    "Progress",
    "SentenceSplitter",
    "Tag",
    "Unit",
    "cut_sentence",
    "draft_missing",
    "mask_markup",
    "split_simple",
    "unmask_markup",
]
