-- PATCH /customers/{id} {"notes": …} with If-Match (crm-resource.c update_record, then
-- add_duplicates in crm-api-customers.c)
\set n random(0, 999999999)
\set k random(0, 999999999)
@CLAIM_KEY@
SELECT @RECORD@, r.owner_id, r.id::text
FROM customers r
WHERE r.id = :id::bigint AND r.deleted_at IS NULL
FOR UPDATE \gset old_
WITH r AS (UPDATE customers SET notes = '基准修改 ' || :n WHERE id = :id::bigint RETURNING @RETURNING@)
SELECT @RECORD@, r.owner_id, r.id::text
FROM r \gset new_
@AUDIT action='update' record=:id detail=('{"after": {"notes": ' || coalesce (to_jsonb (:new_jsonb_build_object::jsonb ->> 'notes')::text, 'null') || '}, "before": {"notes": ' || coalesce (to_jsonb (:old_jsonb_build_object::jsonb ->> 'notes')::text, 'null') || '}}')@
@DUPLICATES name=(:new_jsonb_build_object::jsonb ->> 'name') mobile=coalesce (:new_jsonb_build_object::jsonb ->> 'mobile', '') id=:id@
@STORE_KEY status=200@
COMMIT;
