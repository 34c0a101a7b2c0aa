"""Matchmaking: who has already done what a city plans, and who can help it.

The engine (records, sparse, graph, text, features, ranker, reasons, model, evaluation,
baselines, tuning) takes plain records and never imports Flask. `snapshot` reads those records
from the database, `service` keeps one model per process and refreshes it after commits, and
`cli.register_matching(app)` adds the `flask match` commands.
"""
