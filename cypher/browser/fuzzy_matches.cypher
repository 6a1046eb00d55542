// Fuzzy matches: scored evidence between people who share no identifier
// Fuzzy links (rule 'fuzzy') with their match probability, whether they merged or what refused
// them, and the waterfall: each compared field, its comparison level and its weight (log2 m/u).
// Review candidates are the (:MatchCandidate) nodes; acceptMatch and rejectMatch decide them.
MATCH (a:Identifier)-[l:LINKED {rule: 'fuzzy'}]->(b:Identifier)
RETURN a.key AS a,
       b.key AS b,
       round(l.probability, 4) AS probability,
       round(l.weight, 2) AS weight,
       l.active AS merged,
       l.refusedBy AS refusedBy,
       [i IN range(0, size(l.fields) - 1) |
        l.fields[i] + ' ' + l.levels[i] + ' ' + toString(round(l.fieldWeights[i], 2))] AS waterfall,
       l AS link
ORDER BY l.probability DESC, a, b
LIMIT 200
