-- Run once by the postgres image when its volume is new (deploy/compose.yaml). As on one machine
-- (docs/operations.md "Database roles"): the owner (POSTGRES_USER, sisnaker) runs the migrations; the
-- application connects as sisnaker_app, which owns nothing and so cannot rewrite the audit trail.
CREATE ROLE sisnaker_app LOGIN PASSWORD 'sisnaker-app';
GRANT USAGE ON SCHEMA public TO sisnaker_app;
ALTER DEFAULT PRIVILEGES FOR ROLE sisnaker IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sisnaker_app;
ALTER DEFAULT PRIVILEGES FOR ROLE sisnaker IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO sisnaker_app;
