"""The one normalised event schema every reader produces (Arrow), and the store layout.

Stored as Parquet under ``EVENTS_DIR/events/dataset=NAME/month=YYYY-MM/*.parquet``; DuckDB is the
embedded engine over it, Spark reads the same files.
"""

from __future__ import annotations

import pyarrow as pa

#: Quad classes as GDELT's codebook states them (CAMEO roots 01-05, 06-09, 10-14, 15-20).
QUAD_CLASSES: dict[int, str] = {
    1: "verbal_coop",
    2: "material_coop",
    3: "verbal_conflict",
    4: "material_conflict",
}

EVENT_SCHEMA = pa.schema(
    [
        pa.field("dataset", pa.string(), nullable=False),  # e.g. gdelt2, gdelt1, icews, acled
        pa.field("event_id", pa.string(), nullable=False),  # unique within the dataset
        pa.field("date", pa.date32(), nullable=False),  # the event date, not the publication
        pa.field("source_code", pa.string()),  # the coder's actor code (CAMEO: USAGOV ...)
        pa.field("source_name", pa.string()),
        pa.field("source_country", pa.string()),  # ISO 3166 alpha-3
        pa.field("target_code", pa.string()),
        pa.field("target_name", pa.string()),
        pa.field("target_country", pa.string()),
        pa.field("event_code", pa.string()),  # CAMEO code as text, leading zeros kept ("010")
        pa.field("root_code", pa.string()),  # "01" ... "20"
        pa.field("quad_class", pa.int8()),  # 1..4, see QUAD_CLASSES
        pa.field("goldstein", pa.float64()),  # -10 (conflict) .. +10 (cooperation)
        pa.field("mentions", pa.int32()),  # mentions, or sources/reports where that is all there is
        pa.field("sources", pa.int32()),
        pa.field("place_country", pa.string()),  # ISO 3166 alpha-3
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
        pa.field("source_url", pa.string()),
        pa.field("file", pa.string(), nullable=False),  # provenance: the ingested file's name
        pa.field("line", pa.int64(), nullable=False),  # and the line the event came from
    ]
)

COLUMNS: tuple[str, ...] = tuple(EVENT_SCHEMA.names)
PARTITIONS: tuple[str, ...] = ("dataset", "month")
