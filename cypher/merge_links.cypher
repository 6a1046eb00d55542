// Identity evidence between two identifiers, stored once as (smaller key)-[:LINKED]->(larger key);
// a new link touching an inactive identifier is refused by the first of $precedence that applies.
// Times come as ISO 8601 text (graph_cdp/store/values.py wire).
UNWIND $rows AS row
WITH row, datetime(row.firstSeen) AS firstSeen, datetime(row.lastSeen) AS lastSeen
MATCH (a:Identifier {key: row.a})
MATCH (b:Identifier {key: row.b})
MERGE (a)-[l:LINKED]->(b)
  ON CREATE SET l.count = 0, l.explicit = 0, l.rule = row.rule, l.firstSeen = firstSeen,
                l.lastSeen = lastSeen, l.sources = [], l.createdAt = $now,
                l.active = a.status = 'ok' AND b.status = 'ok',
                l.refusedBy = [r IN $precedence WHERE r IN [a.status, b.status]][0]
SET l.count = l.count + row.count,
    l.explicit = l.explicit + row.explicit,
    l.rule = CASE WHEN l.explicit + row.explicit > 0 THEN 'explicit' ELSE 'co_occurrence' END,
    l.firstSeen = CASE WHEN firstSeen < l.firstSeen THEN firstSeen ELSE l.firstSeen END,
    l.lastSeen = CASE WHEN lastSeen > l.lastSeen THEN lastSeen ELSE l.lastSeen END,
    l.sources = CASE WHEN row.source IS NULL OR row.source IN l.sources THEN l.sources
                     ELSE l.sources + row.source END
