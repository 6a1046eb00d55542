"""Query cost, computed from the document alone: a table of documents and their costs."""

from __future__ import annotations

import pytest
from graphql import GraphQLSchema, parse

from api.caches import Lru
from api.cost import LIST_ESTIMATE, KeyBudgets, query_cost
from api.schema import build_schema
from graph_cdp.config import Settings

PAGE = 20  # profiles' and interactions' default `first` (api.profile.DEFAULT_PAGE)


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(Settings())._schema


@pytest.mark.parametrize(
    ("document", "cost"),
    [
        ("{ __typename }", 0),
        ("{ profiles(first: 1) { totalCount } }", 1),
        # edges are the connection's items: they cost one each, and do not multiply again
        ("{ profiles(first: 3) { edges { cursor } } }", 1 + 3),
        ("{ profiles(first: 3) { edges { node { id } } } }", 1 + 3 + 3),
        # a list without a size argument counts as LIST_ESTIMATE items
        (
            "{ profiles(first: 3) { edges { node { identifiers { kind } } } } }",
            1 + 3 + 3 + 3,
        ),
        (
            "{ profiles(first: 3) { edges { node { identifiers { kind } traits { name } } } } }",
            1 + 3 + 3 + 3 + 3,
        ),
        # the default page when `first` is left out
        ("{ profiles { edges { cursor } } }", 1 + PAGE),
        # nested connections multiply
        (
            "{ profiles(first: 2) { edges { node { interactions(first: 5) "
            "{ edges { node { id } } } } } } }",
            1 + 2 + 2 + 2 + 2 * 5 + 2 * 5,
        ),
        ('{ identityGraph(profileId: "x", maxNodes: 7) { nodes { id } edges { source } } }', 15),
        # fragments and inline fragments count like the fields they hold
        (
            "query { profiles(first: 4) { edges { node { ...P } } } } "
            "fragment P on Profile { weakPoints { a } }",
            1 + 4 + 4 + 4,
        ),
        ("{ profiles(first: 4) { ... on ProfileConnection { edges { cursor } } } }", 1 + 4),
    ],
)
def test_cost_of(schema: GraphQLSchema, document: str, cost: int) -> None:
    assert query_cost(schema, parse(document)) == cost


def test_a_list_inside_a_plain_object_counts_its_estimate(schema: GraphQLSchema) -> None:
    document = '{ profile(id: "x") { identifiers { kind } } }'
    assert query_cost(schema, parse(document)) == 1 + 1
    document = '{ profile(id: "x") { identifiers { kind } weakPoints { a } } }'
    assert query_cost(schema, parse(document)) == 1 + 1 + 1
    document = "{ deadLetters(first: 3) { id } }"
    assert query_cost(schema, parse(document)) == 1


def test_sizes_come_from_variables(schema: GraphQLSchema) -> None:
    document = parse("query($n: Int) { profiles(first: $n) { edges { cursor } } }")
    assert query_cost(schema, document, None, {"n": 40}) == 1 + 40
    assert query_cost(schema, document, None, {}) == 1 + PAGE


def test_the_named_operation_is_the_one_counted(schema: GraphQLSchema) -> None:
    document = parse(
        "query Small { profiles(first: 1) { totalCount } } "
        "query Big { profiles(first: 90) { edges { cursor } } }"
    )
    assert query_cost(schema, document, "Small") == 1
    assert query_cost(schema, document, "Big") == 91


def test_the_heavy_query_of_the_issue_costs_about_a_million(schema: GraphQLSchema) -> None:
    one = (
        "profiles(first: 100) { edges { node { id identifiers { kind value } weakPoints { a b } "
        "interactions(first: 100) { edges { node { id at } } } } } }"
    )
    heavy = "{ " + " ".join(f"a{i}: {one}" for i in range(50)) + " }"
    per_alias = 1 + 100 + 100 + 100 + 100 + 100 + 100 * 100 + 100 * 100
    assert query_cost(schema, parse(heavy)) == 50 * per_alias
    assert 50 * per_alias > 100 * Settings().max_query_cost


def test_the_estimate_is_what_unsized_lists_count() -> None:
    assert LIST_ESTIMATE == 10


def test_a_key_budget_is_spent_then_refused_then_per_key() -> None:
    budgets = KeyBudgets(per_minute=60)
    assert budgets.charge("a", 50) is None
    wait = budgets.charge("a", 50)
    assert wait is not None
    assert wait > 30  # 40 tokens short at one token per second
    assert budgets.charge("b", 50) is None


def test_no_key_budget_when_it_is_zero() -> None:
    budgets = KeyBudgets(per_minute=0)
    assert all(budgets.charge("a", 10**9) is None for _ in range(3))


def test_the_lru_keeps_the_most_recent() -> None:
    cache: Lru[str, int] = Lru(maxsize=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" is now the most recent
    cache.put("c", 3)
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == (1, 3)
