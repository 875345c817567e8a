"""Open event data: readers per format, one normalised schema, ingest, relations analytics."""
