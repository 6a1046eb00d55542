// The record anchors in any of some blocks, with their stored records.
UNWIND $blockKeys AS blockKey
MATCH (:BlockKey {key: blockKey})<-[:KEYED]-(i:Identifier)
WHERE i.matchRecord IS NOT NULL
WITH DISTINCT i
RETURN collect([i.key, i.matchRecord]) AS rows
