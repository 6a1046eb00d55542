// One resolution job.
MATCH (j:ResolutionJob {id: $id})
RETURN properties(j) AS job
