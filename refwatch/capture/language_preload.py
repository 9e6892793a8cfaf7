"""Imported by the import's forkserver: the language model is loaded once, there.

Reader processes are forked from that server, so they share the model's
~70 MB of arrays (copy-on-write; classifying only reads them) instead of each
loading a copy at the first non-English text. In a 100,000-document import
that was 140 MB of the process tree's 500.
"""

from refwatch.capture.language import load_model

load_model()
