"""The search engine: SearchDocuments and SearchQuery dataclasses in, SearchResults out, no Flask.

index (SearchIndex: index, remove, search, rebuild, health), schema (what a document is and its
Whoosh fields), analysis, kyrgyz and detection (languages), queries (parsing), searching,
vector and postings (fast evaluation), facets, highlight, suggest, health, results.
tests/test_layers.py checks that nothing here imports Flask or the rest of the app.
"""
