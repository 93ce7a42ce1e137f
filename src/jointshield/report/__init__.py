"""Views of results for people: maps (``maps``, with outlines from ``geodata``) and flight plots.

Adapters: these modules write files, and only the files a caller names.
"""
