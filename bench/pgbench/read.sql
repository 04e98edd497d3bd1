-- GET /customers/{id} (crm-resource.c get_record)
SELECT @RECORD@, r.owner_id, r.id::text
FROM customers r
WHERE r.id = :id::bigint AND r.deleted_at IS NULL;
@AUDIT action='read' record=:id detail='{}'@
COMMIT;
