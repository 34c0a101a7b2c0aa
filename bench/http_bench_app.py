"""The app gunicorn serves in bench/http_bench.py: the real one, plus a hello-world route on the
same workers, the floor every page is compared with."""

from covenant_hub import create_app

app = create_app()


@app.route("/__bench/hello")
def hello() -> str:
    return "Hello, world!"
