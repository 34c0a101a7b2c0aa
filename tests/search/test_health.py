"""Damaged or missing index files are detected; rebuild brings the index back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from covenant_hub.search.engine.health import check_health
from covenant_hub.search.engine.index import IndexDamaged, SearchIndex
from covenant_hub.search.engine.manifest import manifest_path
from covenant_hub.search.engine.manifest import read as read_manifest
from covenant_hub.search.engine.results import SearchQuery
from covenant_hub.search.engine.schema import SearchDocument
from tests.search.conftest import sample_docs


def many_docs(n: int) -> list[SearchDocument]:
    return [
        SearchDocument(f"post:{i}", "post", str(i), f"Street lighting {i}", "LED lamps in town " * 20, "en")
        for i in range(n)
    ]


@pytest.fixture
def built(tmp_path: Path) -> Path:
    ix = SearchIndex(tmp_path / "index")
    ix.index(many_docs(150))
    ix.close()
    return tmp_path / "index"


def only(folder: Path, suffix: str) -> Path:
    (found,) = [folder / name for name in os.listdir(folder) if name.endswith(suffix)]
    return found


def test_healthy_index_passes(built: Path) -> None:
    assert check_health(built).ok


def test_missing_folder_and_empty_folder(tmp_path: Path) -> None:
    assert check_health(tmp_path / "nope").problem == "missing"
    (tmp_path / "empty").mkdir()
    assert check_health(tmp_path / "empty").problem == "missing"


@pytest.mark.parametrize("recorded", [True, False], ids=["with-record", "without-record"])
@pytest.mark.parametrize("keep", [0.5, 0.9, 0.999])
def test_truncated_segment_is_detected(built: Path, keep: float, recorded: bool) -> None:
    """By its recorded size before anything maps it; without a record, by the read probes."""
    if not recorded:
        manifest_path(built).unlink()
    segment = only(built, ".seg")
    size = segment.stat().st_size
    with segment.open("r+b") as handle:
        handle.truncate(int(size * keep))
    health = check_health(built)
    assert not health.ok and health.problem == ("segment_mismatch" if recorded else "segment_corrupt")


def test_segment_cut_by_a_few_bytes_is_detected(built: Path) -> None:
    segment = only(built, ".seg")
    with segment.open("r+b") as handle:
        handle.truncate(segment.stat().st_size - 3)
    assert check_health(built).problem == "segment_mismatch"
    manifest_path(built).unlink()
    assert check_health(built).problem == "segment_corrupt"


def test_segment_with_a_changed_byte_fails_its_checksum(built: Path) -> None:
    segment = only(built, ".seg")
    data = bytearray(segment.read_bytes())
    data[len(data) // 3] ^= 0x5A  # same size: only the checksum can tell
    segment.write_bytes(bytes(data))
    health = check_health(built)
    assert not health.ok and health.problem == "segment_mismatch" and health.detail == segment.name


def scramble(segment: Path) -> None:
    """Flip the bits of the file's middle half in place: same inode, same size."""
    data = bytearray(segment.read_bytes())
    for i in range(len(data) // 4, len(data) * 3 // 4):
        data[i] ^= 0x5A
    with segment.open("r+b") as handle:
        handle.write(data)


def test_a_segment_whose_bytes_change_under_an_open_searcher_raises_and_is_quarantined(built: Path) -> None:
    """Its size still matches the record: the changed file times make the searcher checksum it."""
    ix = SearchIndex(built)
    assert ix.search(SearchQuery("lamps")).total == 150
    segment = only(built, ".seg")
    scramble(segment)
    with pytest.raises(IndexDamaged):
        ix.search(SearchQuery("lamps"))  # never a silent empty answer
    assert not segment.exists()
    assert check_health(built).problem == "segment_missing"  # so the rebuild path runs


def test_a_writer_refuses_a_segment_whose_bytes_changed(built: Path) -> None:
    """Merged into a new segment, the damage would get a new, matching checksum of its own."""
    ix = SearchIndex(built)
    segment = only(built, ".seg")
    scramble(segment)
    with pytest.raises(IndexDamaged):
        ix.index(many_docs(3))
    assert not segment.exists()
    assert check_health(built).problem == "segment_missing"
    assert ix.rebuild(iter(many_docs(5)), procs=1) == 5  # the writer's lock was released


def test_every_commit_records_its_segments(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "index")
    ix.index(many_docs(20))
    ix.index(many_docs(40)[20:])
    ix.remove(["post:3"])
    files = {name for name in os.listdir(tmp_path / "index") if name.endswith(".seg")}
    recorded = read_manifest(tmp_path / "index")
    assert set(recorded) == files and all(
        recorded[name]["size"] == (tmp_path / "index" / name).stat().st_size for name in files
    )


def test_a_segment_that_shrinks_under_an_open_searcher_raises_and_is_quarantined(built: Path) -> None:
    ix = SearchIndex(built)
    assert ix.search(SearchQuery("lamps")).total == 150
    segment = only(built, ".seg")
    with segment.open("r+b") as handle:
        handle.truncate(segment.stat().st_size // 2)
    with pytest.raises(IndexDamaged):
        ix.search(SearchQuery("lamps"))  # checked before the mapped file is read
    assert not segment.exists()
    (moved,) = (built.parent / "index.quarantine").iterdir()
    assert moved.name.endswith(segment.name)
    assert check_health(built).problem == "segment_missing"  # so the rebuild path runs
    assert ix.rebuild(iter(sample_docs()), procs=1) == 8 and check_health(built).ok


def test_missing_segment_is_detected(built: Path) -> None:
    only(built, ".seg").unlink()
    assert check_health(built).problem == "segment_missing"


def test_missing_toc_is_detected(built: Path) -> None:
    only(built, ".toc").unlink()
    assert check_health(built).problem == "toc_missing"


def test_garbled_toc_is_detected(built: Path) -> None:
    only(built, ".toc").write_bytes(b"\x00garbage" * 8)
    assert check_health(built).problem == "toc_garbled"


def test_toc_with_a_flipped_byte_is_detected(built: Path) -> None:
    toc = only(built, ".toc")
    data = bytearray(toc.read_bytes())
    data[len(data) // 2] ^= 0xFF
    toc.write_bytes(bytes(data))
    assert not check_health(built).ok


def test_rebuild_repairs_a_corrupt_index(built: Path) -> None:
    only(built, ".toc").write_bytes(b"junk")
    ix = SearchIndex(built)
    seen: list[int] = []
    assert ix.rebuild(iter(sample_docs()), progress=seen.append, procs=1) == 8
    assert ix.check_health().ok and seen[-1] == 8
    assert [h.key for h in ix.search(SearchQuery('"street lighting"')).hits] == ["practice:p3"]


def test_parallel_rebuild_replaces_everything(built: Path) -> None:
    ix = SearchIndex(built)
    ix.search(SearchQuery("lamps"))  # a searcher open on the old generation
    seen: list[int] = []
    assert ix.rebuild(iter(many_docs(1200)[150:]), progress=seen.append, procs=2) == 1050
    assert seen[:2] == [500, 1000] and seen[-1] == 1050
    assert ix.doc_count() == 1050 and check_health(built).ok
    assert "post:0" not in ix.keys() and "post:1199" in ix.keys()
    assert ix.search(SearchQuery("lamps", page_size=5)).total == 1050


def test_rebuild_into_a_missing_folder(tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "fresh")
    assert ix.rebuild(iter(sample_docs()), procs=1) == 8
    assert ix.doc_count() == 8


def test_lock_timeout_raises_index_locked(tmp_path: Path) -> None:
    from covenant_hub.search.engine.index import IndexLocked

    ix = SearchIndex(tmp_path / "index", lock_timeout=0.2)
    ix.open_or_create()
    writer = ix._ix.writer()
    try:
        with pytest.raises(IndexLocked):
            ix.index(sample_docs()[:1])
    finally:
        writer.cancel()
    assert ix.index(sample_docs()[:1]) == 1


def test_index_built_with_another_schema_is_outdated_and_rebuilt(tmp_path: Path) -> None:
    from whoosh import fields, index

    folder = tmp_path / "index"
    folder.mkdir()
    old = index.create_in(str(folder), fields.Schema(key=fields.ID(stored=True)), indexname="MAIN")
    with old.writer() as writer:
        writer.add_document(key="post:old")
    from covenant_hub.search.engine import library

    library.write(folder)  # the same Whoosh as ours, another schema
    assert check_health(folder).problem == "schema_outdated"
    ix = SearchIndex(folder)
    ix.rebuild(iter(sample_docs()), procs=1)
    assert check_health(folder).ok and "post:old" not in ix.keys()


def test_a_damaged_segment_is_quarantined_when_the_index_folder_is_a_mount_of_its_own(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """os.replace cannot move a file off its file system (EXDEV): copied out and removed."""
    import errno

    real_replace = os.replace

    def replace(src, dst):  # noqa: ANN001, ANN202 - os.replace's signature
        if str(dst).startswith(str(built.parent / "index.quarantine")):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        return real_replace(src, dst)

    ix = SearchIndex(built)
    assert ix.search(SearchQuery("lamps")).total == 150
    segment = only(built, ".seg")
    original = segment.read_bytes()
    scramble(segment)
    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(IndexDamaged):
        ix.search(SearchQuery("lamps"))
    assert not segment.exists()
    (moved,) = (built.parent / "index.quarantine").iterdir()
    assert moved.name.endswith(segment.name) and len(moved.read_bytes()) == len(original)


def test_a_commit_failing_on_a_full_disk_releases_the_index_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh's cancel raises too on a full disk, before it releases the lock: once the space is
    back, the next writer must get the lock (it got LockError for ever)."""
    import errno

    from whoosh.codec import whoosh3

    ix = SearchIndex(tmp_path / "index", lock_timeout=0.2)
    ix.index(sample_docs()[:2])

    def full_disk(_self) -> None:  # noqa: ANN001
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(whoosh3.W3PerDocWriter, "close", full_disk)
        with pytest.raises(OSError):
            ix.index(sample_docs()[2:4])
    assert ix.index(sample_docs()[2:4]) == 2
    assert ix.doc_count() == 4


def test_a_searcher_opened_as_a_commit_removes_the_old_toc_tries_again(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh deletes the previous TOC right after writing the next; read in between, the old
    one is gone (Whoosh's own reader retries that; a spurious degraded answer otherwise)."""
    ix = SearchIndex(built)
    ix.open_or_create()
    index_class = type(ix._ix)
    real_read_toc = index_class._read_toc
    failures = [FileNotFoundError("_MAIN_1.toc")]

    def read_toc(self):  # noqa: ANN001, ANN202
        if failures:
            raise failures.pop()
        return real_read_toc(self)

    monkeypatch.setattr(index_class, "_read_toc", read_toc)
    assert ix.search(SearchQuery("lamps")).total == 150


def test_a_segment_merged_away_while_it_is_checksummed_counts_as_missing(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Removed by a commit between its stat and its checksum: reported (so the caller opens the
    new generation), not raised as FileNotFoundError (a failed search on a healthy index)."""
    from covenant_hub.search.engine import manifest

    segment = only(built, ".seg")

    def vanished(path: Path) -> int:
        path.unlink()
        raise FileNotFoundError(str(path))

    monkeypatch.setattr(manifest, "checksum", vanished)
    assert manifest.Verifier(built).first_bad([segment.name]) == segment.name
