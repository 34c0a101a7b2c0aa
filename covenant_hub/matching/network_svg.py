"""A small server-rendered picture of a requester, its candidates and what connects them.

No JavaScript and no style attributes (the CSP forbids inline styles): only SVG presentation
attributes and classes. Every label goes through `markupsafe.escape`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from covenant_hub.matching.engine.model import MatchModel
from covenant_hub.matching.engine.records import LINK_KINDS

WIDTH, HEIGHT = 720, 440
CENTRE = (WIDTH / 2, HEIGHT / 2)
RADIUS = 170
MAX_CANDIDATES = 12
MAX_CONNECTORS = 10
LABEL_CHARS = 26
FILL = {"requester": "#1d4e89", "candidate": "#2a9d8f", "connector": "#e9c46a"}
DIRECT_KINDS = ("exchange", "twinned_with")


@dataclass
class Node:
    id: int
    name: str
    role: str  # requester, candidate or connector
    x: float = 0.0
    y: float = 0.0


@dataclass
class Edge:
    a: int
    b: int
    kind: str  # a link kind: supported_by, coordinated_by, exchange, twinned_with


@dataclass
class Network:
    nodes: dict[int, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def build_network(model: MatchModel, requester_id: int, candidate_ids: list[int]) -> Network:
    """The requester, its candidates, the organisations two of them share (supporters,
    coordinators, partners), and the links among them (drawn solid for exchange and twinning)."""
    net = Network()
    if requester_id not in model.graph.pos:
        return net
    net.nodes[requester_id] = Node(requester_id, model.orgs[requester_id].name, "requester")
    shown = [c for c in candidate_ids if c in model.graph.pos][:MAX_CANDIDATES]
    for cid in shown:
        net.nodes[cid] = Node(cid, model.orgs[cid].name, "candidate")
    members = [requester_id, *shown]
    neighbours = {oid: _neighbours(model, oid) for oid in members}
    _direct_edges(net, members, neighbours)
    _connectors(model, net, members, neighbours)
    _layout(net, requester_id, shown)
    return net


def _neighbours(model: MatchModel, org_id: int) -> dict[str, set[int]]:
    row = model.graph.pos[org_id]
    return {kind: {model.graph.ids[int(r)] for r in model.graph.neighbours(row, kind)} for kind in LINK_KINDS}


def _direct_edges(net: Network, members: list[int], neighbours: dict[int, dict[str, set[int]]]) -> None:
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            for kind in LINK_KINDS:
                if b in neighbours[a][kind] or a in neighbours[b][kind]:
                    net.edges.append(Edge(a, b, kind))


def _connectors(
    model: MatchModel, net: Network, members: list[int], neighbours: dict[int, dict[str, set[int]]]
) -> None:
    """Organisations linked to at least two of the members, most shared first."""
    counts: dict[tuple[int, str], list[int]] = {}
    for oid in members:
        for kind in LINK_KINDS:
            for other in neighbours[oid][kind]:
                if other not in net.nodes:
                    counts.setdefault((other, kind), []).append(oid)
    shared = sorted(
        ((len(who), key) for key, who in counts.items() if len(who) >= 2),
        key=lambda item: (-item[0], item[1]),
    )
    for _count, (other, kind) in shared[:MAX_CONNECTORS]:
        if other not in net.nodes:
            net.nodes[other] = Node(other, model.orgs[other].name, "connector")
        net.edges.extend(Edge(oid, other, kind) for oid in counts[(other, kind)])


def _layout(net: Network, requester_id: int, shown: list[int]) -> None:
    """Requester in the middle, candidates on a circle, connectors between the ones they join."""
    cx, cy = CENTRE
    net.nodes[requester_id].x, net.nodes[requester_id].y = cx, cy
    for i, cid in enumerate(shown):
        angle = 2 * math.pi * i / max(len(shown), 1) - math.pi / 2
        net.nodes[cid].x, net.nodes[cid].y = (
            cx + RADIUS * math.cos(angle),
            cy + RADIUS * 0.95 * math.sin(angle),
        )
    connectors = [n for n in net.nodes.values() if n.role == "connector"]
    for i, node in enumerate(connectors):
        ends = [net.nodes[e.a] for e in net.edges if e.b == node.id]
        mx = sum(n.x for n in ends) / len(ends)
        my = sum(n.y for n in ends) / len(ends)
        offset = 28 * ((i % 3) - 1)
        node.x, node.y = mx + offset, my + 22 + offset / 2


def _label(name: str) -> str:
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def render_svg(net: Network, title: str, kind_labels: dict[str, str]) -> Markup:
    """The picture as inline SVG markup; `kind_labels` are the translated link names."""
    parts = [
        f'<svg class="match-network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="match-network-title">',
        f'<title id="match-network-title">{escape(title)}</title>',
    ]
    for edge in net.edges:
        a, b = net.nodes[edge.a], net.nodes[edge.b]
        dash = "" if edge.kind in DIRECT_KINDS else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line class="edge edge-{edge.kind}" x1="{a.x:.1f}" y1="{a.y:.1f}" x2="{b.x:.1f}" '
            f'y2="{b.y:.1f}" stroke="#6c757d" stroke-width="1.5"{dash}>'
            f"<title>{escape(kind_labels.get(edge.kind, edge.kind))}</title></line>"
        )
    for node in net.nodes.values():
        radius = 14 if node.role == "requester" else 9 if node.role == "candidate" else 6
        parts.append(
            f'<g class="node node-{node.role}"><circle cx="{node.x:.1f}" cy="{node.y:.1f}" r="{radius}" '
            f'fill="{FILL[node.role]}" stroke="#ffffff" stroke-width="2"><title>{escape(node.name)}'
            f'</title></circle><text x="{node.x:.1f}" y="{node.y - radius - 4:.1f}" '
            f'text-anchor="middle" font-size="11" fill="#212529">{escape(_label(node.name))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every label above went through escape()
