"""Structured reasons ({"code", "params"}) for each result, and their translatable messages.

The engine stays free of Flask: messages are marked with `N_` so Babel extracts them, and the
web layer renders them by passing its own `gettext`/`ngettext` to `render_reason`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from covenant_hub.matching.engine.features.network import RECRUITING_KM, freshness
from covenant_hub.matching.engine.features.reach import members_by_country
from covenant_hub.matching.engine.meaning import MeaningMatch
from covenant_hub.matching.engine.records import LINK_KINDS, LINK_OF_KIND, PracticeRecord
from covenant_hub.matching.engine.text import analyse, need_text, readable_terms

if TYPE_CHECKING:
    from covenant_hub.matching.engine.model import MatchModel
    from covenant_hub.matching.engine.ranker import Scored

MAX_REASONS = 4
NEAR_KM = 50.0
MIN_LIFT = 1e-9  # a weighted lift above the median candidate this small is rounding, not a reason


def N_(message: str) -> str:  # noqa: N802 - the marker name Babel extracts by default
    return message


def N_plural(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - extracted with -k N_plural:1,2
    """Marks a singular/plural pair, so the catalogs hold it as one plural message."""
    return singular, plural


MESSAGES: dict[str, str | tuple[str, str]] = {
    "shared_supporter": N_("Both supported by %(name)s"),
    "shared_coordinator": N_("Both coordinated by %(name)s"),
    "shared_partner": N_("Both work with %(name)s"),
    "supports_neighbours": N_plural(
        "Works with %(num)d city within %(km)d km of you", "Works with %(num)d cities within %(km)d km of you"
    ),
    "joined_with_neighbours": N_plural(
        "%(num)d nearby city joined the Covenant the same day as you, and its neighbours work with it",
        "%(num)d nearby cities joined the Covenant the same day as you, and their neighbours work with it",
    ),
    "partner_members": N_("Works with cities that share your partner %(name)s"),
    "recruiting": N_plural(
        "%(num)d of its members joined recently", "%(num)d of its members joined recently"
    ),
    "recruiting_near": N_plural(
        "%(num)d city within %(km)d km of you joined it recently",
        "%(num)d cities within %(km)d km of you joined it recently",
    ),
    "twins_chose": N_plural(
        "%(num)d city twinned with you works with it", "%(num)d cities twinned with you work with it"
    ),
    "same_country": N_("In the same country (%(country)s)"),
    "distance_km": N_("%(km)d km away"),
    "members_in_region": N_plural(
        "%(num)d of its members is in your country", "%(num)d of its members are in your country"
    ),
    "your_members_there": N_plural(
        "%(num)d of your members is in its country", "%(num)d of your members are in its country"
    ),
    "works_in_language": N_("Works in %(language)s"),
    "published_practice": N_("Published \u201c%(title)s\u201d"),
    "text_match": N_("Matches what you need: %(terms)s"),
    "offer_match": N_("Offers \u201c%(offer)s\u201d"),
    "shared_sectors": N_("Active in the same sectors: %(sectors)s"),
    "shared_commitments": N_("Same commitments: %(commitments)s"),
    "similar_population": N_("A similar population"),
    "not_yet_supported": N_("Not yet supported by anyone"),
    "popular": N_plural("Already works with %(num)d city", "Already works with %(num)d cities"),
    "network_proximity": N_("Close to you in the network of cities and supporters"),
}


def _format(message: str, **params: Any) -> str:
    return message % params if params else message


def _nformat(singular: str, plural: str, num: int, **params: Any) -> str:
    return (singular if num == 1 else plural) % {"num": num, **params}


def render_reason(
    reason: dict[str, Any], gettext: Callable[..., str] = _format, ngettext: Callable[..., str] = _nformat
) -> str:
    """One reason as a sentence. Pass flask_babel's `gettext` and `ngettext`: like them, the
    defaults take the message, then the parameters as keywords, and format the result."""
    message = MESSAGES.get(reason["code"], reason["code"])
    params = dict(reason.get("params", {}))
    for key, value in params.items():
        if isinstance(value, list):
            params[key] = ", ".join(str(v) for v in value)
    if isinstance(message, tuple):
        count = int(params.pop("num", 0))
        return ngettext(message[0], message[1], count, **params)
    return gettext(message, **params)


def typical_values(scored: Scored) -> dict[str, float]:
    """Each feature's median over the candidates: what every one of them has anyway."""
    return {name: float(np.median(values)) for name, values in scored.features.items() if len(values)}


def reasons_for(
    model: MatchModel, scored: Scored, position: int, typical: dict[str, float] | None = None
) -> list[dict[str, Any]]:
    """The reasons behind one candidate: only the features that lift it above the typical
    candidate (its neighbours chose it, its partners did), strongest lift first. What every
    candidate has anyway (the same country as all the others) is no reason, and a candidate
    that nothing lifts gets none but its distance: better no reason than a made-up one."""
    weights = model.weights_for(scored.profile, scored.request.kind)
    typical = typical if typical is not None else typical_values(scored)
    contributions = sorted(
        (
            (weights.get(name, 0.0) * (values[position] - typical.get(name, 0.0)), name)
            for name, values in scored.features.items()
        ),
        reverse=True,
    )
    reasons: list[dict[str, Any]] = []
    asked = set()  # several features share a builder (every vote asks _neighbours_chose): once is enough
    for lift, name in contributions:
        if lift <= MIN_LIFT or name not in BUILDERS:
            continue
        builder = _your_members if (name, scored.profile) == ("country_share", "reach") else BUILDERS[name]
        if builder in asked:
            continue
        asked.add(builder)
        for reason in builder(model, scored, position):
            if reason["code"] not in {r["code"] for r in reasons}:
                reasons.append(reason)
    distance = _distance(scored, position)
    if distance is not None and not any(r["code"] == "distance_km" for r in reasons):
        return reasons[: MAX_REASONS - 1] + [_reason("distance_km", km=distance)]
    return reasons[:MAX_REASONS]


def _reason(code: str, **params: Any) -> dict[str, Any]:
    return {"code": code, "params": params}


def _distance(scored: Scored, position: int) -> int | None:
    value = scored.request.distance[scored.request.candidates[position]]
    return None if np.isnan(value) else int(round(value))


def _rows(scored: Scored, position: int) -> tuple[int, int]:
    return scored.request.row, int(scored.request.candidates[position])


def _name(model: MatchModel, row: int) -> str:
    return model.orgs[model.graph.ids[row]].name


def _shared(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    codes = {"supported_by": "shared_supporter", "coordinated_by": "shared_coordinator"}
    out = []
    for kind in LINK_KINDS:
        common = np.intersect1d(model.graph.neighbours(mine, kind), model.graph.neighbours(theirs, kind))
        if len(common):
            out.append(_reason(codes.get(kind, "shared_partner"), name=_name(model, int(common[0]))))
    return out


def _neighbours_chose(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    _, theirs = _rows(scored, position)
    members = model.graph.neighbours(theirs, LINK_OF_KIND[scored.request.kind])
    near = int(np.sum(scored.request.distance[members] <= NEAR_KM)) if len(members) else 0
    return [_reason("supports_neighbours", num=near, km=int(NEAR_KM))] if near else []


def _cohort(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, _ = _rows(scored, position)
    mates = model.graph.cohort(mine)
    near = int(np.sum(scored.request.distance[mates] <= NEAR_KM)) if len(mates) else 0
    return [_reason("joined_with_neighbours", num=near)] if near else []


def _via_partner(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    link = LINK_OF_KIND[scored.request.kind]
    members = set(model.graph.neighbours(theirs, link).tolist())
    for kind in LINK_KINDS:
        if kind == link:
            continue
        for partner in model.graph.neighbours(mine, kind):
            if members.intersection(model.graph.neighbours(int(partner), kind).tolist()):
                return [_reason("partner_members", name=_name(model, int(partner)))]
    return []


def _twins_chose(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    members = model.graph.neighbours(theirs, LINK_OF_KIND[scored.request.kind])
    num = len(np.intersect1d(model.graph.neighbours(mine, "twinned_with"), members))
    return [_reason("twins_chose", num=num)] if num else []


def _recruiting(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    recent = scored.request.recent_joiners
    if recent is None or freshness(model, mine, recent) < 0.5:
        return []  # old news for this city: not a reason worth telling
    members = model.graph.neighbours(theirs, LINK_OF_KIND[scored.request.kind])
    members = members[recent.mask[members] > 0]
    near = int(np.sum(scored.request.distance[members] <= RECRUITING_KM))
    if near:
        return [_reason("recruiting_near", num=near, km=int(RECRUITING_KM))]
    return [_reason("recruiting", num=len(members))] if len(members) else []


def _country(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, _ = _rows(scored, position)
    country = model.orgs[model.graph.ids[mine]].country
    return [_reason("same_country", country=(country or "").upper())]


def _members_in_region(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    counts = model.graph.member_countries[LINK_OF_KIND[scored.request.kind]].get(theirs, Counter())
    num = int(counts.get(int(model.graph.country[mine]), 0))
    return [_reason("members_in_region", num=num)] if num > 0 else []


def _your_members(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    num = int(members_by_country(model, mine).get(int(model.graph.country[theirs]), 0))
    return [_reason("your_members_there", num=num)] if num > 0 else []


def _language(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    a, b = (model.orgs[model.graph.ids[r]] for r in (mine, theirs))
    shared = [lang for lang in b.languages if lang in a.languages]
    return [_reason("works_in_language", language=shared[0])] if shared else []


def _text(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    mine, theirs = _rows(scored, position)
    cols, vals = model.text.needs.row(mine)
    from scipy import sparse

    query = (
        sparse.csr_matrix(
            (vals, (np.zeros(len(cols), dtype=np.int32), cols)), shape=(1, model.text.needs.shape[1])
        )
        if len(cols)
        else None
    )
    terms = model.text.shared_terms(query, theirs)
    by_words = text_reasons(model, theirs, need_text(model.orgs[model.graph.ids[mine]]), terms)
    me, them = model.graph.ids[mine], model.graph.ids[theirs]
    match = model.meaning.best_match(me, them) if model.meaning is not None else None
    if match is None or (by_words and match.score <= _words_score(model, mine, theirs)):
        return by_words
    return meaning_reasons(model, them, match)


def _words_score(model: MatchModel, mine: int, theirs: int) -> float:
    from covenant_hub.matching.engine.features.common import tfidf_similarity

    return float(tfidf_similarity(model, mine, "offers", np.array([theirs]))[0])


def meaning_reasons(model: MatchModel, org_id: int, match: MeaningMatch) -> list[dict[str, Any]]:
    """A match by meaning (another language, other words): the clause of the need it answers
    and the practice or offer that answers it, quoted as published (the pages put the
    practice's title in the reader's language where a version exists)."""
    out = [_reason("text_match", terms=[match.clause])]
    if match.practice is not None:
        title = next((p.title for p in model.practices.get(org_id, []) if p.id == match.practice), "")
        out.append(_reason("published_practice", title=title, practice=match.practice))
    elif match.offer:
        out.append(_reason("offer_match", offer=match.offer))
    return out


def text_reasons(model: MatchModel, row: int, need: str, terms: list[str]) -> list[dict[str, Any]]:
    """What a candidate's text shares with a need: a published practice of its own that uses
    the matched words (never one that merely exists), and those words as the need wrote them."""
    words = readable_terms(need, terms)
    out = [_reason("text_match", terms=words)] if words else []
    practice = evidence(model, row, terms)
    if practice is not None:
        out.append(_reason("published_practice", title=practice.title, practice=practice.id))
    return out


def evidence(model: MatchModel, row: int, terms: list[str]) -> PracticeRecord | None:
    """The candidate's published practice sharing the most matched terms (lowest id on a tie),
    or None when none shares any. Exchange outcomes (negative ids) are what it learned from
    others, not practices it published."""
    wanted = set(terms)
    best, best_shared = None, 0
    for practice in sorted(model.practices.get(model.graph.ids[row], []), key=lambda p: p.id):
        if practice.id <= 0 or not practice.title:
            continue
        shared = len(wanted.intersection(analyse(f"{practice.title} {practice.summary}")))
        if shared > best_shared:
            best, best_shared = practice, shared
    return best


def _sets(field: str, code: str) -> Callable[[MatchModel, Scored, int], list[dict[str, Any]]]:
    def build(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
        mine, theirs = _rows(scored, position)
        a, b = (getattr(model.orgs[model.graph.ids[r]], field) for r in (mine, theirs))
        shared = [value for value in b if value in a]
        return [_reason(code, **{field: shared})] if shared else []

    return build


def _flag(code: str) -> Callable[[MatchModel, Scored, int], list[dict[str, Any]]]:
    return lambda model, scored, position: [_reason(code)]


def _network_proximity(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    """Only a requester with links of its own has a place in the network to be close to: for a
    newcomer the walk starts from cities like it, which says nothing about its own ties."""
    mine, _ = _rows(scored, position)
    return [_reason("network_proximity")] if model.graph.walk_deg[mine] > 0 else []


def _popular(model: MatchModel, scored: Scored, position: int) -> list[dict[str, Any]]:
    _, theirs = _rows(scored, position)
    num = int(sum(model.graph.deg[k][theirs] for k in LINK_OF_KIND.values()))
    return [_reason("popular", num=num)] if num else []


BUILDERS: dict[str, Callable[[MatchModel, Scored, int], list[dict[str, Any]]]] = {
    "shared_partners": _shared,
    "vote_near": _neighbours_chose,
    "vote_far": _neighbours_chose,
    "vote_recent": _neighbours_chose,
    "vote_alike": _neighbours_chose,
    "nearest_member": _neighbours_chose,
    "nearest_member_far": _neighbours_chose,
    "cohort_vote": _cohort,
    "twin_vote": _twins_chose,
    "recruiting_share": _recruiting,
    "recruiting_count": _recruiting,
    "recruiting_near": _recruiting,
    "knn5": _neighbours_chose,
    "knn15": _neighbours_chose,
    "vote_rank_recent": _neighbours_chose,
    "knn5_recent": _neighbours_chose,
    "recent_popularity": _popular,
    "vote_rank": _neighbours_chose,
    "members_near": _your_members,
    "via_partner": _via_partner,
    "same_country": _country,
    "country_share": _members_in_region,
    "country_members": _members_in_region,
    "country_overlap": _your_members,
    "language": _language,
    "text": _text,
    "practices": _text,
    "sectors": _sets("sectors", "shared_sectors"),
    "commitments": _sets("commitments", "shared_commitments"),
    "population": _flag("similar_population"),
    "unserved": _flag("not_yet_supported"),
    "popularity": _popular,
    "ppr": _network_proximity,
}
