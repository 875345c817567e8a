"""Reading the shipped taxonomy files (``data/<vocabulary>.yaml``) into a checked Taxonomy."""

from __future__ import annotations

import functools
from importlib.resources import files

import yaml

from multitrack.taxonomy.checks import check
from multitrack.taxonomy.model import Taxonomy, TaxonomyError
from multitrack.taxonomy.vocabulary import VOCABULARIES, Term, Vocabulary

_TEXT_FIELDS = ("name", "description", "source")
_KNOWN_FIELDS = frozenset({"id", "parent", *_TEXT_FIELDS})


@functools.cache
def load_taxonomy() -> Taxonomy:
    """The shipped taxonomy, read once; :class:`TaxonomyError` listing every problem if broken."""
    data = files("multitrack.taxonomy").joinpath("data")
    vocabularies: list[Vocabulary] = []
    problems: list[str] = []
    for name in VOCABULARIES:
        text = data.joinpath(f"{name}.yaml").read_text(encoding="utf-8")
        vocabulary, found = parse_vocabulary(name, text)
        vocabularies.append(vocabulary)
        problems.extend(found)
    if problems:
        raise TaxonomyError(problems)
    taxonomy = Taxonomy(vocabularies)
    problems = check(taxonomy)
    if not problems:
        from multitrack.taxonomy.cameo import mapping_problems

        problems = mapping_problems(taxonomy)
    if problems:
        raise TaxonomyError(problems)
    return taxonomy


def parse_vocabulary(name: str, text: str) -> tuple[Vocabulary, list[str]]:
    """Parse one vocabulary file; returns what could be read and the problems of its shape."""
    where = f"{name}.yaml"
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return Vocabulary(name), [f"{where}: not valid YAML ({error})"]
    if not isinstance(document, dict):
        return Vocabulary(name), [f"{where}: must be a mapping with 'version' and 'entries'"]
    problems: list[str] = []
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(f"{where}: 'version' must be a whole number, not {version!r}")
        version = 1
    entries = document.get("entries")
    if not isinstance(entries, list):
        return Vocabulary(name, (), version), [*problems, f"{where}: 'entries' must be a list"]
    terms: list[Term] = []
    for number, entry in enumerate(entries, start=1):
        term, found = _parse_term(name, entry, where=f"{where} entry {number}")
        problems.extend(found)
        if term is not None:
            terms.append(term)
    return Vocabulary(name, tuple(terms), version), problems


def _parse_term(vocabulary: str, entry: object, *, where: str) -> tuple[Term | None, list[str]]:
    if not isinstance(entry, dict):
        return None, [f"{where}: must be a mapping"]
    term_id = entry.get("id")
    if not isinstance(term_id, str):
        hint = " (quote it: ids are text)" if isinstance(term_id, int | float) else ""
        return None, [f"{where}: 'id' must be text, not {term_id!r}{hint}"]
    problems: list[str] = []
    texts: dict[str, str] = {}
    for key in _TEXT_FIELDS:
        value = entry.get(key, "")
        if not isinstance(value, str):
            problems.append(f"{where} ({term_id!r}): {key!r} must be text")
            value = ""
        texts[key] = value.strip()
    parent = entry.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.append(f"{where} ({term_id!r}): 'parent' must be text")
        parent = None
    extra = {str(key): value for key, value in entry.items() if key not in _KNOWN_FIELDS}
    term = Term(
        vocabulary=vocabulary,
        id=term_id,
        name=texts["name"],
        description=texts["description"],
        source=texts["source"],
        parent=parent,
        extra=extra,
    )
    return term, problems
