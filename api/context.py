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
from graph_cdp.services import CdpService

CountPair = tuple[list[domain.Count], list[domain.Count]]


class Loaders:
    """Per-request batching: a page of profiles costs one query per loader, not one per row."""

    def __init__(self, service: CdpService) -> None:
        self.traits: DataLoader[str, list[domain.TraitValue]] = DataLoader(
            load_fn=service.traits_for
        )
        self.counts: DataLoader[str, CountPair] = DataLoader(load_fn=service.counts_for)
        self.weak_points: DataLoader[str, list[domain.WeakPoint]] = DataLoader(
            load_fn=service.weak_points_for
        )


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
