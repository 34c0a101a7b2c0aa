"""`flask search ...`: JSON shapes for scripts, reindex, check and repair, drain."""

from __future__ import annotations

import json

from covenant_hub.search import indexer
from covenant_hub.search.service import get_service
from tests.factories import make_practice


def test_query_json_gives_type_interchange_id_title_and_score(app, runner):
    practice = make_practice(title="Шаардын көчөлөрүн жарыктандыруу", language="ky")
    make_practice(title="Draft lighting", state="draft", published=None)
    result = runner.invoke(
        args=[
            "search",
            "query",
            "жарыктандыруу",
            "--lang",
            "ky",
            "--type",
            "practice",
            "--limit",
            "10",
            "--json",
        ]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [set(r) for r in rows] == [{"type", "id", "title", "score"}]
    assert rows[0]["id"] == practice.external_id and rows[0]["type"] == "practice"
    assert isinstance(rows[0]["score"], float)


def test_query_batch_prints_one_line_per_query(app, runner, tmp_path):
    practice = make_practice(title="Solar panels on schools")
    queries = tmp_path / "queries.txt"
    queries.write_text("solar\nnothingmatchesthis\n", encoding="utf-8")
    result = runner.invoke(args=["search", "query", "--batch", str(queries), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["query"] for line in lines] == ["solar", "nothingmatchesthis"]
    assert lines[0]["results"][0]["id"] == practice.external_id
    assert lines[1]["results"] == []


def test_query_without_text_or_batch_is_a_usage_error(app, runner):
    assert runner.invoke(args=["search", "query", "--json"]).exit_code == 2


def test_reindex_rebuilds_from_the_database(app, runner):
    make_practice(title="District heating")
    result = runner.invoke(args=["search", "reindex", "--procs", "1", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.splitlines()[-1])["indexed"] >= 2  # the practice and its owner
    assert indexer.backlog() == 0


def test_check_finds_and_repairs_missing_and_extra_documents(app, runner):
    practice = make_practice(title="Green roofs")
    ix = get_service(app).index
    indexer.drain(ix)
    ix.remove([f"practice:{practice.id}"])
    ix.index([])
    from covenant_hub.search.engine.schema import SearchDocument

    ix.index([SearchDocument("practice:999999", "practice", "ghost", "Ghost")])
    result = runner.invoke(args=["search", "check", "--json"])
    assert result.exit_code == 0 and result.output.startswith("{"), (result.output, result.exception)
    report = json.loads(result.output)
    assert report["missing"] == 1 and report["extra"] == 1 and report["repaired"]
    again = json.loads(runner.invoke(args=["search", "check", "--json"]).output)
    assert again["missing"] == 0 and again["extra"] == 0


def test_ensure_creates_a_missing_index_then_is_quick(app, runner):
    make_practice(title="Waste sorting")
    first = runner.invoke(args=["search", "ensure"])
    assert first.exit_code == 0 and "rebuilt" in first.output
    second = runner.invoke(args=["search", "ensure"])
    assert second.exit_code == 0 and "up to date" in second.output


def test_drain_command_applies_the_backlog(app, runner):
    make_practice(title="Electric buses")
    data = json.loads(runner.invoke(args=["search", "drain", "--json"]).output)
    assert data["rows"] >= 1 and indexer.backlog() == 0
