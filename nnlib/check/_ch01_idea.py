"""Checkers for the exercises of the 01_idea chapter."""

__all__: list[str] = []
