"""Pydantic models of the API's requests and responses, one module per domain.

The same models describe the JSON the API answers, validate what callers send, and (where an
interchange file holds the same record) validate the lines of `flask import-data`.
"""
