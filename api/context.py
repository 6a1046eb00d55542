"""What every resolver sees: the service, the caller, and this request's DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.responses import Response
from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

from api.auth import Principal
from api.metrics import Metrics
from api.middleware import RequestRecord
from graph_cdp import domain
from graph_cdp.config import Settings
from graph_cdp.profiles import InteractionRequest, ProfileDetails
from graph_cdp.services import CdpService

# A profile's traits or counts: (profile id, TRAITS or COUNTS).
DetailKey = tuple[str, str]
TRAITS = "traits"
COUNTS = "counts"


class Loaders:
    """Per-request batching: a page of profiles costs one query per loader, not one per row."""

    def __init__(self, service: CdpService) -> None:
        self.service = service
        # Traits and counts come from one pass over the same interactions: one loader, so
        # a page asking for both costs one query; a part nobody asked for is left out.
        self.details: DataLoader[DetailKey, ProfileDetails] = DataLoader(load_fn=self._details)
        self.weak_points: DataLoader[str, list[domain.WeakPoint]] = DataLoader(
            load_fn=service.weak_points_for
        )
        self.interactions: DataLoader[InteractionRequest, domain.InteractionPage] = DataLoader(
            load_fn=service.interaction_pages
        )

    async def _details(self, keys: list[DetailKey]) -> list[ProfileDetails]:
        ids = list(dict.fromkeys(profile_id for profile_id, _ in keys))
        parts = {part for _, part in keys}
        found = await self.service.profile_details(
            ids, traits=TRAITS in parts, counts=COUNTS in parts
        )
        by_id = dict(zip(ids, found, strict=True))
        return [by_id[profile_id] for profile_id, _ in keys]


@dataclass
class Context:
    service: CdpService
    settings: Settings
    metrics: Metrics
    principal: Principal
    record: RequestRecord
    response: Response | None  # None over WebSocket
    connection_params: dict[str, object] | None = None  # graphql-transport-ws connection_init
    socket_authorization: str | None = None  # the WebSocket upgrade's Authorization header
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.service)


Info = StrawberryInfo[Context, None]
