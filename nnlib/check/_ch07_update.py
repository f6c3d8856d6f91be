"""Checkers for the exercises of the 07_update chapter."""

__all__: list[str] = []
