/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "crm-api-paths.h"
#include "crm-db.h"
#include "crm-test-server.h"

/*
 * Idempotency-Key on writes (issues 4 and 6), against a real rapport-server and
 * PostgreSQL: a write sent twice with one key runs once (one customer, one audit row)
 * and the second answers the first reply byte for byte with Idempotent-Replayed; the key
 * with another request is refused; keys are per user; a malformed key is refused; keys
 * expire after 24 hours and the scheduler prunes them; two requests with one key at the
 * same moment, on two connections, still make one customer.
 */

#define PASSWORD "Idempotency-Test-42"

static CrmTestCluster *cluster;
static CrmTestServer *server;
static SoupSession *session;
static PGconn *db;
static char *admin_token;
static char *rep_token;

typedef struct
{
  guint  status;
  char  *body;       /* the reply as sent, or NULL */
  char  *replayed;   /* the Idempotent-Replayed header, or NULL */
} Reply;

static void
reply_free (Reply *reply)
{
  g_free (reply->body);
  g_free (reply->replayed);
  g_free (reply);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static SoupMessage *
new_message (const char *token,
             const char *method,
             const char *path,
             const char *body,
             const char *key,
             const char *if_match,
             const char *language)
{
  SoupMessage *message = crm_test_server_new_message (server, method, path, body);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

  soup_message_headers_replace (headers, "Authorization", authorization);
  if (key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", key);
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);
  if (language != NULL)
    soup_message_headers_replace (headers, "Accept-Language", language);
  return message;
}

static Reply *
reply_new (SoupMessage *message,
           GBytes      *bytes)
{
  Reply *reply = g_new0 (Reply, 1);
  const char *replayed = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                       "Idempotent-Replayed");

  reply->status = soup_message_get_status (message);
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    reply->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  reply->replayed = g_strdup (replayed);
  return reply;
}

/* Sends one request on @session; the server is another process, so this may block. */
static Reply *
send_on (SoupSession *session,
         const char  *token,
         const char  *method,
         const char  *path,
         const char  *body,
         const char  *key,
         const char  *if_match,
         const char  *language)
{
  g_autoptr(SoupMessage) message = new_message (token, method, path, body, key, if_match,
                                                language);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read (session, message, NULL, &error);

  g_assert_no_error (error);
  g_test_message ("%s %s (key %s) -> %u %s%s", method, path, key ? key : "none",
                  soup_message_get_status (message),
                  g_bytes_get_size (bytes) > 0 ? (const char *) g_bytes_get_data (bytes, NULL)
                                               : "",
                  soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                "Idempotent-Replayed") ? " (replayed)" : "");
  return reply_new (message, bytes);
}

static Reply *
send_request (const char *token,
              const char *method,
              const char *path,
              const char *body,
              const char *key)
{
  return send_on (session, token, method, path, body, key, NULL, NULL);
}

static char *
db_value (const char *sql,
          const char *param)
{
  const char *params[] = { param };
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = crm_db_exec (db, sql, param != NULL ? 1 : 0,
                                            param != NULL ? params : NULL, &error);

  g_assert_no_error (error);
  if (PQntuples (result) == 0 || PQgetisnull (result, 0, 0))
    return NULL;
  return g_strdup (PQgetvalue (result, 0, 0));
}

static gint64
db_count (const char *sql,
          const char *param)
{
  g_autofree char *value = db_value (sql, param);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : -1;
}

static gint64
count_customers (const char *name)
{
  return db_count ("SELECT count(*) FROM customers WHERE name = $1", name);
}

static gint64
count_create_audits (const char *name)
{
  return db_count ("SELECT count(*) FROM audit_log a JOIN customers c ON c.id = a.record_id "
                   "WHERE a.object = 'customers' AND a.action = 'create' AND c.name = $1", name);
}

static char *
customer_body (const char *name)
{
  return g_strdup_printf ("{\"kind\":\"company\",\"name\":\"%s\",\"industry\":\"trade\"}", name);
}

static gint64
reply_get_int (Reply      *reply,
               const char *member)
{
  g_autoptr(JsonNode) node = json_from_string (reply->body, NULL);

  g_assert_nonnull (node);
  return crm_test_json_get_int (node, member);
}

static char *
reply_dup_string (Reply      *reply,
                  const char *member)
{
  g_autoptr(JsonNode) node = json_from_string (reply->body, NULL);

  g_assert_nonnull (node);
  return g_strdup (crm_test_json_get_string (node, member));
}

/* The same create twice: one customer, one audit row, the same reply replayed. */
static void
test_same_key_twice (void)
{
  g_autofree char *body = customer_body ("幂等测试一号有限公司");
  g_autoptr(Reply) first = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                         "same-key-twice-1");
  g_autoptr(Reply) again = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                         "same-key-twice-1");
  g_autofree char *stored = NULL;

  g_assert_cmpuint (first->status, ==, 201);
  g_assert_null (first->replayed);
  g_assert_cmpuint (again->status, ==, 201);
  g_assert_cmpstr (again->replayed, ==, "true");
  g_assert_cmpstr (again->body, ==, first->body);
  g_assert_cmpint (count_customers ("幂等测试一号有限公司"), ==, 1);
  g_assert_cmpint (count_create_audits ("幂等测试一号有限公司"), ==, 1);

  /* A reply may hold sensitive fields in clear: it is stored sealed. */
  stored = db_value ("SELECT reply FROM idempotency_keys WHERE key = $1", "same-key-twice-1");
  g_assert_nonnull (stored);
  g_assert_true (g_str_has_prefix (stored, "v1:"));
  g_assert_null (strstr (stored, "幂等测试"));

  /* Without a key the same body is a new customer (the client's choice, as before). */
  {
    g_autoptr(Reply) other = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                           NULL);

    g_assert_cmpuint (other->status, ==, 201);
    g_assert_cmpint (count_customers ("幂等测试一号有限公司"), ==, 2);
  }
}

/* The key with another body, path or method: refused in the caller's language. */
static void
test_same_key_other_request (void)
{
  g_autofree char *body = customer_body ("幂等测试二号有限公司");
  g_autofree char *other_body = customer_body ("幂等测试二号别名有限公司");
  g_autoptr(Reply) first = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                         "other-request-1");
  g_autoptr(SoupSession) own = crm_test_session_new ();
  static const struct
  {
    const char *language;
    const char *message;
  } expected[] = {
    { "en", "This Idempotency-Key was sent with another request; send a new key for a new "
            "request" },
    { "zh-CN", "此 Idempotency-Key 已用于另一个请求；新的请求请使用新的键" },
  };

  g_assert_cmpuint (first->status, ==, 201);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(Reply) refused = send_on (own, admin_token, "POST", CRM_API_BASE "/customers",
                                          other_body, "other-request-1", NULL,
                                          expected[i].language);
      g_autofree char *code = NULL;
      g_autofree char *message = NULL;

      g_assert_cmpuint (refused->status, ==, 422);
      g_assert_null (refused->replayed);
      code = reply_dup_string (refused, "error.code");
      message = reply_dup_string (refused, "error.message");
      g_assert_cmpstr (code, ==, "idempotency_key_reused");
      g_assert_cmpstr (message, ==, expected[i].message);
    }
  /* Another path with the same body and key. */
  {
    g_autofree char *path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT
                                             "/follow-ups", reply_get_int (first, "id"));
    g_autoptr(Reply) refused = send_request (admin_token, "POST", path, body, "other-request-1");

    g_assert_cmpuint (refused->status, ==, 422);
  }
  g_assert_cmpint (count_customers ("幂等测试二号有限公司"), ==, 1);
  g_assert_cmpint (count_customers ("幂等测试二号别名有限公司"), ==, 0);
}

/* Keys belong to their user: two users with one key make two customers. */
static void
test_users_independent (void)
{
  g_autofree char *body = customer_body ("幂等测试三号有限公司");
  g_autoptr(Reply) by_admin = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                            "shared-key-3");
  g_autoptr(Reply) by_rep = send_request (rep_token, "POST", CRM_API_BASE "/customers", body,
                                          "shared-key-3");

  g_assert_cmpuint (by_admin->status, ==, 201);
  g_assert_cmpuint (by_rep->status, ==, 201);
  g_assert_null (by_rep->replayed);
  g_assert_cmpint (reply_get_int (by_admin, "id"), !=, reply_get_int (by_rep, "id"));
  g_assert_cmpint (count_customers ("幂等测试三号有限公司"), ==, 2);
}

/* A malformed key: 422 before anything runs; 255 printable characters are fine. */
static void
test_bad_key (void)
{
  g_autofree char *body = customer_body ("幂等测试四号有限公司");
  g_autofree char *longest = g_strnfill (255, 'k');
  g_autofree char *too_long = g_strnfill (256, 'k');
  const char *bad[] = { "has space", "", too_long, "键", "tab\tkey" };
  g_autoptr(SoupSession) own = crm_test_session_new ();

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Reply) refused = send_request (admin_token, "POST", CRM_API_BASE "/customers",
                                               body, bad[i]);
      g_autofree char *code = NULL;

      g_assert_cmpuint (refused->status, ==, 422);
      code = reply_dup_string (refused, "error.code");
      g_assert_cmpstr (code, ==, "invalid");
    }
  {
    g_autoptr(Reply) zh = send_on (own, admin_token, "POST", CRM_API_BASE "/customers", body,
                                   "has space", NULL, "zh-CN");
    g_autofree char *message = reply_dup_string (zh, "error.message");

    g_assert_cmpuint (zh->status, ==, 422);
    g_assert_cmpstr (message, ==, "Idempotency-Key 请求头须为 1 到 255 个可打印 ASCII 字符，"
                                  "且不含空格");
  }
  g_assert_cmpint (count_customers ("幂等测试四号有限公司"), ==, 0);
  {
    g_autoptr(Reply) created = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                             longest);

    g_assert_cmpuint (created->status, ==, 201);
  }
  g_assert_cmpint (count_customers ("幂等测试四号有限公司"), ==, 1);
}

/*
 * A PATCH sent again after its first attempt succeeded gets the 200 again, not a 409
 * for a version the user never saw; a DELETE its 204, not a 404.
 */
static void
test_update_and_delete (void)
{
  g_autofree char *body = customer_body ("幂等测试五号有限公司");
  g_autoptr(Reply) created = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                           NULL);
  g_autoptr(SoupSession) own = crm_test_session_new ();
  g_autofree char *path = NULL;
  g_autofree char *version = NULL;
  const char *change = "{\"notes\":\"幂等修改\"}";

  g_assert_cmpuint (created->status, ==, 201);
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT,
                          reply_get_int (created, "id"));
  version = g_strdup_printf ("%" G_GINT64_FORMAT, reply_get_int (created, "version"));
  {
    g_autoptr(Reply) first = send_on (own, admin_token, "PATCH", path, change, "patch-5",
                                      version, NULL);
    g_autoptr(Reply) again = send_on (own, admin_token, "PATCH", path, change, "patch-5",
                                      version, NULL);
    g_autoptr(Reply) unkeyed = send_on (own, admin_token, "PATCH", path, change, NULL,
                                        version, NULL);
    g_autoptr(Reply) other_version = send_on (own, admin_token, "PATCH", path, change,
                                              "patch-5", "999", NULL);

    g_assert_cmpuint (first->status, ==, 200);
    g_assert_cmpuint (again->status, ==, 200);
    g_assert_cmpstr (again->replayed, ==, "true");
    g_assert_cmpstr (again->body, ==, first->body);
    g_assert_cmpuint (unkeyed->status, ==, 409);
    /* If-Match is part of the request. */
    g_assert_cmpuint (other_version->status, ==, 422);
    g_free (version);
    version = g_strdup_printf ("%" G_GINT64_FORMAT, reply_get_int (first, "version"));
  }
  {
    g_autoptr(Reply) first = send_request (admin_token, "DELETE", path, NULL, "delete-5");
    g_autoptr(Reply) again = send_request (admin_token, "DELETE", path, NULL, "delete-5");
    g_autoptr(Reply) unkeyed = send_request (admin_token, "DELETE", path, NULL, NULL);

    g_assert_cmpuint (first->status, ==, 204);
    g_assert_cmpuint (again->status, ==, 204);
    g_assert_cmpstr (again->replayed, ==, "true");
    g_assert_null (again->body);
    g_assert_cmpuint (unkeyed->status, ==, 404);
  }
  g_assert_cmpint (db_count ("SELECT count(*) FROM audit_log a JOIN customers c "
                             "ON c.id = a.record_id WHERE a.object = 'customers' "
                             "AND a.action IN ('update', 'delete') AND c.name = $1",
                             "幂等测试五号有限公司"), ==, 2);
}

/* A refusal is an answer too: sent again, the same 422 comes back without running. */
static void
test_error_replayed (void)
{
  const char *body = "{\"kind\":\"company\",\"name\":\"幂等测试六号有限公司\",\"mobile\":\"12\"}";
  g_autoptr(Reply) first = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                         "invalid-6");
  g_autoptr(Reply) again = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                         "invalid-6");

  g_assert_cmpuint (first->status, ==, 422);
  g_assert_cmpuint (again->status, ==, 422);
  g_assert_cmpstr (again->replayed, ==, "true");
  g_assert_cmpstr (again->body, ==, first->body);
}

/* Keys of more than 24 hours are new again, and the scheduler removes them. */
static void
test_expiry (void)
{
  g_autofree char *body = customer_body ("幂等测试七号有限公司");
  g_autoptr(Reply) first = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                         "expiring-7");
  const char *age_sql = "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
                        "WHERE key = $1 RETURNING key";
  gint64 left = -1;

  g_assert_cmpuint (first->status, ==, 201);
  g_free (db_value (age_sql, "expiring-7"));
  {
    g_autoptr(Reply) later = send_request (admin_token, "POST", CRM_API_BASE "/customers", body,
                                           "expiring-7");

    g_assert_cmpuint (later->status, ==, 201);
    g_assert_null (later->replayed);
    g_assert_cmpint (reply_get_int (later, "id"), !=, reply_get_int (first, "id"));
  }
  g_assert_cmpint (count_customers ("幂等测试七号有限公司"), ==, 2);
  g_assert_cmpint (db_count ("SELECT count(*) FROM idempotency_keys WHERE key = $1 "
                             "AND created_at > now() - interval '1 hour'", "expiring-7"), ==, 1);

  /* The server runs its scheduler every second here. */
  g_free (db_value (age_sql, "expiring-7"));
  for (guint i = 0; i < 100; i++)
    {
      left = db_count ("SELECT count(*) FROM idempotency_keys WHERE key = $1", "expiring-7");
      if (left == 0)
        break;
      g_usleep (100 * 1000);
    }
  g_assert_cmpint (left, ==, 0);
  /* Fresh keys stay. */
  g_assert_cmpint (db_count ("SELECT count(*) FROM idempotency_keys WHERE key = $1",
                             "same-key-twice-1"), ==, 1);
}

typedef struct
{
  Reply *reply;
} Pending;

static void
concurrent_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Pending *pending = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result,
                                                               &error);

  g_assert_no_error (error);
  pending->reply = reply_new (message, bytes);
}

/*
 * Two creates with one key at the same moment on two connections: the customers table
 * is locked against writes, so that the first waits at its insert with the key claimed
 * and the second waits for the key; then both go on. One customer, one audit row, the
 * second answered the first's reply.
 */
static void
test_concurrent (void)
{
  g_autofree char *body = customer_body ("幂等测试八号有限公司");
  g_autoptr(SoupSession) session_a = crm_test_session_new ();
  g_autoptr(SoupSession) session_b = crm_test_session_new ();
  g_autoptr(SoupMessage) message_a = NULL;
  g_autoptr(SoupMessage) message_b = NULL;
  g_autoptr(PGconn) locker = crm_test_cluster_connect (cluster);
  Pending a = { NULL }, b = { NULL };
  gint64 waiting = 0;

  g_assert_true (crm_db_exec_command (locker, "BEGIN", NULL));
  g_assert_true (crm_db_exec_command (locker, "LOCK TABLE customers IN SHARE MODE", NULL));

  message_a = new_message (admin_token, "POST", CRM_API_BASE "/customers", body, "together-8",
                           NULL, NULL);
  message_b = new_message (admin_token, "POST", CRM_API_BASE "/customers", body, "together-8",
                           NULL, NULL);
  soup_session_send_and_read_async (session_a, message_a, G_PRIORITY_DEFAULT, NULL,
                                    concurrent_read_cb, &a);
  soup_session_send_and_read_async (session_b, message_b, G_PRIORITY_DEFAULT, NULL,
                                    concurrent_read_cb, &b);
  /* Both requests wait on a lock: one on the table, the other on the key. */
  for (guint i = 0; i < 1000 && waiting < 2; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      waiting = db_count ("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                          "AND backend_type = 'client backend' AND $1 <> ''", "x");
      if (waiting < 2)
        g_usleep (10 * 1000);
    }
  g_assert_cmpint (waiting, ==, 2);
  g_assert_null (a.reply);
  g_assert_null (b.reply);
  g_assert_true (crm_db_exec_command (locker, "COMMIT", NULL));

  while (a.reply == NULL || b.reply == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("A: %u %s%s", a.reply->status, a.reply->body,
                  a.reply->replayed ? " (replayed)" : "");
  g_test_message ("B: %u %s%s", b.reply->status, b.reply->body,
                  b.reply->replayed ? " (replayed)" : "");
  g_assert_cmpuint (a.reply->status, ==, 201);
  g_assert_cmpuint (b.reply->status, ==, 201);
  g_assert_cmpstr (a.reply->body, ==, b.reply->body);
  g_assert_true ((a.reply->replayed == NULL) != (b.reply->replayed == NULL));
  g_assert_cmpint (count_customers ("幂等测试八号有限公司"), ==, 1);
  g_assert_cmpint (count_create_audits ("幂等测试八号有限公司"), ==, 1);
  reply_free (a.reply);
  reply_free (b.reply);
}

int
main (int   argc,
      char *argv[])
{
  const char *args[] = { "--reminder-interval-seconds=1", "--workers=4", NULL };
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;

  g_test_add_func ("/crm/idempotency/same-key-twice", test_same_key_twice);
  g_test_add_func ("/crm/idempotency/same-key-other-request", test_same_key_other_request);
  g_test_add_func ("/crm/idempotency/users-independent", test_users_independent);
  g_test_add_func ("/crm/idempotency/bad-key", test_bad_key);
  g_test_add_func ("/crm/idempotency/update-and-delete", test_update_and_delete);
  g_test_add_func ("/crm/idempotency/error-replayed", test_error_replayed);
  g_test_add_func ("/crm/idempotency/expiry", test_expiry);
  g_test_add_func ("/crm/idempotency/concurrent", test_concurrent);

  cluster = crm_test_cluster_new ();
  server = crm_test_server_new (cluster, args);
  db = crm_test_cluster_connect (cluster);
  session = crm_test_session_new ();
  crm_test_server_create_user (server, "idem-admin", "admin", PASSWORD);
  crm_test_server_create_user (server, "idem-rep", "sales_rep", PASSWORD);
  admin_token = crm_test_server_sign_in (server, "idem-admin", PASSWORD);
  rep_token = crm_test_server_sign_in (server, "idem-rep", PASSWORD);
  status = g_test_run ();

  g_free (admin_token);
  g_free (rep_token);
  g_clear_object (&session);
  g_clear_pointer (&db, PQfinish);
  crm_test_server_free (server);
  crm_test_cluster_free (cluster);
  return status;
}
