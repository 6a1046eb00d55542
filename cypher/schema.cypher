// The graph model's constraints and indexes. Every statement is idempotent.
CREATE CONSTRAINT identifier_key IF NOT EXISTS FOR (i:Identifier) REQUIRE i.key IS UNIQUE;
CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (e:Interaction) REQUIRE e.id IS UNIQUE;
CREATE CONSTRAINT customer_id IF NOT EXISTS FOR (c:Customer) REQUIRE c.id IS UNIQUE;
CREATE CONSTRAINT resolution_job_id IF NOT EXISTS FOR (j:ResolutionJob) REQUIRE j.id IS UNIQUE;
CREATE CONSTRAINT account_id IF NOT EXISTS FOR (a:Account) REQUIRE a.id IS UNIQUE;
CREATE CONSTRAINT dead_letter_id IF NOT EXISTS FOR (d:DeadLetter) REQUIRE d.id IS UNIQUE;
CREATE INDEX identifier_kind IF NOT EXISTS FOR (i:Identifier) ON (i.kind);
CREATE INDEX identifier_value IF NOT EXISTS FOR (i:Identifier) ON (i.value);
CREATE INDEX identifier_status IF NOT EXISTS FOR (i:Identifier) ON (i.status);
CREATE INDEX interaction_at IF NOT EXISTS FOR (e:Interaction) ON (e.at);
CREATE INDEX interaction_type IF NOT EXISTS FOR (e:Interaction) ON (e.type);
CREATE INDEX customer_created IF NOT EXISTS FOR (c:Customer) ON (c.createdAt);
CREATE INDEX job_started IF NOT EXISTS FOR (j:ResolutionJob) ON (j.startedAt);
CREATE INDEX dead_letter_at IF NOT EXISTS FOR (d:DeadLetter) ON (d.at);
CREATE INDEX linked_active IF NOT EXISTS FOR ()-[l:LINKED]-() ON (l.active);
CREATE INDEX linked_rule IF NOT EXISTS FOR ()-[l:LINKED]-() ON (l.rule);
