"""Checkers for the exercises of the gradcheck chapter."""

__all__: list[str] = []
