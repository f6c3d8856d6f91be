"""Checkers for the exercises of the 05_cost chapter."""

__all__: list[str] = []
