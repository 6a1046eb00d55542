// For each customer: its identifiers and the active links among them (weak points of a page).
UNWIND $ids AS id
MATCH (c:Customer {id: id})
CALL (c) {
  MATCH (c)<-[:BELONGS_TO]-(i:Identifier)
  OPTIONAL MATCH (i)-[l:LINKED {active: true}]->(n:Identifier)-[:BELONGS_TO]->(c)
  RETURN collect(DISTINCT i.key) AS members,
         collect(CASE WHEN l IS NULL THEN null ELSE [i.key, n.key, l.count, l.rule] END) AS links
}
RETURN id, members, links
