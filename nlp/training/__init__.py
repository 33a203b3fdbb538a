"""Training the Swedish NER model shipped in models/ner from the public corpora in ../shared/corpora."""
