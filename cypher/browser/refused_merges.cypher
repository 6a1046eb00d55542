// Refused merges: the LINKED evidence a rule refused to merge through
// Links with active = false, which rule refused each (refusedBy), and the customer on each side.
MATCH (a:Identifier)-[l:LINKED {active: false}]->(b:Identifier)
OPTIONAL MATCH sideA = (a)-[:BELONGS_TO]->(ca:Customer)
OPTIONAL MATCH sideB = (b)-[:BELONGS_TO]->(cb:Customer)
RETURN l.refusedBy AS refusedBy,
       a.key AS a,
       ca.id AS customerA,
       b.key AS b,
       cb.id AS customerB,
       l.rule AS rule,
       l.count AS count,
       l.lastSeen AS lastSeen,
       sideA,
       l AS link,
       sideB
ORDER BY refusedBy, a, b
LIMIT 200
