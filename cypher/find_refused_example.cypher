// One refused merge between two customers (for the demo and the README tour), per rule.
MATCH (a:Identifier)-[l:LINKED {active: false}]->(b:Identifier)
WHERE l.refusedBy = $rule
MATCH (a)-[:BELONGS_TO]->(ca:Customer), (b)-[:BELONGS_TO]->(cb:Customer)
WHERE ca <> cb AND a.status = 'ok' AND b.status = 'ok'
RETURN a.kind AS kindA, a.value AS valueA, b.kind AS kindB, b.value AS valueB,
       ca.id AS customerA, l.refusedBy AS rule
ORDER BY a.key, b.key
LIMIT 1
