-- GET /customers?limit=50 (crm-resource.c list_records: default sort -updated_at)
SELECT @RECORD@, r.owner_id, r.updated_at::text
FROM customers r
WHERE true
  AND r.deleted_at IS NULL
  AND r.owner_id = :user_id::bigint
ORDER BY r.updated_at DESC, r.id DESC
LIMIT 51;
@AUDIT action='list' record=NULL detail='{"sort": "-updated_at", "count": 50}'@
COMMIT;
