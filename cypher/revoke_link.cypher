// An operator revokes a link: it stays as evidence but never merges again.
MATCH (a:Identifier {key: $a})-[l:LINKED]->(b:Identifier {key: $b})
SET l.revoked = true, l.revokedAt = $now, l.revokedReason = $reason
RETURN count(l) AS revoked
