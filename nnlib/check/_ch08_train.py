"""Checkers for the exercises of the 08_train chapter."""

__all__: list[str] = []
