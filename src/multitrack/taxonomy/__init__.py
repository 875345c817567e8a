"""The taxonomy as data: tracks, sectors, engagement kinds and the other controlled vocabularies.

The vocabularies live in ``data/*.yaml`` (one file each, every entry citing its source, see
``data/PROVENANCE.md``). :func:`load_taxonomy` reads them once into small immutable classes and
refuses to hand out a taxonomy that :func:`check` finds fault with.
"""

from __future__ import annotations

from multitrack.taxonomy.cameo import CodeMapping, load_cameo_mapping, map_event_code
from multitrack.taxonomy.checks import check
from multitrack.taxonomy.loader import load_taxonomy, parse_vocabulary
from multitrack.taxonomy.model import Taxonomy, TaxonomyError
from multitrack.taxonomy.vocabulary import EXTENSIBLE, SINGULAR, VOCABULARIES, Term, Vocabulary

__all__ = [
    "EXTENSIBLE",
    "SINGULAR",
    "VOCABULARIES",
    "CodeMapping",
    "Taxonomy",
    "TaxonomyError",
    "Term",
    "Vocabulary",
    "check",
    "load_cameo_mapping",
    "load_taxonomy",
    "map_event_code",
    "parse_vocabulary",
]
