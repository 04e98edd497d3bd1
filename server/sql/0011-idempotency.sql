-- Idempotency-Key (issues 4 and 6): a write sent again with the key of one that already
-- ran (a retry after a lost connection, libsoup resending a request it marked
-- idempotent) answers the first one's reply instead of writing twice.
--
-- One row per (user, key): the SHA-256 of the request (method, path and query, If-Match,
-- body), and the reply the request got: status, body (sealed with the field key when
-- the server has one: a reply may carry sensitive fields in clear) and headers. The row
-- is inserted at the start of the request's transaction and its reply set at its end,
-- in the same transaction, so a key is never recorded without its write or the other
-- way round; a concurrent request with the same key waits on the row (the primary key)
-- and then answers the stored reply. Keys live 24 hours; the scheduler prunes them.
CREATE TABLE idempotency_keys (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  key text NOT NULL CHECK (key ~ '^[!-~]{1,255}$'),
  request_hash bytea NOT NULL CHECK (length(request_hash) = 32),
  status integer CHECK (status BETWEEN 100 AND 599),
  reply text,
  headers jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY idempotency_keys_own ON idempotency_keys FOR ALL TO rapport_app
  USING (user_id = rapport_user_id ())
  WITH CHECK (user_id = rapport_user_id ());
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO rapport_app;

-- Claims p_key for the caller (rapport.user_id) in this transaction. claimed: the key
-- is new (or its previous use expired): run the request, then store its reply. Else
-- the row of the earlier request: same_request says whether it had p_hash, and its
-- reply. A request with the same key still running elsewhere is waited for (the
-- primary key), then its committed row answers; each statement sees the latest commit.
CREATE FUNCTION rapport_claim_idempotency_key (p_key text, p_hash bytea)
RETURNS TABLE (claimed boolean, same_request boolean, status integer, reply text,
               headers jsonb)
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
#variable_conflict use_column
BEGIN
  INSERT INTO idempotency_keys AS k (user_id, key, request_hash)
  VALUES (rapport_user_id (), p_key, p_hash)
  ON CONFLICT (user_id, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, status = NULL, reply = NULL, headers = '[]',
        created_at = now()
    WHERE k.created_at < now() - interval '24 hours';
  IF FOUND THEN
    RETURN QUERY SELECT true, true, NULL::integer, NULL::text, NULL::jsonb;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT false, k.request_hash = p_hash, k.status, k.reply, k.headers
    FROM idempotency_keys k
    WHERE k.user_id = rapport_user_id () AND k.key = p_key;
END
$$;
GRANT EXECUTE ON FUNCTION rapport_claim_idempotency_key (text, bytea) TO rapport_app;

-- The scheduler's round: keys older than 24 hours go, whoever's they are.
CREATE FUNCTION rapport_prune_idempotency_keys () RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  pruned integer;
BEGIN
  DELETE FROM idempotency_keys WHERE created_at < now() - interval '24 hours';
  GET DIAGNOSTICS pruned = ROW_COUNT;
  RETURN pruned;
END
$$;
REVOKE EXECUTE ON FUNCTION rapport_prune_idempotency_keys () FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_prune_idempotency_keys () TO rapport_app;
