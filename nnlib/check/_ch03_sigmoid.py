"""Checkers for the exercises of the 03_sigmoid chapter."""

__all__: list[str] = []
