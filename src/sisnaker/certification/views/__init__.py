"""Certification's pages, by part: ``assessment`` (grid, review), ``board`` (readiness board, overview),
``certificates``, ``verify`` (public, /v/), ``mine`` ("Pelatihan saya"), ``fragments`` (pieces of lower
apps' pages). The URLs are in ``urls.py``."""
