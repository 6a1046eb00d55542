// Evidence path: the shortest chain of LINKED evidence between two identifiers, by key ("kind:value"), each hop with its rule and whether a rule refused it. Params: $a, $b.
MATCH p = SHORTEST 1 (a:Identifier {key: $a})-[:LINKED]-+(b:Identifier {key: $b})
RETURN p AS path,
       length(p) AS hops,
       all(l IN relationships(p) WHERE l.active) AS mergeable,
       [l IN relationships(p) | {rule: l.rule, active: l.active, refusedBy: l.refusedBy, count: l.count}] AS links,
       COLLECT { MATCH (a)-[:BELONGS_TO]->(c:Customer) RETURN c.id }[0] AS customerA,
       COLLECT { MATCH (b)-[:BELONGS_TO]->(c:Customer) RETURN c.id }[0] AS customerB
