"""Checkers for the exercises of the initialisation chapter."""

__all__: list[str] = []
