// Scored evidence between two record anchors: rule 'fuzzy' with the match weight and the
// waterfall (fields, levels, fieldWeights). Never replaces deterministic evidence.
UNWIND $rows AS row
MATCH (a:Identifier {key: row.a})
MATCH (b:Identifier {key: row.b})
OPTIONAL MATCH (a)-[old:LINKED]->(b)
WITH a, b, row, old
WHERE old IS NULL OR old.rule = 'fuzzy'
MERGE (a)-[l:LINKED]->(b)
  ON CREATE SET l.rule = 'fuzzy', l.count = 0, l.explicit = 0, l.sources = [], l.createdAt = $now,
                l.firstSeen = $now, l.lastSeen = $now, l.active = false
SET l.weight = row.weight, l.probability = row.probability, l.fields = row.fields,
    l.levels = row.levels, l.fieldWeights = row.fieldWeights, l.scoredAt = $now,
    l.rejected = coalesce(l.rejected, false) OR row.rejected
