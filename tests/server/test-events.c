/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "crm-api-paths.h"
#include "crm-db.h"
#include "crm-test-server.h"

/*
 * Live events (issue 5) end to end: two rapport-server instances (A and B) against one
 * real PostgreSQL, WebSocket subscribers on B over HTTPS with the pinned certificate,
 * changes made through A. Checks that events cross instances (through LISTEN/NOTIFY),
 * reach only users who may read the record, carry assignments as notifications, that a
 * bad or missing token is refused before any upgrade, and that signing out closes the
 * session's sockets.
 */

#define PASSWORD "Events-Test-42"
#define WAIT_US (5 * G_USEC_PER_SEC)

static CrmTestCluster *cluster;
static CrmTestServer *server_a;
static CrmTestServer *server_b;
static SoupSession *session;

enum { ADMIN, REP_1, REP_2, N_USERS };

static struct
{
  const char *username;
  const char *role;
  gint64      id;
  char       *token;
} users[N_USERS] = {
  { "ev-admin", "admin", 0, NULL },
  { "ev-rep-1", "sales_rep", 0, NULL },
  { "ev-rep-2", "sales_rep", 0, NULL },
};

typedef struct
{
  SoupWebsocketConnection *socket;
  GQueue                   events;   /* JsonNode *, oldest first */
  guint                    status;
  gboolean                 closed;
  gushort                  close_code;
} Subscriber;

static void
socket_message_cb (SoupWebsocketConnection *socket,
                   gint                     type,
                   GBytes                  *message,
                   Subscriber              *subscriber)
{
  gsize length = 0;
  const char *data = g_bytes_get_data (message, &length);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strndup (data, length);
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_queue_push_tail (&subscriber->events, node);
}

static void
socket_closed_cb (SoupWebsocketConnection *socket,
                  Subscriber              *subscriber)
{
  subscriber->closed = TRUE;
  subscriber->close_code = soup_websocket_connection_get_close_code (socket);
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Runs the main context until @done is TRUE or @timeout_us passed. */
static gboolean
iterate_until (gboolean *done,
               gint64    timeout_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_us;
  guint wake = g_timeout_add (20, wake_cb, NULL);

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  return *done;
}

static Subscriber *
subscribe (CrmTestServer *server,
           const char    *token)
{
  Subscriber *subscriber = g_new0 (Subscriber, 1);

  subscriber->socket = crm_test_server_open_events (server, session, token, &subscriber->status);
  if (subscriber->socket != NULL)
    {
      g_signal_connect (subscriber->socket, "message", G_CALLBACK (socket_message_cb), subscriber);
      g_signal_connect (subscriber->socket, "closed", G_CALLBACK (socket_closed_cb), subscriber);
    }
  return subscriber;
}

static void
subscriber_free (Subscriber *subscriber)
{
  if (subscriber->socket != NULL)
    {
      g_signal_handlers_disconnect_by_data (subscriber->socket, subscriber);
      if (soup_websocket_connection_get_state (subscriber->socket) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (subscriber->socket, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (subscriber->socket);
    }
  g_queue_clear_full (&subscriber->events, (GDestroyNotify) json_node_unref);
  g_free (subscriber);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Subscriber, subscriber_free)

static gboolean
is_event (JsonNode   *event,
          const char *type,
          const char *action,
          gint64      id)
{
  return g_strcmp0 (crm_test_json_get_string (event, "type"), type) == 0
         && (action == NULL || g_strcmp0 (crm_test_json_get_string (event, "action"), action) == 0)
         && (id == 0 || crm_test_json_get_int (event, "id") == id);
}

/* Whether an event already received matches (without waiting). */
static gboolean
has_event (Subscriber *subscriber,
           const char *type,
           const char *action,
           gint64      id)
{
  for (GList *l = subscriber->events.head; l != NULL; l = l->next)
    if (is_event (l->data, type, action, id))
      return TRUE;
  return FALSE;
}

/* Waits for an event (@action NULL, @id 0: any); returns it (transfer none), or NULL after WAIT_US. */
static JsonNode *
wait_event (Subscriber *subscriber,
            const char *type,
            const char *action,
            gint64      id)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_US;
  guint wake = g_timeout_add (10, wake_cb, NULL);
  JsonNode *found = NULL;

  while (found == NULL && g_get_monotonic_time () < deadline)
    {
      for (GList *l = subscriber->events.head; l != NULL && found == NULL; l = l->next)
        if (is_event (l->data, type, action, id))
          found = l->data;
      if (found == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
  return found;
}

static JsonNode *
call (CrmTestServer *server,
      int            who,
      const char    *method,
      const char    *path,
      const char    *body,
      gint64         version,
      guint          expected)
{
  g_autofree char *if_match = version > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, version) : NULL;
  guint status = 0;
  JsonNode *reply = crm_test_server_call (server, users[who].token, method, path, body, if_match,
                                          &status);

  if (status != expected)
    g_error ("%s %s as %s: %u, expected %u", method, path, users[who].username, status, expected);
  return reply;
}

static gint64
create_customer (int         who,
                 const char *name)
{
  g_autofree char *body = g_strdup_printf ("{\"kind\":\"company\",\"name\":\"%s\"}", name);
  g_autoptr(JsonNode) reply = call (server_a, who, "POST", CRM_API_BASE "/customers", body, 0,
                                    201);

  return crm_test_json_get_int (reply, "id");
}

static void
ensure_users (void)
{
  static gboolean done;

  if (done)
    return;
  done = TRUE;
  for (int u = 0; u < N_USERS; u++)
    {
      users[u].id = crm_test_server_create_user (server_a, users[u].username, users[u].role,
                                                 PASSWORD);
      users[u].token = crm_test_server_sign_in (server_a, users[u].username, PASSWORD);
    }
}

/* A change made through A reaches a subscriber of B, and only those who may see it. */
static void
test_cross_instance (void)
{
  g_autoptr(Subscriber) admin = NULL;
  g_autoptr(Subscriber) rep_1 = NULL;
  g_autoptr(Subscriber) rep_2 = NULL;
  g_autoptr(JsonNode) updated = NULL;
  g_autofree char *path = NULL;
  JsonNode *event;
  gint64 mine, theirs, started;

  ensure_users ();
  admin = subscribe (server_b, users[ADMIN].token);
  rep_1 = subscribe (server_b, users[REP_1].token);
  rep_2 = subscribe (server_b, users[REP_2].token);
  g_assert_cmpuint (admin->status, ==, SOUP_STATUS_SWITCHING_PROTOCOLS);
  g_assert_nonnull (admin->socket);
  g_assert_nonnull (rep_1->socket);
  g_assert_nonnull (rep_2->socket);

  started = g_get_monotonic_time ();
  mine = create_customer (REP_1, "事件测试一号有限公司");
  event = wait_event (admin, "customers", "create", mine);
  g_assert_nonnull (event);
  g_test_message ("create through A seen on B after %.1f ms (including the request)",
                  (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpint (crm_test_json_get_int (event, "owner_id"), ==, users[REP_1].id);
  g_assert_cmpint (crm_test_json_get_int (event, "user_id"), ==, users[REP_1].id);
  g_assert_cmpint (crm_test_json_get_int (event, "version"), ==, 1);
  g_assert_nonnull (wait_event (rep_1, "customers", "create", mine));

  /* Rep 2's own record arrives; rep 1's (committed before it) never did. */
  theirs = create_customer (REP_2, "事件测试二号有限公司");
  g_assert_nonnull (wait_event (rep_2, "customers", "create", theirs));
  g_assert_false (has_event (rep_2, "customers", NULL, mine));
  g_assert_nonnull (wait_event (admin, "customers", "create", theirs));
  g_assert_false (has_event (rep_1, "customers", NULL, theirs));

  /* An update carries the new version. */
  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, mine);
  updated = call (server_a, REP_1, "PATCH", path, "{\"notes\":\"改过了\"}", 1, 200);
  event = wait_event (admin, "customers", "update", mine);
  g_assert_nonnull (event);
  g_assert_cmpint (crm_test_json_get_int (event, "version"), ==, 2);

  /* A contact of rep 1's customer: rep 1 and the admin hear of it, rep 2 does not. */
  {
    g_autofree char *body = g_strdup_printf ("{\"customer_id\":%" G_GINT64_FORMAT
                                             ",\"full_name\":\"王小明\"}", mine);
    g_autoptr(JsonNode) contact = call (server_a, REP_1, "POST", CRM_API_BASE "/contacts", body,
                                        0, 201);
    gint64 contact_id = crm_test_json_get_int (contact, "id");

    event = wait_event (rep_1, "contacts", "create", contact_id);
    g_assert_nonnull (event);
    g_assert_cmpint (crm_test_json_get_int (event, "customer_id"), ==, mine);
    g_assert_nonnull (wait_event (admin, "contacts", "create", contact_id));
    g_assert_false (has_event (rep_2, "contacts", NULL, contact_id));
  }

  /* Deleting (into the recycle bin) is an event too. */
  {
    g_autofree char *theirs_path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT,
                                                    theirs);
    g_autoptr(JsonNode) deleted = call (server_a, ADMIN, "DELETE", theirs_path, NULL, 0, 204);

    g_assert_nonnull (wait_event (rep_2, "customers", "delete", theirs));
    g_assert_false (has_event (rep_1, "customers", "delete", theirs));
  }
}

/* Giving a customer to someone else: the new owner is notified, the old one told it left. */
static void
test_assignment (void)
{
  g_autoptr(Subscriber) rep_1 = NULL;
  g_autoptr(Subscriber) rep_2 = NULL;
  g_autoptr(JsonNode) patched = NULL;
  g_autoptr(JsonNode) notifications = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  JsonNode *event;
  JsonArray *items;
  gint64 id;

  ensure_users ();
  rep_1 = subscribe (server_b, users[REP_1].token);
  rep_2 = subscribe (server_b, users[REP_2].token);
  id = create_customer (REP_1, "转交测试有限公司");
  g_assert_nonnull (wait_event (rep_1, "customers", "create", id));

  path = g_strdup_printf (CRM_API_BASE "/customers/%" G_GINT64_FORMAT, id);
  body = g_strdup_printf ("{\"owner_id\":%" G_GINT64_FORMAT "}", users[REP_2].id);
  patched = call (server_a, ADMIN, "PATCH", path, body, 1, 200);

  event = wait_event (rep_2, "customers", "update", id);
  g_assert_nonnull (event);
  g_assert_cmpint (crm_test_json_get_int (event, "owner_id"), ==, users[REP_2].id);
  event = wait_event (rep_1, "customers", "update", id);
  g_assert_nonnull (event);
  g_assert_cmpint (crm_test_json_get_int (event, "previous_owner_id"), ==, users[REP_1].id);

  event = wait_event (rep_2, "notification", "create", 0);
  g_assert_nonnull (event);
  g_assert_cmpstr (crm_test_json_get_string (event, "kind"), ==, "assignment");
  g_assert_cmpint (crm_test_json_get_int (event, "customer_id"), ==, id);
  g_assert_cmpint (crm_test_json_get_int (event, "user_id"), ==, users[REP_2].id);
  g_assert_false (has_event (rep_1, "notification", NULL, 0));

  notifications = call (server_b, REP_2, "GET", CRM_API_BASE "/notifications?unread=true", NULL,
                        0, 200);
  items = json_object_get_array_member (json_node_get_object (notifications), "items");
  g_assert_cmpuint (json_array_get_length (items), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "kind"),
                   ==, "assignment");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0),
                                                  "title"), ==, "转交测试有限公司");
}

/* An admin's change to the field policies reaches every subscriber as a "rules" event, so
 * that clients read their session (and the protected fields) again. */
static void
test_rules_changed (void)
{
  g_autoptr(Subscriber) rep_1 = NULL;
  g_autoptr(JsonNode) put = NULL;
  g_autoptr(JsonNode) back = NULL;

  ensure_users ();
  rep_1 = subscribe (server_b, users[REP_1].token);
  g_assert_nonnull (rep_1->socket);
  put = call (server_a, ADMIN, "PUT", CRM_API_BASE "/field-policies/customers/website",
              "{\"protected\":true,\"sensitive\":false}", 0, 204);
  g_assert_nonnull (wait_event (rep_1, "rules", "update", 0));
  back = call (server_a, ADMIN, "PUT", CRM_API_BASE "/field-policies/customers/website",
               "{\"protected\":false,\"sensitive\":false}", 0, 204);
}

/* The scheduler's update reminders (server B runs it every second) reach their owner. */
static void
test_reminder (void)
{
  g_autoptr(Subscriber) rep_1 = NULL;
  g_autoptr(Subscriber) rep_2 = NULL;
  g_autoptr(JsonNode) enabled = NULL;
  g_autoptr(JsonNode) disabled = NULL;
  g_autofree char *aged = NULL;
  PGconn *db;
  JsonNode *event;
  gint64 id;

  ensure_users ();
  rep_1 = subscribe (server_b, users[REP_1].token);
  rep_2 = subscribe (server_b, users[REP_2].token);
  id = create_customer (REP_1, "久未更新有限公司");
  /* Untouched for two days: written past the updated_at trigger, as the cluster owner. */
  db = crm_test_cluster_connect (cluster);
  {
    g_autofree char *sql = g_strdup_printf (
      "UPDATE customers SET updated_at = now () - interval '2 days' WHERE id = %" G_GINT64_FORMAT,
      id);
    g_autoptr(GError) error = NULL;

    crm_db_exec_command (db, "SET session_replication_role = replica", &error);
    g_assert_no_error (error);
    crm_db_exec_command (db, sql, &error);
    g_assert_no_error (error);
    aged = crm_test_query_value (db, "SELECT count(*) FROM customers "
                                     "WHERE updated_at < now () - interval '1 day'");
  }
  PQfinish (db);
  g_assert_cmpstr (aged, !=, "0");

  enabled = call (server_a, ADMIN, "PUT", CRM_API_BASE "/settings/reminders",
                  "{\"enabled\":true,\"days\":1}", 0, 200);
  event = wait_event (rep_1, "notification", "create", 0);
  g_assert_nonnull (event);
  g_assert_cmpstr (crm_test_json_get_string (event, "kind"), ==, "reminder");
  g_assert_cmpint (crm_test_json_get_int (event, "customer_id"), ==, id);
  g_assert_false (has_event (rep_2, "notification", NULL, 0));
  disabled = call (server_a, ADMIN, "PUT", CRM_API_BASE "/settings/reminders",
                   "{\"enabled\":false,\"days\":30}", 0, 200);
}

/* No token, a wrong one, and a plain GET: refused before any upgrade. */
static void
test_refused (void)
{
  g_autoptr(Subscriber) none = NULL;
  g_autoptr(Subscriber) wrong = NULL;
  g_autoptr(JsonNode) plain = NULL;
  guint status = 0;

  ensure_users ();
  none = subscribe (server_b, NULL);
  g_assert_null (none->socket);
  g_assert_cmpuint (none->status, ==, 401);
  wrong = subscribe (server_b, "not-a-token");
  g_assert_null (wrong->socket);
  g_assert_cmpuint (wrong->status, ==, 401);

  plain = crm_test_server_call (server_b, users[ADMIN].token, "GET", CRM_API_BASE "/events",
                                NULL, NULL, &status);
  g_assert_cmpuint (status, ==, 400);
}

/* Signing out through A closes the session's socket on B at once. */
static void
test_sign_out_closes (void)
{
  g_autofree char *token = NULL;
  g_autoptr(Subscriber) subscriber = NULL;
  g_autoptr(JsonNode) reply = NULL;
  guint status = 0;

  ensure_users ();
  token = crm_test_server_sign_in (server_a, users[REP_1].username, PASSWORD);
  subscriber = subscribe (server_b, token);
  g_assert_nonnull (subscriber->socket);
  reply = crm_test_server_call (server_a, token, "DELETE", CRM_API_BASE "/session", NULL, NULL,
                                &status);
  g_assert_cmpuint (status, ==, 204);
  g_assert_true (iterate_until (&subscriber->closed, WAIT_US));
  g_assert_cmpuint (subscriber->close_code, ==, 1008);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!crm_test_can_run_server ())
    {
      g_test_skip ("needs PostgreSQL and a TLS backend");
      return 0;
    }
  g_test_add_func ("/crm/events/cross-instance", test_cross_instance);
  g_test_add_func ("/crm/events/assignment", test_assignment);
  g_test_add_func ("/crm/events/reminder", test_reminder);
  g_test_add_func ("/crm/events/rules-changed", test_rules_changed);
  g_test_add_func ("/crm/events/refused", test_refused);
  g_test_add_func ("/crm/events/sign-out-closes", test_sign_out_closes);

  cluster = crm_test_cluster_new ();
  server_a = crm_test_server_new (cluster, NULL);
  {
    const char *args[] = { "--reminder-interval-seconds=1", NULL };

    server_b = crm_test_server_new (cluster, args);
  }
  session = crm_test_session_new ();
  status = g_test_run ();

  g_object_unref (session);
  crm_test_server_free (server_b);
  crm_test_server_free (server_a);
  crm_test_cluster_free (cluster);
  for (int u = 0; u < N_USERS; u++)
    g_free (users[u].token);
  return status;
}
