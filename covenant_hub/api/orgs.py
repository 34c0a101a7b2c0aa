"""/api/v1/orgs (placeholder until the orgs work lands)."""
from covenant_hub.api import bp


@bp.route("/orgs")
def list_orgs() -> dict:
    return {"total": 0, "items": []}
