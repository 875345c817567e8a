"""Multitrack: a workbench for multi-track, sectoral diplomacy."""

__version__ = "0.1.0"
