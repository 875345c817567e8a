"""Multi-track analytics over the registry and the event store: coverage and gaps, brokers for
mediation, network measures, track transitions, oversight of objectives and vetting, whether an
engagement moved its dyad, and the reports built from them.

Every function here reads through a gated session, so its results hold only what the principal
may see.
"""
