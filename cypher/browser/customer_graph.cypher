// Customer graph: one customer and its identity graph ($customerId)
// Its identifiers, the LINKED evidence touching them (refused links to other customers too),
// the latest interactions that observed them, and the customers merged into it or split from it.
MATCH (c:Customer {id: $customerId})
RETURN c AS customer,
       COLLECT {
         MATCH p = (:Identifier)-[:BELONGS_TO]->(c)
         RETURN p
       } AS identifiers,
       COLLECT {
         MATCH (i:Identifier)-[:BELONGS_TO]->(c)
         MATCH p = (i)-[l:LINKED]-(j:Identifier)
         // an internal link once (from its stored start), every link leaving the customer
         WHERE startNode(l) = i OR NOT (j)-[:BELONGS_TO]->(c)
         RETURN p
       } AS evidence,
       COLLECT {
         MATCH p = (e:Interaction)-[:OBSERVED]->(:Identifier)-[:BELONGS_TO]->(c)
         RETURN p ORDER BY e.at DESC LIMIT 25
       } AS interactions,
       COLLECT {
         MATCH p = (:Customer)-[:MERGED_INTO|SPLIT_FROM]-(c)
         RETURN p
       } AS history
