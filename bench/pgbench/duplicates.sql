SELECT d.id, c.name, c.owner_id, array_to_json (array_agg (DISTINCT d.reason ORDER BY d.reason))
FROM rapport_find_duplicates (@NAME@, @MOBILE@, '', '', @ID@::bigint) d
JOIN customers c ON c.id = d.id
WHERE c.deleted_at IS NULL AND d.id <> coalesce (@ID@::bigint, 0)
GROUP BY d.id, c.name, c.owner_id
ORDER BY d.id
LIMIT 20;
SELECT rapport_hidden_duplicates (ARRAY (
  SELECT DISTINCT d.id FROM rapport_find_duplicates (@NAME@, @MOBILE@, '', '', @ID@::bigint) d
  WHERE d.id <> coalesce (@ID@::bigint, 0)));
