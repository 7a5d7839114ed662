"""Machine translation on a cluster: batches of sentences decoded by remote workers.

The drafting stage itself (planning, masking, glossary, the catalogs) is
``pressroom.draft``; this package holds what its decoding needs on a worker.
"""
