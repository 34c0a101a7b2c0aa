"""Two gunicorn nodes on one PostgreSQL, through HTTP only: each node's index follows the one
change log, so what is written on one node is searchable (and hidden) on the other."""

from __future__ import annotations

import random
import threading

from bench.livesite import unique_word
from tests.cluster.harness import (
    DROPPED,
    FOLLOW_S,
    STAFF_EMAIL,
    Nodes,
    absent_from_index,
    found_in_index,
    hide,
    login,
    post_bodies,
    reply,
    wait_for,
)


def test_a_reply_posted_on_either_node_is_found_by_the_others_search(nodes: Nodes):
    rng = random.Random(1)
    for writer, reader in ((nodes.a, nodes.b), (nodes.b, nodes.a)):
        word = unique_word(rng)
        client = login(writer, nodes.posters[0].email)
        assert reply(client, nodes.posters[0].thread_id, f"Reply {word}") is not None
        assert wait_for(lambda r=reader, w=word: found_in_index(r, w), FOLLOW_S) is not None, (
            f"{reader.name} did not find a reply posted on {writer.name} within {FOLLOW_S} s"
        )


def test_a_post_hidden_on_a_disappears_from_bs_results(nodes: Nodes):
    word = unique_word(random.Random(2))
    poster = nodes.posters[1]
    post_id = reply(login(nodes.a, poster.email), poster.thread_id, f"Reply {word}")
    assert post_id is not None
    assert wait_for(lambda: found_in_index(nodes.b, word), FOLLOW_S) is not None
    assert hide(login(nodes.a, STAFF_EMAIL), poster.thread_id, post_id)
    assert wait_for(lambda: absent_from_index(nodes.b, word), FOLLOW_S) is not None, (
        "a post hidden on node A was still found by anonymous visitors on node B"
    )


def _poster(nodes: Nodes, index: int, replies: int, seed: int, confirmed: list[str], errors: list[str],
            killed: threading.Event) -> None:  # fmt: skip
    """Reply ``replies`` times; when the node dies, go on through the other (as a balancer would)."""
    rng = random.Random(seed)
    poster = nodes.posters[index]
    target = nodes.nodes[index % 2]
    client = login(target, poster.email)
    for _ in range(replies):
        word = unique_word(rng)
        for _attempt in range(2):
            try:
                if reply(client, poster.thread_id, f"Reply {word}") is not None:
                    confirmed.append(word)
                else:
                    errors.append(f"{target.name}: refused")
                break
            except DROPPED:  # unconfirmed: may or may not be saved; a new word for the next one
                target = nodes.a if target is nodes.b else nodes.b
                client.base = target.url  # the session cookie holds on the other node too
                word = unique_word(rng)


def test_killing_one_node_mid_load_loses_no_confirmed_write_and_the_other_keeps_serving(nodes: Nodes):
    confirmed: list[str] = []
    errors: list[str] = []
    killed = threading.Event()
    threads = [threading.Thread(target=_poster, args=(nodes, n, 12, 100 + n, confirmed, errors, killed))
               for n in range(4)]  # fmt: skip
    for thread in threads:
        thread.start()
    assert wait_for(lambda: len(confirmed) >= 10, 120) is not None
    nodes.b.kill_all()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    assert len(confirmed) >= 4 * 12 - 4  # at most one unconfirmed reply per poster, at the kill
    bodies = post_bodies(nodes.database_url)
    for word in confirmed:
        assert bodies.count(f"Reply {word}") == 1, word
    last = confirmed[-1]
    assert wait_for(lambda: found_in_index(nodes.a, last), FOLLOW_S) is not None
    nodes.b.ensure_running()  # it comes back and catches up from its own mark
    assert wait_for(lambda: all(found_in_index(nodes.b, w) for w in confirmed[-3:]), 30) is not None


def test_readyz_reports_a_lagging_index_and_both_checks_are_clean_after_catch_up(nodes: Nodes):
    lagging = nodes.extra_node("node-c", SEARCH_WORKER="off", SEARCH_READY_MAX_LAG_ROWS=0)
    lagging.start()
    try:
        catch_up = lagging.cli("search", "drain", "--json")
        assert catch_up.returncode == 0, catch_up.stderr
        status, ready = lagging.readyz()
        assert status == 200, ready
        word = unique_word(random.Random(3))
        assert reply(login(nodes.a, nodes.posters[2].email), nodes.posters[2].thread_id, f"Reply {word}")
        status, ready = lagging.readyz()
        assert status == 503
        assert ready["search"]["lag_rows"] >= 1 and ready["search"]["lag_seconds"] >= 0
        assert ready["database"] is True
        catch_up = lagging.cli("search", "drain", "--json")
        assert catch_up.returncode == 0, catch_up.stderr
        status, ready = lagging.readyz()
        assert status == 200 and ready["search"]["lag_rows"] == 0, ready
    finally:
        lagging.stop()
    assert wait_for(lambda: found_in_index(nodes.b, word), FOLLOW_S) is not None
    for node in nodes.nodes:
        report = node.search_check()
        assert (report["missing"], report["stale"], report["extra"]) == (0, 0, 0), (node.name, report)


def test_healthz_answers_on_both_nodes(nodes: Nodes):
    from bench.livesite import Client

    for node in nodes.nodes:
        answer = Client(node.url).get("/healthz")
        assert answer.status == 200 and '"ok"' in answer.body
