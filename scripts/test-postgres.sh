#!/usr/bin/env bash
# The PostgreSQL server the suite's scale-out test needs even on the SQLite pass (decision
# 137): start Debian's packaged cluster and give the tests a role that may create databases.
# Run as root by `make test` (and the same steps by .ci/run); idempotent.
set -euo pipefail
cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  major=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_createcluster "$major" main >/dev/null
  cluster="$major main"
fi
pg_ctlcluster $cluster start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lectio') THEN
    CREATE ROLE lectio LOGIN CREATEDB PASSWORD 'lectio';
  END IF;
END $$;
SQL
