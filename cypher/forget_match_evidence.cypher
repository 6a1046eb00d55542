// Before a customer is erased: its match candidates, and the block keys only it was in
// (they hold traits' values). Its records and fuzzy links go with its identifiers.
MATCH (c:Customer {id: $id})<-[:BELONGS_TO]-(i:Identifier)
WITH collect(i) AS members
CALL (members) {
  UNWIND members AS i
  CALL (i) {
    MATCH (m:MatchCandidate {a: i.key}) RETURN m
    UNION
    MATCH (m:MatchCandidate {b: i.key}) RETURN m
  }
  WITH DISTINCT m
  DETACH DELETE m
  RETURN count(*) AS candidates
}
CALL (members) {
  UNWIND members AS i
  MATCH (i)-[:KEYED]->(b:BlockKey)
  WITH DISTINCT b
  WHERE NOT EXISTS { MATCH (b)<-[:KEYED]-(o:Identifier) WHERE NOT o IN members }
  DETACH DELETE b
  RETURN count(*) AS blockKeys
}
RETURN candidates, blockKeys
