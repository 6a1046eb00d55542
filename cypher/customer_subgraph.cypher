// A customer's identifiers and every link touching them (active or refused). A link's times are
// microseconds since the epoch (UTC): far cheaper to decode than temporal values.
MATCH (c:Customer {id: $id})<-[:BELONGS_TO]-(i:Identifier)
WITH collect(i) AS members
UNWIND members AS i
OPTIONAL MATCH (i)-[l:LINKED]-(n:Identifier)
OPTIONAL MATCH (n)-[:BELONGS_TO]->(nc:Customer)
RETURN i {.key, .kind, .value, .status, .statusReason} AS node,
       collect(CASE WHEN l IS NULL THEN null ELSE {
         a: startNode(l).key, b: endNode(l).key, other: n.key, otherKind: n.kind,
         otherValue: n.value, otherStatus: n.status, otherCustomer: nc.id,
         rule: l.rule, active: l.active, refusedBy: l.refusedBy, count: l.count,
         sources: l.sources,
         firstSeen: l.firstSeen.epochSeconds * 1000000 + l.firstSeen.microsecond,
         lastSeen: l.lastSeen.epochSeconds * 1000000 + l.lastSeen.microsecond, weight: l.weight,
         probability: l.probability, fields: l.fields, levels: l.levels,
         fieldWeights: l.fieldWeights} END) AS links
