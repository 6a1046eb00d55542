// Evidence path: the shortest LINKED chain between two identifiers ($a, $b)
// Keys are "kind:value". Each hop shows its rule and whether a rule refused it. mergeable is
// true only when every hop is active.
MATCH p = SHORTEST 1 (a:Identifier {key: $a})-[:LINKED]-+(b:Identifier {key: $b})
RETURN p AS path,
       length(p) AS hops,
       all(l IN relationships(p) WHERE l.active) AS mergeable,
       [l IN relationships(p) | {rule: l.rule, active: l.active, refusedBy: l.refusedBy, count: l.count}] AS links,
       COLLECT { MATCH (a)-[:BELONGS_TO]->(c:Customer) RETURN c.id }[0] AS customerA,
       COLLECT { MATCH (b)-[:BELONGS_TO]->(c:Customer) RETURN c.id }[0] AS customerB
