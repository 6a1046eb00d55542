"""The full job's read, components and resolve steps on Apache Spark.

The same job as the local engine (``resolution/batch.py``), cut so that no step needs
one machine's memory:

1. **Read**: the driver cuts the identifiers into key ranges (one index-ordered query
   per range); each Spark task reads its range's identifiers and outgoing links from
   Neo4j with its own driver, through the same Cypher files as the local job.
2. **Statuses**: degrees and the blocked/hub status under the current rules, as
   DataFrame aggregations.
3. **Units**: connected components of candidate links and shared customers
   (``spark_components``: Large-Star / Small-Star).
4. **Resolve**: every unit in memory with the pure ``unit_differs`` (``applyInPandas``,
   units are independent), so both engines pick the same units to rewrite.
5. **Apply**: the changed units are re-resolved under locks by the local apply step.

The Spark session is configured by ``GRAPH_CDP_SPARK_MASTER`` (``local[2]`` by default;
any cluster URL) and ``GRAPH_CDP_SPARK_CONF``.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as sf

from graph_cdp.config import Settings
from graph_cdp.graph_types import FUZZY, OK, Decision, Link, Node
from graph_cdp.identifiers import IdentifierPolicy
from graph_cdp.resolution.rules import Rules, identifier_status, rules_from_mapping
from graph_cdp.resolution.unit_diff import cross_unit_refusal, unit_differs
from graph_cdp.store.cypher import load
from graph_cdp.store.records import stored_identifier, stored_link

READ_PAGE = 50_000

NODE_SCHEMA = (
    "key string, kind string, value string, first_seen long, stored string, "
    "customer string, names array<string>, blocked string"
)
LINK_SCHEMA = (
    "a string, b string, count long, first_seen long, active boolean, refused_by string, "
    "revoked boolean, rule string, weight double, rejected boolean"
)
UNIT_ROW_SCHEMA = (
    "label string, row string, key string, kind string, value string, first_seen long, "
    "status string, stored string, customer string, names array<string>, b string, "
    "count long, active boolean, refused_by string, revoked boolean, rule string, "
    "weight double, rejected boolean"
)
VERDICT_SCHEMA = "label string, differs boolean, refused string"


def spark_session(settings: Settings) -> SparkSession:
    """A session on ``settings.spark_master``: local threads, or any cluster."""
    builder = (
        SparkSession.builder.master(settings.spark_master)
        .appName("graph-cdp full resolution")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", str(settings.spark_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    if settings.spark_master.startswith("local"):
        # Local workers must run this interpreter (its virtualenv), not the first python3
        # on PATH; pyspark reads only the environment for it. A cluster sets its own.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for item in settings.spark_conf:
        name, _, value = item.partition("=")
        builder = builder.config(name.strip(), value.strip())
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _read_range(
    settings: Settings, ranges: Iterable[tuple[str, str | None]]
) -> Iterator[tuple[str, Any]]:
    """One Spark task: its ranges' identifiers (``"n"`` rows) and links (``"l"`` rows)."""
    import neo4j

    policy = IdentifierPolicy.from_settings(settings)
    auth = (settings.neo4j_user, settings.neo4j_password)
    with (
        neo4j.GraphDatabase.driver(
            settings.neo4j_uri, auth=auth, notifications_min_severity="OFF"
        ) as driver,
        driver.session(database=settings.neo4j_database) as session,
    ):
        for after, upto in ranges:
            cursor = after
            while True:
                rows = session.run(
                    load("all_identifiers"), after=cursor, upto=upto, limit=READ_PAGE
                ).single(strict=True)["rows"]
                if not rows:
                    break
                for row in rows:
                    ident = stored_identifier(row)
                    n = ident.node
                    blocked = policy.blocklist.reason(n.kind, n.value)
                    yield "n", (n.key, n.kind, n.value, n.first_seen, n.status, ident.customer,
                                list(n.names), blocked)  # fmt: skip
                cursor = rows[-1][0]
            cursor = after
            while True:
                record = session.run(
                    load("all_links"), after=cursor, upto=upto, limit=READ_PAGE
                ).single(strict=True)
                if record["last"] is None:
                    break
                for row in record["rows"]:
                    stored = stored_link(row)
                    ln, (active, refused_by) = stored.link, stored.decision
                    yield "l", (ln.a, ln.b, ln.count, ln.first_seen, active, refused_by,
                                ln.revoked, ln.rule, ln.weight, ln.rejected)  # fmt: skip
                cursor = record["last"]


def read_evidence(
    spark: SparkSession, settings: Settings, ranges: list[tuple[str, str | None]]
) -> tuple[DataFrame, DataFrame]:
    """Identifiers and links as DataFrames, read by the tasks in parallel, cached."""
    rdd = (
        spark.sparkContext.parallelize(ranges, max(1, len(ranges)))
        .mapPartitions(lambda part: _read_range(settings, part))
        .cache()
    )
    nodes = spark.createDataFrame(
        rdd.filter(lambda r: r[0] == "n").map(lambda r: r[1]), NODE_SCHEMA
    )
    links = spark.createDataFrame(
        rdd.filter(lambda r: r[0] == "l").map(lambda r: r[1]), LINK_SCHEMA
    )
    # A link written after its far end's range was read: the next job sees it.
    keys = nodes.select("key")
    links = links.join(keys.withColumnRenamed("key", "a"), "a", "left_semi").join(
        keys.withColumnRenamed("key", "b"), "b", "left_semi"
    )
    return nodes.cache(), links.cache()


def _statuses(rules_data: dict[str, Any]) -> Any:
    """The mapInPandas function: each identifier's status by the rules' one definition."""

    def statuses(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        rules = rules_from_mapping(rules_data)
        for frame in frames:
            frame["status"] = [
                identifier_status(
                    blocked if isinstance(blocked, str) else None,
                    int(degree),
                    rules.hub_threshold(kind),
                )
                for blocked, degree, kind in zip(
                    frame["blocked"], frame["degree"], frame["kind"], strict=True
                )
            ]
            yield frame.drop(columns=["degree"])

    return statuses


def with_statuses(nodes: DataFrame, links: DataFrame, rules: Rules) -> DataFrame:
    """Each identifier's status under the current rules (``rules.identifier_status``), its
    degree counting observed links only (fuzzy links never make hubs, as in the store)."""
    observed = links.where(sf.coalesce(sf.col("rule"), sf.lit("")) != FUZZY)
    ends = observed.select(sf.col("a").alias("key")).union(
        observed.select(sf.col("b").alias("key"))
    )
    degree = ends.groupBy("key").agg(sf.count("*").alias("degree"))
    counted = nodes.join(degree, "key", "left").withColumn(
        "degree", sf.coalesce("degree", sf.lit(0))
    )
    schema = nodes.schema.add("status", "string")
    return counted.mapInPandas(_statuses(rules.to_dict()), schema)


def unit_edges(nodes: DataFrame, links: DataFrame) -> DataFrame:
    """Candidate links (each end ok now or as stored: what the locked walk can reach)
    and one edge from each customer's first member to each other member."""
    reach = nodes.select(
        "key", ((sf.col("status") == OK) | (sf.col("stored") == OK)).alias("reach")
    )
    ra = reach.withColumnRenamed("key", "a").withColumnRenamed("reach", "ra")
    rb = reach.withColumnRenamed("key", "b").withColumnRenamed("reach", "rb")
    candidates = (
        links.join(ra, "a")
        .join(rb, "b")
        .where(sf.col("ra") & sf.col("rb"))
        .select(sf.col("a").alias("u"), sf.col("b").alias("v"))
    )
    owned = nodes.where(sf.col("customer").isNotNull()).select("key", "customer")
    first = owned.groupBy("customer").agg(sf.min("key").alias("first"))
    members = owned.join(first, "customer").select(
        sf.col("first").alias("u"), sf.col("key").alias("v")
    )
    return candidates.union(members)


def _verdict(rows: list[Any], rules: Rules) -> tuple[bool, Counter[str]]:
    """One unit's rows -> does it differ, refusals by rule (``unit_differs``)."""
    nodes: dict[str, Node] = {}
    stored: dict[str, str] = {}
    customer: dict[str, str | None] = {}
    links: list[Link] = []
    decisions: dict[tuple[str, str], Decision] = {}
    for r in rows:
        if r.row == "n":
            names = tuple(r.names) if r.names is not None else ()
            nodes[r.key] = Node(r.key, r.kind, r.value, int(r.first_seen), r.status, names)
            stored[r.key] = r.stored
            customer[r.key] = r.customer if isinstance(r.customer, str) else None
        else:
            links.append(
                Link(
                    r.key,
                    r.b,
                    int(r.count),
                    int(r.first_seen),
                    bool(r.revoked),
                    str(r.rule),
                    float(r.weight),
                    bool(r.rejected),
                )
            )
            refused = r.refused_by if isinstance(r.refused_by, str) else None
            decisions[(r.key, r.b)] = (bool(r.active), refused)
    return unit_differs(nodes, links, stored, customer, decisions, rules)


def _verdicts(rules_data: dict[str, Any]) -> Any:
    """The applyInPandas function: the rows of a bucket of units -> for each unit, does it
    differ, and its refusals by rule. Units are grouped by a bucket of their labels, not
    one group each: a group costs the Python worker a DataFrame and a call, which on a
    million identifiers (314,000 units) was most of the step."""

    def verdicts(frame: pd.DataFrame) -> pd.DataFrame:
        rules = rules_from_mapping(rules_data)
        labels: list[str] = []
        differs: list[bool] = []
        refused: list[str] = []
        unit: list[Any] = []
        for r in frame.sort_values("label", kind="stable").itertuples(index=False):
            if unit and r.label != unit[0].label:
                verdict, counts = _verdict(unit, rules)
                labels.append(str(unit[0].label))
                differs.append(verdict)
                refused.append(json.dumps(counts))
                unit = []
            unit.append(r)
        if unit:
            verdict, counts = _verdict(unit, rules)
            labels.append(str(unit[0].label))
            differs.append(verdict)
            refused.append(json.dumps(counts))
        return pd.DataFrame({"label": labels, "differs": differs, "refused": refused})

    return verdicts


def _cross_rule(rows: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for frame in rows:
        frame["refusal"] = [
            cross_unit_refusal(Link(a, b, 0, 0, bool(rev)), sa, sb)
            for a, b, rev, sa, sb in zip(
                frame["a"], frame["b"], frame["revoked"], frame["sa"], frame["sb"], strict=True
            )
        ]
        yield frame


def changed_units(
    nodes: DataFrame, links: DataFrame, labels: DataFrame, rules: Rules, buckets: int = 64
) -> tuple[list[list[tuple[str, str, str | None]]], Counter[str], int]:
    """The units whose stored state differs, as ``(key, kind, blocked)`` members, with
    the refusals by rule and the number of units. Units are resolved in ``buckets``
    groups of units (by their label's hash)."""
    labelled = (
        nodes.join(labels, "key", "left").withColumn("label", sf.coalesce("label", "key")).cache()
    )
    la = labelled.select(
        sf.col("key").alias("a"), sf.col("label").alias("la"), sf.col("status").alias("sa")
    )
    lb = labelled.select(
        sf.col("key").alias("b"), sf.col("label").alias("lb"), sf.col("status").alias("sb")
    )
    tagged = links.join(la, "a").join(lb, "b").cache()
    inside = tagged.where(sf.col("la") == sf.col("lb"))
    node_rows = labelled.select(
        "label",
        sf.lit("n").alias("row"),
        "key",
        "kind",
        "value",
        "first_seen",
        "status",
        "stored",
        "customer",
        "names",
        sf.lit(None).cast("string").alias("b"),
        sf.lit(None).cast("long").alias("count"),
        sf.lit(None).cast("boolean").alias("active"),
        sf.lit(None).cast("string").alias("refused_by"),
        sf.lit(None).cast("boolean").alias("revoked"),
        sf.lit(None).cast("string").alias("rule"),
        sf.lit(None).cast("double").alias("weight"),
        sf.lit(None).cast("boolean").alias("rejected"),
    )
    link_rows = inside.select(
        sf.col("la").alias("label"),
        sf.lit("l").alias("row"),
        sf.col("a").alias("key"),
        sf.lit(None).cast("string").alias("kind"),
        sf.lit(None).cast("string").alias("value"),
        "first_seen",
        sf.lit(None).cast("string").alias("status"),
        sf.lit(None).cast("string").alias("stored"),
        sf.lit(None).cast("string").alias("customer"),
        sf.lit(None).cast("array<string>").alias("names"),
        "b",
        "count",
        "active",
        "refused_by",
        "revoked",
        "rule",
        "weight",
        "rejected",
    )
    buckets = max(1, buckets)
    verdicts = (
        node_rows.unionByName(link_rows)
        .withColumn("bucket", sf.pmod(sf.hash("label"), sf.lit(buckets)))
        .groupBy("bucket")
        .applyInPandas(_verdicts(rules.to_dict()), VERDICT_SCHEMA)
        .cache()
    )
    across = tagged.where(sf.col("la") != sf.col("lb")).mapInPandas(
        _cross_rule, tagged.schema.add("refusal", "string")
    )
    stale = across.where(
        sf.col("active").isNull()
        | sf.col("active")
        | ~sf.col("refused_by").eqNullSafe(sf.col("refusal"))
    )
    dirty = (
        verdicts.where("differs")
        .select("label")
        .union(stale.select(sf.col("la").alias("label")))
        .union(stale.select(sf.col("lb").alias("label")))
        .distinct()
    )
    refused: Counter[str] = Counter()
    for row in verdicts.select("refused").toLocalIterator():
        refused.update(json.loads(row["refused"]))
    for row in across.groupBy("refusal").count().collect():
        refused[row["refusal"]] += int(row["count"])
    members: dict[str, list[tuple[str, str, str | None]]] = {}
    for row in (
        labelled.join(dirty, "label", "left_semi")
        .select("label", "key", "kind", "blocked")
        .toLocalIterator()
    ):
        members.setdefault(row["label"], []).append((row["key"], row["kind"], row["blocked"]))
    units = [sorted(members[label]) for label in sorted(members)]
    return units, refused, int(verdicts.count())
