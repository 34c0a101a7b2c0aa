"""Feature vectors for one requester against every candidate of one kind, vectorised.

Each profile (who asks, what for) has its own named features, in its own module: network (a
city looking for a supporter or coordinator), city (a city looking for cities), reach (a
network looking for cities), peer (a network looking for another); common.py holds the request
and what every profile shares. The ranker takes a weighted sum with weights from `weights.json`.
All values are scaled to about [0, 1].
"""

from __future__ import annotations

from covenant_hub.matching.engine.features.city import city_features
from covenant_hub.matching.engine.features.network import network_features
from covenant_hub.matching.engine.features.peer import peer_features
from covenant_hub.matching.engine.features.reach import reach_features

PROFILE_FEATURES = {
    "network": (
        "vote_near",
        "vote_far",
        "vote_recent",
        "vote_alike",
        "vote_rank",
        "nearest_member",
        "nearest_member_far",
        "knn5",
        "knn15",
        "vote_rank_recent",
        "knn5_recent",
        "cohort_vote",
        "twin_vote",
        "recruiting_share",
        "recruiting_count",
        "recruiting_near",
        "recent_popularity",
        "commitment_share",
        "country_share",
        "country_members",
        "same_country",
        "geo",
        "ppr",
        "via_partner",
        "popularity",
        "text",
        "population",
        "language",
        "sectors",
    ),
    "city": (
        "text",
        "shared_partners",
        "geo",
        "same_country",
        "population",
        "commitments",
        "language",
        "sectors",
        "practices",
        "ppr",
    ),
    "reach": (
        "members_near",
        "country_share",
        "geo",
        "ppr",
        "unserved",
        "text",
        "population",
        "language",
        "sectors",
    ),
    "peer": ("country_overlap", "geo", "ppr", "text", "language", "sectors", "popularity"),
}
BUILDERS = {
    "network": network_features,
    "city": city_features,
    "reach": reach_features,
    "peer": peer_features,
}
