"""The matchmaking engine: plain records in, ranked and explained results out, no Flask.

records (what the engine reads), sparse and graph (the network), text (TF-IDF of needs and
offers), geo, features (per requester profile), ranker, reasons, model (all of it built from one
snapshot, with weights.json), proposals (a match request's drafts), evaluation, baselines,
tuning. tests/test_layers.py checks that nothing here imports Flask or the rest of the app.
"""
