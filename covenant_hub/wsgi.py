"""The WSGI object of an installed copy (`covenant_hub.wsgi:app`); a checkout uses `app:app`."""

from covenant_hub import create_app

app = create_app()
