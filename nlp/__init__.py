"""NLP stages: de-hyphenation, sectioning, and entity tagging as spaCy components."""

from nlp.lean_imports import import_thinc_without_torch

import_thinc_without_torch()  # before any module here imports spaCy (see nlp/lean_imports.py)
