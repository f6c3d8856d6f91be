"""Checkers for the exercises of the 02_init chapter."""

__all__: list[str] = []
