// How much fuzzy evidence the graph holds: fuzzy links and review candidates.
CALL () { MATCH ()-[l:LINKED {rule: 'fuzzy'}]->() RETURN count(l) AS links }
CALL () { MATCH (m:MatchCandidate) RETURN count(m) AS candidates }
RETURN links, candidates
