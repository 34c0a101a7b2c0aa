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

# Metrics from every worker (prometheus_client's multiprocess mode, see covenant_hub/ops/metrics.py):
# the workers write their samples into one folder, emptied here in the master before they start,
# and a dead worker's live gauges are dropped when it exits.
import os  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402

if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="covenant-metrics-")
_metrics_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
shutil.rmtree(_metrics_dir, ignore_errors=True)
os.makedirs(_metrics_dir, exist_ok=True)


def child_exit(server, worker):  # noqa: ANN001 - gunicorn's hook signature
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
