// The fuzzy links and the match candidates that touch some record anchors, and the pairs of
// record anchors already joined by deterministic evidence (which fuzzy evidence never doubles).
CALL () {
  UNWIND $keys AS key
  MATCH (:Identifier {key: key})-[l:LINKED {rule: 'fuzzy'}]-(:Identifier)
  WITH DISTINCT l
  RETURN collect([startNode(l).key, endNode(l).key, l.weight, coalesce(l.rejected, false)]) AS links
}
CALL () {
  UNWIND $keys AS key
  CALL (key) {
    MATCH (m:MatchCandidate {a: key}) RETURN m
    UNION
    MATCH (m:MatchCandidate {b: key}) RETURN m
  }
  WITH DISTINCT m
  RETURN collect([m.id, m.a, m.b, m.status, m.weight]) AS candidates
}
CALL () {
  UNWIND $keys AS key
  MATCH (:Identifier {key: key})-[l:LINKED]-(o:Identifier)
  WHERE l.rule <> 'fuzzy' AND o.matchRecord IS NOT NULL
  WITH DISTINCT l
  RETURN collect([startNode(l).key, endNode(l).key]) AS deterministic
}
RETURN links, candidates, deterministic
