"""gunicorn settings shared by `make run` and the browser tests (command-line flags add to them).

gunicorn has no setting for its `Server` header, and answers every request with
`Server: gunicorn`, which tells scanners what to try. Its response class reads the name from a
module constant when each response is built, so setting that here, in the master before it
forks its workers, gives every worker a neutral name instead.
"""

import gunicorn
import gunicorn.http.wsgi

SERVER_NAME = "Covenant Hub"

gunicorn.SERVER = gunicorn.SERVER_SOFTWARE = SERVER_NAME
gunicorn.http.wsgi.SERVER = gunicorn.http.wsgi.SERVER_SOFTWARE = SERVER_NAME
