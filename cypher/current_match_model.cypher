// The id of the newest stored match model (every write scores with it).
MATCH (m:MatchModel)
RETURN m.id AS id
ORDER BY m.trainedAt DESC, m.id DESC
LIMIT 1
