from collections import Counter

import pytest

from nlp.dehyphenate import JOIN, KEEP, SUSPENDED, decide, document_vocabulary, join_lines


@pytest.mark.parametrize(
    ("left", "right", "expected"),
    [
        ("en-", "skilda", JOIN),
        ("erfaren-", "hetsutbyten", JOIN),
        ("Gäl-", "livare", JOIN),
        ("Reg-", "ion", JOIN),
        ("bostads-", "byggande", JOIN),
        ("förvaringsutrym-", "men", JOIN),
        ("resurstea-", "men", JOIN),
        ("TILLSAM-", "MANS", JOIN),
        ("Norr-", "och", SUSPENDED),
        ("barn-", "och", SUSPENDED),
        ("stöd-", "och", SUSPENDED),
        ("SFI-", "grupper", KEEP),
        ("VA-", "enheten", KEEP),
        ("EU-", "projekt", KEEP),
        ("e-", "tjänster", KEEP),
        ("2023-", "2026", KEEP),
        ("30-", "tal", KEEP),
        ("läs\u00ad", "ningen", JOIN),
    ],
)
def test_decide(left, right, expected):
    assert decide(left, right)[0] == expected


def test_document_vocabulary_decides_an_unknown_compound():
    vocabulary = document_vocabulary(["Vi driver Kultur-Skolan och mer.", "kultur-skolan igen"])
    assert decide("kultur-", "skolan", vocabulary)[0] == KEEP
    vocabulary = Counter({"kulturskolan": 2})
    assert decide("kultur-", "skolan", vocabulary)[0] == JOIN


def test_join_lines_records_every_break_with_its_reason():
    text, breaks = join_lines(
        [("Samverkan i Norr-", 1), ("och Västerbotten med SFI-", 1), ("grupper och erfaren-", 1), ("heter.", 2)],
        Counter(),
    )
    assert text == "Samverkan i Norr- och Västerbotten med SFI-grupper och erfarenheter."
    assert [b.decision for b in breaks] == [SUSPENDED, KEEP, JOIN]
    assert all(b.reason for b in breaks)
    assert breaks[-1].page == 1


def test_soft_hyphens_inside_a_line_disappear():
    text, _ = join_lines([("verk\u00adsam\u00adhet", 1)], Counter())
    assert text == "verksamhet"
