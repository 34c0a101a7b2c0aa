"""The index records which Whoosh wrote it; one written by another (whoosh-reloaded before the
switch to whoosh3, or back) is unusable before Whoosh opens it, and `search ensure` rebuilds it."""

from __future__ import annotations

import json
from pathlib import Path

from covenant_hub.search.engine import library
from covenant_hub.search.engine.index import SearchIndex
from covenant_hub.search.service import get_service
from tests.factories import make_org


def _other() -> str:
    """The fork this process does not run."""
    return "whoosh3==3.54.0" if library.current().startswith("whoosh-reloaded") else "whoosh-reloaded==2.7.5"


def _stamp(index_dir: Path, value: str | None) -> None:
    path = index_dir / library.STAMP_NAME
    if value is None:
        path.unlink()
    else:
        path.write_text(json.dumps({"library": value}))


def test_a_new_index_is_stamped_with_this_whoosh(tmp_path):
    ix = SearchIndex(tmp_path / "ix")
    ix.open_or_create()
    assert library.read(tmp_path / "ix") == library.current()
    assert library.current().startswith(("whoosh3==", "whoosh-reloaded==")) and ix.check_health().ok
    ix.close()


def test_an_index_of_another_whoosh_is_unusable(tmp_path):
    ix = SearchIndex(tmp_path / "ix")
    ix.open_or_create()
    ix.close()
    for other in (_other(), None):  # another fork, or no stamp (before stamps)
        _stamp(tmp_path / "ix", other)
        health = ix.check_health()
        assert not health.ok and health.problem == "library_changed"
        assert (other or "no stamp") in health.detail


def test_search_ensure_rebuilds_an_index_written_by_the_other_version(app, runner):
    make_org(name="Tokmok")
    assert runner.invoke(args=["search", "ensure"]).exit_code == 0
    index_dir = Path(app.config["INDEX_DIR"])
    get_service(app).index.close()
    _stamp(index_dir, _other())
    result = runner.invoke(args=["search", "ensure"])
    assert result.exit_code == 0, result.output
    assert "rebuilt" in result.output
    assert library.read(index_dir) == library.current()
    assert get_service(app).index.check_health().ok
    again = runner.invoke(args=["search", "ensure"])
    assert "up to date" in again.output
