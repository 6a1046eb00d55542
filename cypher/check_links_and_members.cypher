// Active links and memberships, to check that each customer is connected by its active links.
MATCH (i:Identifier)-[:BELONGS_TO]->(c:Customer)
RETURN i.key AS key, c.id AS customer,
       [(i)-[l:LINKED {active: true}]->(n:Identifier) | n.key] AS active
