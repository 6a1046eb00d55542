// Largest customers: the 25 customers with the most identifiers
// Customers merged away are left out. Each row counts identifiers by kind, interactions and
// the old profiles merged into it: the first place to look for over-merging.
MATCH (c:Customer)
WHERE NOT (c)-[:MERGED_INTO]->(:Customer)
WITH c, COUNT { (:Identifier)-[:BELONGS_TO]->(c) } AS identifiers
ORDER BY identifiers DESC, c.id
LIMIT 25
RETURN c.id AS customer,
       identifiers,
       COLLECT {
         MATCH (i:Identifier)-[:BELONGS_TO]->(c)
         WITH i.kind AS kind, count(*) AS n
         ORDER BY kind
         RETURN kind + ' ' + toString(n)
       } AS byKind,
       COUNT {
         MATCH (e:Interaction)-[:OBSERVED]->(:Identifier)-[:BELONGS_TO]->(c)
         RETURN DISTINCT e
       } AS interactions,
       COUNT { (:Customer)-[:MERGED_INTO]->(c) } AS mergedFrom,
       c AS node
