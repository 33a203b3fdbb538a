"""Import thinc (under spaCy) without torch, which our spaCy pipeline never uses.

thinc imports torch whenever it is installed (it is, with the `stanza` extra), to offer its PyTorch
wrappers: that costs every worker about 180 MB of memory and a few seconds of start-up, for nothing
the spaCy backend computes (its layers run on numpy). So thinc is imported once with torch hidden,
and torch is shown again right after: the Stanza backend, which needs it, imports it as usual.
"""

from __future__ import annotations

import sys


def import_thinc_without_torch() -> None:
    """Call before anything imports spaCy or thinc; a no-op once either of them or torch is loaded."""
    if "thinc" in sys.modules or "torch" in sys.modules:
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` now raises ImportError
    try:
        import thinc.compat  # noqa: F401
    finally:
        del sys.modules["torch"]
