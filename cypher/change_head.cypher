// The last sequence number committed (0 before the first change).
OPTIONAL MATCH (s:ChangeSequence {id: 'changes'})
RETURN coalesce(s.next, 0) AS head
