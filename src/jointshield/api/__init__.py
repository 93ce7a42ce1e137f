"""The HTTP service partners run and use (FastAPI): ``create_app(store)``; ``jointshield serve`` runs it."""

from .app import create_app

__all__ = ["create_app"]
