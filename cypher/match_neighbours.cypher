// The record anchors in any of some blocks, with their stored records. Each is locked (as the
// unit walk locks), so two writes scoring the same neighbours one against the other serialize.
UNWIND $blockKeys AS blockKey
MATCH (:BlockKey {key: blockKey})<-[:KEYED]-(i:Identifier)
WHERE i.matchRecord IS NOT NULL
WITH DISTINCT i
SET i._lock = true REMOVE i._lock
RETURN collect([i.key, i.matchRecord]) AS rows
