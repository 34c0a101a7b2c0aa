"""Demo data: the real GCoM signatories plus sample content (placeholder until orgs lands)."""


def load_demo_data(force: bool = False) -> str:
    return "no demo data yet"
