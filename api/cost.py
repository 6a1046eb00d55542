"""Query cost: what an operation would load, computed from the document before it runs.

The cost counts the objects an operation can return, in the manner of GitHub's GraphQL
"node limit": every object-typed field costs 1 for each time it can appear, and a field
multiplies what is under it by how many items it may return:

* a field with a size argument (``first``, ``maxNodes``) by that argument, or by its
  default when the operation leaves it out (a connection's ``edges`` and ``nodes``
  lists are those items, so they do not multiply again);
* any other list (``identifiers``, ``traits``, ``weakPoints``) by ``LIST_ESTIMATE``;
* scalars cost nothing.

So ``{ profiles(first: 1) { totalCount } }`` costs 1, a page of 50 profiles with their
traits and counts about 200, and 50 aliases of ``profiles(first: 100)`` with each
profile's ``interactions(first: 100)`` about a million. An operation over the request
budget (``GRAPH_CDP_MAX_QUERY_COST``) is refused before any resolver runs; so is one
that would overdraw its key's budget per minute (``GRAPH_CDP_KEY_COST_PER_MINUTE``, a
token bucket refilled continuously). Both answer ``LIMIT_EXCEEDED`` with the computed
``cost`` and the ``budget`` in ``extensions``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from api.caches import Lru
from api.context import Context
from graph_cdp.errors import LimitExceeded

LIST_ESTIMATE = 10
SIZE_ARGUMENTS = ("first", "maxNodes")
_Composite = GraphQLObjectType | GraphQLInterfaceType


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def size(self, node: FieldNode, field: GraphQLField) -> int | None:
        """The field's size argument, as sent or by default; None if it has none."""
        for name in SIZE_ARGUMENTS:
            argument = field.args.get(name)
            if argument is None:
                continue
            value: Any = argument.default_value
            for given in node.arguments or ():
                if given.name.value != name:
                    continue
                if isinstance(given.value, IntValueNode):
                    value = int(given.value.value)
                elif isinstance(given.value, VariableNode):
                    value = self.variables.get(given.value.name.value, value)
            return value if isinstance(value, int) and value > 0 else LIST_ESTIMATE
        return None

    def fields(
        self, selections: SelectionSetNode, parent: _Composite
    ) -> Iterator[tuple[FieldNode, _Composite]]:
        """Every field of a selection set, through fragments, with the type it is on."""
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
                continue
            if isinstance(selection, InlineFragmentNode):
                inner, condition = selection.selection_set, selection.type_condition
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is None:
                    continue
                inner, condition = fragment.selection_set, fragment.type_condition
            else:
                continue
            typed = self.schema.get_type(condition.name.value) if condition else parent
            if isinstance(typed, _Composite):
                yield from self.fields(inner, typed)

    def cost(
        self, selections: SelectionSetNode, parent: _Composite, times: int, sized: bool
    ) -> int:
        total = 0
        for node, on in self.fields(selections, parent):
            field = on.fields.get(node.name.value)
            if field is None or node.selection_set is None:  # scalars, __typename
                continue
            named = get_named_type(field.type)
            if is_leaf_type(named) or not isinstance(named, _Composite):
                continue
            listed = is_list_type(get_nullable_type(field.type))
            size = self.size(node, field)
            if size is not None:
                factor, inner_sized = size, not listed
            elif listed:
                factor, inner_sized = (1 if sized else LIST_ESTIMATE), False
            else:
                factor, inner_sized = 1, False
            total += times + self.cost(node.selection_set, named, times * factor, inner_sized)
        return total


def query_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The cost of the operation the request runs (0 if there is none to run)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        return 0  # graphql-core reports the missing or ambiguous operation itself
    operation = operations[0]
    root = {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]
    if root is None:
        return 0
    walk = _Walk(schema, fragments, variables or {})
    return walk.cost(operation.selection_set, root, 1, False)


@dataclass
class _Bucket:
    tokens: float
    at: float


class KeyBudgets:
    """Each key's cost budget per minute: a token bucket refilled continuously."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, _Bucket] = {}
        self._lock = Lock()

    def charge(self, key: str, cost: int) -> float | None:
        """Take ``cost`` from ``key``'s bucket; None if done, else seconds until it could."""
        if self.per_minute <= 0:
            return None
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.setdefault(key, _Bucket(float(self.per_minute), now))
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.at) * rate)
            bucket.at = now
            if cost <= bucket.tokens:
                bucket.tokens -= cost
                return None
            return round((cost - bucket.tokens) / rate, 1)


# Costs by (query text, operation, integer variables): a refusal should cost next to nothing.
_COSTS: Lru[tuple[str, str | None, tuple[tuple[str, int], ...]], int] = Lru()


def _cost_of(ec: Any) -> int:
    sizes = tuple(sorted((k, v) for k, v in (ec.variables or {}).items() if isinstance(v, int)))
    key = (ec.query or "", ec.operation_name, sizes)
    cost = _COSTS.get(key)
    if cost is None:
        cost = query_cost(ec.schema._schema, ec.graphql_document, ec.operation_name, ec.variables)
        _COSTS.put(key, cost)
    return cost


def _refusal(message: str, **details: object) -> GraphQLExecutionResult:
    error = GraphQLError(message, original_error=LimitExceeded(message, **details))
    return GraphQLExecutionResult(data=None, errors=[error])


class CostLimit(SchemaExtension):
    """Refuse, before execution, an operation over the request or the key's budget."""

    def __init__(self, *, budget: int, keys: KeyBudgets) -> None:
        self.budget = budget
        self.keys = keys

    def on_execute(self) -> Iterator[None]:
        ec = self.execution_context
        if ec.graphql_document is not None and ec.result is None:
            cost = _cost_of(ec)
            context = ec.context if isinstance(ec.context, Context) else None
            if cost > self.budget:
                ec.result = _refusal(
                    f"The query costs {cost}, over the budget of {self.budget} per request "
                    "(lower `first` arguments, or split the query)",
                    cost=cost,
                    budget=self.budget,
                )
            elif context is not None:
                wait = self.keys.charge(context.principal.name, cost)
                if wait is not None:
                    ec.result = _refusal(
                        f"The query costs {cost}: the key's budget of {self.keys.per_minute} "
                        f"per minute allows it again in {wait} s",
                        cost=cost,
                        budget=self.keys.per_minute,
                        retryAfterSeconds=wait,
                    )
        yield
