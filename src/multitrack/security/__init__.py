"""Accounts, labels and the one visibility gate; the audit chain; sealed sharing."""
