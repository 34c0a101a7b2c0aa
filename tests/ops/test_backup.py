"""`flask backup create` / `restore`: a consistent copy taken while writers keep posting, its
manifest of checksums, and a restore that refuses a non-empty instance or a damaged backup."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from covenant_hub import create_app
from covenant_hub.extensions import db
from covenant_hub.forum.models import Post
from covenant_hub.ops import backup
from tests.conftest import build_test_config
from tests.factories import make_group, make_org, make_thread

WRITERS = 3


class Writers:
    """Threads that post into one thread until stopped, noting each post's id once committed."""

    def __init__(self, app, thread_id: int) -> None:
        self.app, self.thread_id = app, thread_id
        self.committed: list[int] = []
        self.lock = threading.Lock()
        self.more = threading.Condition(self.lock)
        self.stop = threading.Event()
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(WRITERS)]

    def _run(self, number: int) -> None:
        with self.app.app_context():
            try:
                while not self.stop.is_set():
                    post = Post(thread_id=self.thread_id, author_name=f"writer {number}", body="under load")
                    db.session.add(post)
                    db.session.commit()
                    with self.more:
                        self.committed.append(post.id)
                        self.more.notify_all()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                self.errors.append(error)
            finally:
                db.session.remove()

    def snapshot(self) -> set[int]:
        with self.lock:
            return set(self.committed)

    def wait_for(self, count: int) -> None:
        """Until `count` more posts are committed than now (the writers are not blocked)."""
        with self.more:
            target = len(self.committed) + count
            assert self.more.wait_for(lambda: len(self.committed) >= target or self.errors, timeout=60)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


@pytest.fixture
def empty_instance(tmp_path: Path, migrated_database: Path):
    """A second app on its own migrated, empty database and folders."""
    base = tmp_path / "restored"
    base.mkdir()
    database = base / "covenant.db"
    shutil.copy(migrated_database, database)
    other = create_app(build_test_config(base, database))
    yield other
    with other.app_context():
        db.engine.dispose()


def _invoke(other, args: list[str]):
    """Run a command on `other` (the CLI runner would reuse the test's pushed app context)."""
    with other.app_context():
        return other.test_cli_runner().invoke(args=args)


def _attach(app, name: str, content: bytes) -> Path:
    folder = Path(app.config["ATTACHMENTS_DIR"])
    (folder / "agreements").mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def test_a_backup_under_load_restores_every_post_committed_before_it(app, runner, empty_instance, tmp_path):
    thread = make_thread(make_group(), posts=2)
    make_org(name="Bishkek")
    _attach(app, "practice-1.pdf", b"%PDF-1.4 one")
    _attach(app, "agreements/agreement-7.pdf", b"%PDF-1.4 seven")
    target = tmp_path / "backup-1"
    thread_id = thread.id
    db.session.remove()  # the id's read began a write transaction here (BEGIN IMMEDIATE): end it
    with Writers(app, thread_id) as writers:
        writers.wait_for(20)
        before = writers.snapshot()
        progress_seen: list[str] = []

        def progress(step: str, done: int, total: int) -> None:
            progress_seen.append(step)
            if step == "database" and done == 1:
                writers.wait_for(10)  # the site kept writing while the backup was taken

        trees = backup.file_trees(app.config, app.instance_path)
        manifest = backup.create(db.engine, target, trees, progress)
    assert not writers.errors
    after = writers.snapshot()
    assert len(after) > len(before)
    assert "files" in progress_seen
    assert set(manifest.files) == {"database.sqlite3", "files/attachments/practice-1.pdf",
                                   "files/attachments/agreements/agreement-7.pdf"}  # fmt: skip

    result = _invoke(empty_instance, ["backup", "restore", str(target), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["ok"] and summary["files"] == 2 and summary["indexed"] >= 1
    with empty_instance.app_context():
        restored = set(db.session.scalars(select(Post.id).where(Post.thread_id == thread_id)))
        assert before <= restored  # every post committed before the backup began
        assert restored <= after | set(range(1, 3))  # and nothing invented
    restored_files = Path(empty_instance.config["ATTACHMENTS_DIR"])
    assert (restored_files / "agreements" / "agreement-7.pdf").read_bytes() == b"%PDF-1.4 seven"


def test_create_by_cli_prints_json_and_refuses_a_used_folder(app, runner, tmp_path):
    make_org(name="Osh")
    target = tmp_path / "b"
    result = runner.invoke(args=["backup", "create", str(target), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["ok"] and summary["rows"] >= 1 and summary["database"] == "sqlite"
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["rows"]["organisations"] == 1 and manifest["revision"]
    again = runner.invoke(args=["backup", "create", str(target)])
    assert again.exit_code != 0 and "not empty" in again.output


def test_restore_refuses_a_non_empty_instance_and_changes_nothing(app, runner, tmp_path):
    make_org(name="Naryn")
    target = tmp_path / "b"
    assert runner.invoke(args=["backup", "create", str(target)]).exit_code == 0
    make_org(name="Talas")
    result = runner.invoke(args=["backup", "restore", str(target)])
    assert result.exit_code != 0
    assert "restore needs an empty instance" in result.output and "organisations" in result.output
    assert "Nothing was changed" in result.output
    from covenant_hub.orgs.models import Organisation

    db.session.remove()
    assert {o.name for o in db.session.scalars(select(Organisation))} >= {"Naryn", "Talas"}


def test_restore_refuses_a_damaged_backup(app, runner, empty_instance, tmp_path):
    make_org(name="Karakol")
    _attach(app, "a.pdf", b"%PDF-1.4 a")
    target = tmp_path / "b"
    assert runner.invoke(args=["backup", "create", str(target)]).exit_code == 0
    (target / "files" / "attachments" / "a.pdf").write_bytes(b"%PDF-1.4 b")
    result = _invoke(empty_instance, ["backup", "restore", str(target)])
    assert result.exit_code != 0 and "does not match its checksum" in result.output
    (target / "files" / "attachments" / "a.pdf").unlink()
    result = _invoke(empty_instance, ["backup", "restore", str(target)])
    assert result.exit_code != 0 and "a.pdf is missing" in result.output
    with empty_instance.app_context():
        assert backup.emptiness_problem(db.engine, {}) is None  # untouched
    (target / "manifest.json").unlink()
    result = _invoke(empty_instance, ["backup", "restore", str(target)])
    assert result.exit_code != 0 and "not a Covenant Hub backup" in result.output


def test_upgrade_is_not_needed_after_restore(app, runner, empty_instance, tmp_path):
    """The restored database carries its schema revision: init-db after it is a no-op."""
    target = tmp_path / "b"
    make_org(name="Batken")
    assert runner.invoke(args=["backup", "create", str(target)]).exit_code == 0
    assert _invoke(empty_instance, ["backup", "restore", str(target)]).exit_code == 0
    with empty_instance.app_context():
        upgrade()
        from covenant_hub.orgs.models import Organisation

        assert [o.name for o in db.session.scalars(select(Organisation))] == ["Batken"]
