"""Checkers for the exercises of the 04_forward chapter."""

__all__: list[str] = []
