"""The ``multitrack`` command: a thin shell over :mod:`multitrack.services`."""
