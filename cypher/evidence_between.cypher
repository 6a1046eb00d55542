// The shortest chain of identity evidence (active or refused) between two identifiers.
MATCH (a:Identifier {key: $a}), (b:Identifier {key: $b})
MATCH p = shortestPath((a)-[:LINKED*..8]-(b))
RETURN [r IN relationships(p) | {
  a: startNode(r).key, b: endNode(r).key, rule: r.rule, active: r.active,
  refusedBy: r.refusedBy, count: r.count, sources: r.sources,
  firstSeen: r.firstSeen, lastSeen: r.lastSeen, weight: r.weight, probability: r.probability,
  fields: r.fields, levels: r.levels, fieldWeights: r.fieldWeights}] AS hops
