"""Connected components on Spark DataFrames: Large-Star / Small-Star.

Method: Kiveris, Lattanzi, Mirrokni, Rastogi and Vassilvitskii, "Connected Components in
MapReduce and Beyond" (SoCC 2014), the algorithm GraphFrames' own default
implementation follows. Every node ends up pointing at the smallest node of its
component, so the label of a component is its smallest key: deterministic, and equal
to what any other engine can compute from the same edges.

- Large-Star: each node u links every larger neighbour v to the smallest node of u's
  closed neighbourhood, m(u).
- Small-Star: each node u links itself and every smaller neighbour to the smallest of
  those, m(u).

Alternated until an iteration changes nothing; O(log^2 n) rounds, each a shuffle.
GraphFrames' JVM jar is not on Maven Central (see docs/scale.md), so this is written
in the DataFrame API, which runs unchanged on any Spark cluster.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

MAX_ROUNDS = 100


def _large_star(edges: DataFrame) -> DataFrame:
    sym = edges.select("u", "v").union(edges.select(sf.col("v").alias("u"), sf.col("u").alias("v")))
    mins = sym.groupBy("u").agg(sf.least(sf.min("v"), sf.col("u")).alias("m"))
    return (
        sym.join(mins, "u")
        .where(sf.col("v") > sf.col("u"))
        .select(sf.col("v").alias("u"), sf.col("m").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    # Orient every edge from the larger end to the smaller one.
    oriented = edges.select(sf.greatest("u", "v").alias("u"), sf.least("u", "v").alias("v")).where(
        sf.col("u") != sf.col("v")
    )
    mins = oriented.groupBy("u").agg(sf.min("v").alias("m"))
    linked = oriented.join(mins, "u")
    neighbours = linked.where(sf.col("v") != sf.col("m")).select(
        sf.col("v").alias("u"), sf.col("m").alias("v")
    )
    selves = mins.select(sf.col("u"), sf.col("m").alias("v"))
    return neighbours.union(selves).distinct()


def _converged(edges: DataFrame) -> bool:
    """A forest of stars rooted at each component's smallest node: every node points at
    one node only, and what it points at points nowhere. One Spark action."""
    pointers = edges.groupBy("u").agg(sf.count("*").alias("n"), sf.first("v").alias("v"))
    sources = pointers.select(sf.col("u").alias("root"))
    not_star = (
        pointers.where(sf.col("n") > 1)
        .select("u")
        .union(pointers.join(sources, pointers.v == sources.root).select("u"))
    )
    return not_star.limit(1).count() == 0


def component_labels(edges: DataFrame) -> DataFrame:
    """``(u, v)`` string edges -> ``(key, label)`` for every node that has an edge.

    The label is the smallest key of the node's component. Nodes without edges are
    components of their own and are not listed.
    """
    current = (
        edges.select(sf.greatest("u", "v").alias("u"), sf.least("u", "v").alias("v"))
        .where(sf.col("u") != sf.col("v"))
        .distinct()
        .localCheckpoint()
    )
    for _ in range(MAX_ROUNDS):
        current = _small_star(_large_star(current)).localCheckpoint(eager=False)
        if _converged(current):
            break
    else:  # pragma: no cover - the algorithm converges in O(log^2 n) rounds
        raise RuntimeError(f"connected components did not converge in {MAX_ROUNDS} rounds")
    # Converged: a star per component, every edge (node, smallest node).
    roots = current.select(sf.col("v").alias("key"), sf.col("v").alias("label")).distinct()
    return current.select(sf.col("u").alias("key"), sf.col("v").alias("label")).union(roots)
