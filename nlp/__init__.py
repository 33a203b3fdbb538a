"""NLP stages: de-hyphenation, sectioning, and entity tagging as spaCy components."""
