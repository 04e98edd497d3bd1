INSERT INTO audit_log (user_id, username, source, request_id, action, object,
                       record_id, outcome, detail)
VALUES (:user_id::bigint, :username, :source, :request_id, @ACTION@, 'customers', @RECORD_ID@::bigint, 'ok', @DETAIL@::jsonb);
