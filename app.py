"""Entry point for `flask --app app` and gunicorn (`app:app`): it only builds the app."""

from covenant_hub import create_app

app = create_app()
