"""Loading the spaCy pipeline must not import torch (nlp/lean_imports.py), yet torch stays importable."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_pipeline_and_cli_modules_load_without_torch() -> None:
    code = "import sys, rapportkb.cli, nlp.pipeline, spacy; print('torch' in sys.modules)"
    assert _run(code) == "False"


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
def test_torch_can_still_be_imported_afterwards() -> None:
    """The Stanza backend imports torch itself after spaCy is loaded."""
    code = "import nlp.pipeline, sys, torch; print(torch.__name__, 'torch' in sys.modules)"
    assert _run(code) == "torch True"
