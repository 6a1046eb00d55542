// A stored match model by id.
MATCH (m:MatchModel {id: $id})
RETURN m.json AS json, m.trainedAt AS trainedAt
