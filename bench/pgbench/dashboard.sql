-- GET /customers/count?industry=… (crm-resource.c count_records): the dashboard tile
SELECT count(*) FROM (SELECT FROM customers r
WHERE true
  AND r.deleted_at IS NULL
  AND r.owner_id = :user_id::bigint
  AND r.industry = :industry
LIMIT 10001) r;
@AUDIT action='count' record=NULL detail=('{"count": 1, "industry": ' || to_jsonb (:industry::text)::text || '}')@
COMMIT;
