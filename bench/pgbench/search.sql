-- GET /customers?q=… (crm-resource.c list_records, sql/0009-search-pages.sql, 0012); bench/run
-- makes one script per search text, @Q@ = :q1 … :q5.
SELECT @RECORD@, r.owner_id, r.updated_at::text
FROM customers r
WHERE true
  AND r.deleted_at IS NULL
  AND r.owner_id = :user_id::bigint
  AND r.id = ANY (ARRAY (SELECT rapport_customers_matching_page (@Q@, 51, false, 'updated_at',
                                                                  true, NULL, NULL)))
ORDER BY r.updated_at DESC, r.id DESC
LIMIT 51;
@AUDIT action='list' record=NULL detail=('{"q": ' || to_jsonb (@Q@::text)::text || ', "sort": "-updated_at", "count": 50}')@
COMMIT;
