// Bench baseline for identityGraph: a customer id to its identifiers and the LINKED edges touching them.
MATCH (:Customer {id: $id})<-[:BELONGS_TO]-(i:Identifier)
OPTIONAL MATCH (i)-[l:LINKED]-(n:Identifier)
RETURN i {.key, .kind, .value, .status} AS node,
       collect(CASE WHEN l IS NULL THEN null ELSE {
         a: startNode(l).key, b: endNode(l).key, other: n.key,
         rule: l.rule, active: l.active, count: l.count} END) AS links
