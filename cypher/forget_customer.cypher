// Erase a customer: its identifiers, the interactions that observed them, their links,
// and the empty customers merged into it, and the invalid values only those interactions
// held (raw text of a person's data). Returns what the caller must re-resolve.
MATCH (c:Customer {id: $id})
OPTIONAL MATCH (i:Identifier)-[:BELONGS_TO]->(c)
WITH c, collect(i) AS members
CALL (members) {
  UNWIND members AS i
  OPTIONAL MATCH (i)-[:LINKED]-(n:Identifier)
  WHERE NOT n IN members
  RETURN collect(DISTINCT n.key) AS neighbours
}
CALL (members) {
  UNWIND members AS i
  OPTIONAL MATCH (e:Interaction)-[:OBSERVED]->(i)
  WITH DISTINCT e WHERE e IS NOT NULL
  RETURN collect(e) AS interactions
}
CALL (interactions) {
  UNWIND interactions AS e
  OPTIONAL MATCH (e)-[:OBSERVED]->(v:Invalid)
  WHERE NOT EXISTS { MATCH (other:Interaction)-[:OBSERVED]->(v) WHERE NOT other IN interactions }
  RETURN collect(DISTINCT v) AS invalid
}
CALL (members) {
  UNWIND members AS i
  OPTIONAL MATCH (i)-[l:LINKED]-()
  RETURN count(DISTINCT l) AS links
}
WITH c, members, neighbours, interactions, invalid, links,
     [e IN interactions | [k IN e.identifierKeys WHERE NOT k IN [m IN members | m.key]]] AS remaining
CALL (c) {
  OPTIONAL MATCH (old:Customer)-[:MERGED_INTO*1..]->(c)
  WITH collect(DISTINCT old) AS olds
  FOREACH (o IN olds | DETACH DELETE o)
}
WITH c, members, neighbours, interactions, invalid, links, remaining, size(members) AS nMembers,
     size(interactions) AS nInteractions
FOREACH (v IN invalid | DETACH DELETE v)
FOREACH (e IN interactions | DETACH DELETE e)
FOREACH (i IN members | DETACH DELETE i)
DETACH DELETE c
RETURN neighbours, remaining, nMembers, nInteractions, links
