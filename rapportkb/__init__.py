"""rapportkb: Swedish administrative reports into a searchable JSON Lines knowledge base."""

from importlib.metadata import PackageNotFoundError, version

from nlp.lean_imports import import_thinc_without_torch

import_thinc_without_torch()  # before any module here imports spaCy (see nlp/lean_imports.py)

try:
    __version__ = version("rapportkb")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

SCHEMA_VERSION = 1
