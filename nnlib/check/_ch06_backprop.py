"""Checkers for the exercises of the 06_backprop chapter."""

__all__: list[str] = []
