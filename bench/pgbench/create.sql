-- POST /customers {"kind","name","industry","city","mobile"} (crm-resource.c create_record,
-- then add_duplicates in crm-api-customers.c)
\set n random(0, 999999999)
\set m random(0, 999999999)
\set k random(0, 999999999)
@CLAIM_KEY@
SELECT key, type, choices, required FROM custom_fields WHERE object = 'customers' ORDER BY key;
WITH r AS (INSERT INTO customers (kind, name, industry, city, mobile, owner_id, custom) VALUES ('company', '基准新客户' || lpad (:n::text, 9, '0') || '有限公司', 'trade', '上海市', '13' || lpad (:m::text, 9, '0'), :user_id::bigint, jsonb_strip_nulls (coalesce ('{}'::jsonb, '{}'))) RETURNING @RETURNING@)
SELECT @RECORD@, r.owner_id, r.id::text
FROM r \gset new_
@AUDIT action='create' record=:new_id detail=('{"after": ' || :new_jsonb_build_object || '}')@
@DUPLICATES name=(:new_jsonb_build_object::jsonb ->> 'name') mobile=(:new_jsonb_build_object::jsonb ->> 'mobile') id=:new_id@
@STORE_KEY status=201@
COMMIT;
