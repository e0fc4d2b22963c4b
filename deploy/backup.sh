#!/usr/bin/env bash
# Nightly backup: the database (pg_dump custom format) and the uploaded evidence (MEDIA_ROOT).
# Usage: deploy/backup.sh /var/backups/pga   (reads DATABASE_URL and MEDIA_ROOT from /etc/pga/env)
# Keeps 14 days. Restore: pg_restore --clean --if-exists -d "$DATABASE_URL" db-DATE.dump and
# tar -xzf media-DATE.tar.gz -C "$MEDIA_ROOT". Test a restore on a spare machine every quarter.
set -euo pipefail
target=${1:?backup folder}
set -a; . /etc/pga/env; set +a
stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$target"
pg_dump --format=custom --no-owner --file="$target/db-$stamp.dump" "$DATABASE_URL"
tar -czf "$target/media-$stamp.tar.gz" -C "${MEDIA_ROOT:?}" .
find "$target" -name 'db-*.dump' -mtime +14 -delete
find "$target" -name 'media-*.tar.gz' -mtime +14 -delete
echo "backup $stamp written to $target"
