// Pairs between the review and merge thresholds wait for a person: pending until decided.
UNWIND $rows AS row
MERGE (m:MatchCandidate {id: row.id})
  ON CREATE SET m.a = row.a, m.b = row.b, m.status = 'pending', m.createdAt = $now
SET m.probability = row.probability, m.weight = row.weight, m.fields = row.fields,
    m.levels = row.levels, m.fieldWeights = row.fieldWeights, m.scoredAt = $now
