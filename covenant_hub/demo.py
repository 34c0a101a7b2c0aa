"""Demo data: the real GCoM signatories (shipped file) plus the sample folder, marked as sample.

Later issues add their own files (practices.jsonl, groups.jsonl, ...) to data/demo/ together
with the handlers that read them. The sample folder never repeats an organisation the GCoM file
holds: its practices, threads and links about Osh and Talas name the GCoM records by their ids
(`GCOM_RECORDS_IN_SAMPLES`), so the sample folder is loaded after the GCoM import.
"""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import func, select

from covenant_hub.extensions import db
from covenant_hub.orgs.models import Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"
GCOM_FILE = DATA_DIR / "gcom" / "df1_Signatories_2024.xlsx"
SAMPLE_DIR = DATA_DIR / "demo"
#: GCoM records the sample folder refers to (external id -> name in the GCoM file).
GCOM_RECORDS_IN_SAMPLES = {"gcom-kg0004": "Osh", "gcom-kg0005": "Talas"}


class DemoDataError(RuntimeError):
    """The shipped sample folder no longer matches the format (a bug in the project)."""


def load_demo_data(force: bool = False) -> str:
    """Load GCoM then the sample folder when no organisation exists yet (or with `force`).

    Both importers update by external id, so running this again changes nothing.
    """
    from covenant_hub.interchange import ImportOptions, import_folder
    from covenant_hub.orgs.gcom_import import import_gcom

    existing = db.session.scalar(select(func.count()).select_from(Organisation)) or 0
    db.session.rollback()
    if existing and not force:
        return f"Demo data not loaded: the database already has {existing} organisations."
    started = time.perf_counter()
    gcom = import_gcom(GCOM_FILE)
    sample = import_folder(SAMPLE_DIR, ImportOptions(mark_sample=True))
    if not sample.ok:
        raise DemoDataError("; ".join(str(error) for error in sample.errors))
    programme = load_programme_demo()
    seconds = time.perf_counter() - started
    return f"Demo data loaded in {seconds:.1f} s. {gcom.summary()}. Sample: {sample.summary()}. {programme}"


def load_programme_demo() -> str:
    """Supporter applications, services, activities and feedback on the sample supporters."""
    from covenant_hub.programme.demo import seed_programme_demo

    return seed_programme_demo()
