"""Marketing reports: the weekly and monthly story of a brand, rendered from the marts.

`periods` picks the weeks and months to render, `data` is the one module that reads the marts for them,
`coverage` turns what the data covers into notes, `content` assembles a report, `charts` draws it with
matplotlib, and `html` / `pdf` / `email` render it. Nothing here talks to Dagster.
"""
