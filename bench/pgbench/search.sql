-- GET /customers?q=… (crm-resource.c list_records, sql/0008-search-matching.sql); bench/run
-- makes one script per search text, @Q@ = :q1 … :q5.
SELECT @RECORD@, r.owner_id, r.updated_at::text
FROM customers r
WHERE true
  AND r.deleted_at IS NULL
  AND r.owner_id = :user_id::bigint
  AND r.id IN (SELECT rapport_customers_matching (@Q@))
ORDER BY r.updated_at DESC, r.id DESC
LIMIT 51;
@AUDIT action='list' record=NULL detail=('{"q": ' || to_jsonb (@Q@::text)::text || ', "sort": "-updated_at", "count": 50}')@
COMMIT;
