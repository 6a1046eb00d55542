// Last job changes: what the latest resolution job merged and split
// The job's counts, and the customers it merged (MERGED_INTO) and split (SPLIT_FROM), found by
// the relationships' jobId.
MATCH (j:ResolutionJob)
WITH j
ORDER BY j.startedAt DESC
LIMIT 1
RETURN j.id AS job,
       j.status AS status,
       j.mode AS mode,
       j.startedAt AS startedAt,
       j.finishedAt AS finishedAt,
       j.merges AS merges,
       j.splits AS splits,
       j.customersBefore AS customersBefore,
       j.customersAfter AS customersAfter,
       j.refusedByRule AS refusedByRule,
       COLLECT {
         MATCH p = (:Customer)-[r:MERGED_INTO]->(:Customer)
         WHERE r.jobId = j.id
         RETURN p LIMIT 200
       } AS merged,
       COLLECT {
         MATCH p = (:Customer)-[r:SPLIT_FROM]->(:Customer)
         WHERE r.jobId = j.id
         RETURN p LIMIT 200
       } AS split
