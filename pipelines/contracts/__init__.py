"""Contracts: facts about the platforms and the warehouse that every layer may read (the bottom layer)."""
