/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-test"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>
#include <unistd.h>

#include "crm-cluster.h"
#include "crm-db.h"
#include "crm-test-server.h"
#include "crm-totp.h"

#define READY_PREFIX "rapport-server listening on "

struct _CrmTestCluster
{
  char       *dir;
  CrmCluster *cluster;
  char       *conninfo;
};

struct _CrmTestServer
{
  char            *dir;
  char            *data_dir;
  char            *log_path;
  GSubprocess     *process;
  char            *url;
  char            *cert_file;
  GTlsCertificate *certificate;
  SoupSession     *session;
  char            *database_url;
  gboolean         exited;
  int              exit_status;
};

/*
 * A guard per temp dir: a shell reading a pipe that only this process holds. When the
 * process ends, however it ends (an abort, SIGKILL, a signal to its process group), the
 * pipe closes: the guard, in a session of its own (guard_setup ()), stops any
 * PostgreSQL still running in the dir (the harness's own clusters die with the test by
 * themselves; an embedded one a server or rapport-admin started may not) and removes it.
 * crm_test_remove_dir() removes the dir itself and lets its guard go.
 */
static const char guard_script[] =
  "cat >/dev/null\n"
  "for f in \"$1\"/pg/postmaster.pid \"$1\"/*/pg/postmaster.pid; do\n"
  "  [ -f \"$f\" ] || continue\n"
  "  pid=$(head -n 1 \"$f\")\n"
  "  [ \"$(readlink -f /proc/$pid/cwd)\" = \"$(readlink -f \"${f%/*}\")\" ] || continue\n"
  "  kill -QUIT \"$pid\"\n"
  "  i=0\n"
  "  while [ $i -lt 100 ] && kill -0 \"$pid\" && ! grep -q '^State:.*Z' /proc/$pid/status; do\n"
  "    sleep 0.1; i=$((i + 1))\n"
  "  done\n"
  "done 2>/dev/null\n"
  "rm -rf --one-file-system \"$1\"\n";

static GHashTable *guards;   /* dir → the GSubprocess guarding it */

/* In the guard, before it runs: a session of its own. meson ends a test that timed out
 * or was interrupted by signalling its whole process group, which took the guard along
 * before it could clean up. */
static void
guard_setup (gpointer user_data)
{
  setsid ();
}

static void
guard_dir (const char *dir)
{
  const char *argv[] = { "/bin/sh", "-c", guard_script, "crm-test-guard", dir, NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  GSubprocess *guard;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                        | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, guard_setup, NULL, NULL);
  guard = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  if (guards == NULL)
    guards = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  g_hash_table_insert (guards, g_strdup (dir), guard);
}

/* A fresh temp dir, removed when the test process ends if nobody removes it before. */
char *
crm_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  /* Short: the cluster's socket path must stay under 107 bytes. */
  char *dir = g_dir_make_tmp ("rt-XXXXXX", &error);

  g_assert_no_error (error);
  /* Traversable, so that the cluster user (postgres, when tests run as root) reaches a
   * data directory inside it. */
  g_assert_cmpint (g_chmod (dir, 0711), ==, 0);
  guard_dir (dir);
  return dir;
}

void
crm_test_remove_dir (const char *path)
{
  const char *argv[] = { "rm", "-rf", "--one-file-system", path, NULL };
  GSubprocess *guard;

  if (path != NULL && g_str_has_prefix (path, g_get_tmp_dir ()))
    g_assert_cmpint (crm_test_run_tool (argv, NULL), ==, 0);
  guard = guards != NULL && path != NULL ? g_hash_table_lookup (guards, path) : NULL;
  if (guard != NULL)
    {
      g_output_stream_close (g_subprocess_get_stdin_pipe (guard), NULL, NULL);
      g_subprocess_wait (guard, NULL, NULL);
      g_hash_table_remove (guards, path);
    }
}

/**
 * crm_test_run_tool:
 * @output: (out) (optional): stdout and stderr together
 *
 * Runs a program to its end. Returns: its exit status, or -1 if it died of a signal.
 */
int
crm_test_run_tool (const char * const  *argv,
                   char               **output)
{
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                     | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_steal_pointer (&out);
  if (!g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

gboolean
crm_test_have_postgresql (void)
{
  g_autofree char *initdb = g_build_filename (PG_BINDIR, "initdb", NULL);

  return g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE);
}

/*
 * Whether PostgreSQL and a TLS backend are there; if not, prints a TAP "skip all" plan,
 * and the test program should return 0 without running anything.
 */
gboolean
crm_test_can_run_server (void)
{
  const char *missing = NULL;

  if (!crm_test_have_postgresql ())
    missing = "PostgreSQL server binaries are not installed";
  else if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    missing = "no TLS backend (install glib-networking)";
  if (missing == NULL)
    return TRUE;
  g_print ("1..0 # SKIP %s\n", missing);
  return FALSE;
}

/* A fresh cluster (fsync off) with an empty database "rapport", running as a child of
 * this process: it outlives no test, which may end by an abort or SIGKILL, and its
 * directory goes with it (crm_test_make_dir()). */
CrmTestCluster *
crm_test_cluster_new (void)
{
  CrmTestCluster *self = g_new0 (CrmTestCluster, 1);
  g_autoptr(GError) error = NULL;

  self->dir = crm_test_make_dir ();
  self->cluster = crm_cluster_new (self->dir, PG_BINDIR, "postgres");
  crm_cluster_set_durable (self->cluster, FALSE);
  crm_cluster_set_attached (self->cluster, TRUE);
  crm_cluster_ensure_initialized (self->cluster, &error);
  g_assert_no_error (error);
  crm_cluster_start (self->cluster, &error);
  g_assert_no_error (error);
  crm_cluster_ensure_database (self->cluster, "rapport", &error);
  g_assert_no_error (error);
  self->conninfo = crm_cluster_dup_conninfo (self->cluster, "rapport");
  return self;
}

void
crm_test_cluster_free (CrmTestCluster *self)
{
  if (self == NULL)
    return;
  if (crm_cluster_is_running (self->cluster))
    crm_cluster_stop (self->cluster, NULL);
  crm_cluster_free (self->cluster);
  crm_test_remove_dir (self->dir);
  g_free (self->dir);
  g_free (self->conninfo);
  g_free (self);
}

const char *
crm_test_cluster_get_conninfo (CrmTestCluster *self)
{
  return self->conninfo;
}

const char *
crm_test_cluster_get_dir (CrmTestCluster *self)
{
  return self->dir;
}

void
crm_test_cluster_stop (CrmTestCluster *self)
{
  g_autoptr(GError) error = NULL;

  crm_cluster_stop (self->cluster, &error);
  g_assert_no_error (error);
  g_assert_false (crm_cluster_is_running (self->cluster));
}

void
crm_test_cluster_start (CrmTestCluster *self)
{
  g_autoptr(GError) error = NULL;

  crm_cluster_start (self->cluster, &error);
  g_assert_no_error (error);
}

PGconn *
crm_test_cluster_connect (CrmTestCluster *self)
{
  g_autoptr(GError) error = NULL;
  PGconn *conn = crm_db_connect (self->conninfo, &error);

  g_assert_no_error (error);
  return conn;
}

void
crm_test_database_set_up (CrmTestDatabase *fixture,
                          gconstpointer    data)
{
  fixture->cluster = crm_test_cluster_new ();
  fixture->conn = crm_test_cluster_connect (fixture->cluster);
}

void
crm_test_database_tear_down (CrmTestDatabase *fixture,
                             gconstpointer    data)
{
  g_clear_pointer (&fixture->conn, PQfinish);
  g_clear_pointer (&fixture->cluster, crm_test_cluster_free);
}

/* The one value a query without parameters answers; the test fails otherwise. */
char *
crm_test_query_value (PGconn     *conn,
                      const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGresult) result = crm_db_exec (conn, sql, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (PQntuples (result), ==, 1);
  g_assert_cmpint (PQnfields (result), ==, 1);
  return g_strdup (PQgetvalue (result, 0, 0));
}

static GStrv server_wrapper;

/* A server outlives no test: it gets SIGTERM when the test process dies, even by abort. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* Runs later servers under @wrapper (e.g. valgrind and its options); %NULL for none. */
void
crm_test_server_set_wrapper (const char * const *wrapper)
{
  g_clear_pointer (&server_wrapper, g_strfreev);
  server_wrapper = g_strdupv ((char **) wrapper);
}

static const char *
server_binary (void)
{
  const char *path = g_getenv ("RAPPORT_SERVER_BIN");

  g_assert_nonnull (path);
  return path;
}

/**
 * crm_test_server_try_new:
 * @cluster: (nullable): the database to use; %NULL lets the server run its embedded one
 * @data_dir: (nullable): the server's data directory; %NULL for a fresh one
 * @output: (out) (optional): when the server did not come up, what it printed
 * @exit_status: (out) (optional): when the server did not come up, its exit status
 *
 * Starts rapport-server on 127.0.0.1 port 0 and waits for its ready line.
 * Returns: (nullable): the server, or %NULL when it exited instead
 */
CrmTestServer *
crm_test_server_try_new (CrmTestCluster     *cluster,
                         const char         *data_dir,
                         const char * const *extra_args,
                         char              **output,
                         int                *exit_status)
{
  CrmTestServer *self = g_new0 (CrmTestServer, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  self->dir = crm_test_make_dir ();
  self->data_dir = data_dir ? g_strdup (data_dir) : g_build_filename (self->dir, "data", NULL);
  self->log_path = g_build_filename (self->dir, "server.log", NULL);

  for (guint i = 0; server_wrapper != NULL && server_wrapper[i] != NULL; i++)
    g_ptr_array_add (argv, server_wrapper[i]);
  g_ptr_array_add (argv, (gpointer) server_binary ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  g_ptr_array_add (argv, (gpointer) "--listen");
  g_ptr_array_add (argv, (gpointer) "127.0.0.1:0");
  g_ptr_array_add (argv, (gpointer) "--workers");
  g_ptr_array_add (argv, (gpointer) "4");
  if (cluster != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--database-url");
      g_ptr_array_add (argv, cluster->conninfo);
    }
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) extra_args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_unsetenv (launcher, "RAPPORT_CONFIG");
  g_subprocess_launcher_unsetenv (launcher, "RAPPORT_DATABASE_URL");
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);

  if (line == NULL || !g_str_has_prefix (line, READY_PREFIX))
    {
      int status = crm_test_server_wait (self);

      if (output != NULL)
        g_file_get_contents (self->log_path, output, NULL, NULL);
      if (exit_status != NULL)
        *exit_status = status;
      crm_test_server_free (self);
      return NULL;
    }

  self->url = g_strdup (line + strlen (READY_PREFIX));
  self->database_url = cluster != NULL ? g_strdup (cluster->conninfo) : NULL;
  self->cert_file = g_build_filename (self->data_dir, "tls", "server.crt", NULL);
  self->certificate = g_tls_certificate_new_from_file (self->cert_file, &error);
  g_assert_no_error (error);
  self->session = crm_test_session_new ();
  return self;
}

/* Starts rapport-server and fails the test if it does not come up. */
CrmTestServer *
crm_test_server_new (CrmTestCluster     *cluster,
                     const char * const *extra_args)
{
  g_autofree char *output = NULL;
  int status = 0;
  CrmTestServer *self = crm_test_server_try_new (cluster, NULL, extra_args, &output, &status);

  if (self == NULL)
    g_error ("rapport-server did not start (exit %d):\n%s", status, output ? output : "");
  return self;
}

/* Waits for the server process to end. Returns: its exit status, -signal if killed. */
int
crm_test_server_wait (CrmTestServer *self)
{
  g_autoptr(GError) error = NULL;

  if (self->exited)
    return self->exit_status;
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  self->exited = TRUE;
  if (g_subprocess_get_if_exited (self->process))
    self->exit_status = g_subprocess_get_exit_status (self->process);
  else
    self->exit_status = -g_subprocess_get_term_sig (self->process);
  return self->exit_status;
}

gboolean
crm_test_server_is_running (CrmTestServer *self)
{
  if (self->exited)
    return FALSE;
  /* g_subprocess_get_identifier () is NULL once the child has been reaped. */
  return g_subprocess_get_identifier (self->process) != NULL;
}

void
crm_test_server_send_signal (CrmTestServer *self,
                             int            signum)
{
  g_subprocess_send_signal (self->process, signum);
}

char *
crm_test_server_dup_log (CrmTestServer *self)
{
  char *contents = NULL;

  g_file_get_contents (self->log_path, &contents, NULL, NULL);
  return contents;
}

void
crm_test_server_free (CrmTestServer *self)
{
  if (self == NULL)
    return;
  if (!self->exited)
    {
      crm_test_server_send_signal (self, SIGTERM);
      crm_test_server_wait (self);
    }
  if (g_test_failed ())
    {
      g_autofree char *log = crm_test_server_dup_log (self);

      g_test_message ("rapport-server log:\n%s", log ? log : "(none)");
    }
  g_clear_object (&self->session);
  g_clear_object (&self->certificate);
  g_clear_object (&self->process);
  crm_test_remove_dir (self->dir);
  g_free (self->dir);
  g_free (self->data_dir);
  g_free (self->log_path);
  g_free (self->url);
  g_free (self->database_url);
  g_free (self->cert_file);
  g_free (self);
}

const char *
crm_test_server_get_url (CrmTestServer *self)
{
  return self->url;
}

const char *
crm_test_server_get_data_dir (CrmTestServer *self)
{
  return self->data_dir;
}

const char *
crm_test_server_get_cert_file (CrmTestServer *self)
{
  return self->cert_file;
}

GTlsCertificate *
crm_test_server_get_certificate (CrmTestServer *self)
{
  return self->certificate;
}

SoupSession *
crm_test_session_new (void)
{
  g_autoptr(GProxyResolver) direct = g_simple_proxy_resolver_new (NULL, NULL);

  /* Loopback only: no proxy, and no GSettings lookup for proxy settings. */
  return soup_session_new_with_options ("timeout", 60, "max-conns-per-host", 16,
                                        "proxy-resolver", direct, NULL);
}

static gboolean
accept_pinned_cb (SoupMessage          *message,
                  GTlsCertificate      *peer,
                  GTlsCertificateFlags  errors,
                  GTlsCertificate      *pinned)
{
  return g_tls_certificate_is_same (peer, pinned);
}

/* A message to the server that accepts exactly the server's own certificate. */
SoupMessage *
crm_test_server_new_message (CrmTestServer *self,
                             const char    *method,
                             const char    *path,
                             const char    *json_body)
{
  g_autofree char *url = g_strconcat (self->url, path, NULL);
  SoupMessage *message = soup_message_new (method, url);

  g_assert_nonnull (message);
  g_signal_connect_object (message, "accept-certificate", G_CALLBACK (accept_pinned_cb),
                           self->certificate, 0);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (message, "application/json", body);
    }
  return message;
}

/**
 * crm_test_send:
 * @status: (out): the HTTP status
 *
 * Sends @message synchronously (the server is another process, so this cannot
 * deadlock). Returns: (transfer full) (nullable): the parsed JSON reply
 */
JsonNode *
crm_test_send (SoupSession  *session,
               SoupMessage  *message,
               guint        *status,
               GError      **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size;
  const char *data;

  body = soup_session_send_and_read (session, message, NULL, error);
  if (body == NULL)
    return NULL;
  *status = soup_message_get_status (message);
  data = g_bytes_get_data (body, &size);
  if (size == 0)
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) size, error))
    return NULL;
  return json_parser_steal_root (parser);
}

/* Sends @message with the server's session; the test fails on a transport error. */
JsonNode *
crm_test_server_send (CrmTestServer *self,
                      SoupMessage   *message,
                      guint         *status)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = crm_test_send (self->session, message, status, &error);

  g_assert_no_error (error);
  return node;
}

/* One request built from its parts, sent with crm_test_server_send (). */
JsonNode *
crm_test_server_request (CrmTestServer *self,
                         const char    *method,
                         const char    *path,
                         const char    *json_body,
                         guint         *status)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (self, method, path, json_body);

  return crm_test_server_send (self, message, status);
}

static JsonNode *
lookup (JsonNode   *node,
        const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      node = json_object_get_member (json_node_get_object (node), parts[i]);
    }
  return node;
}

/* "error.code" → the string at that dotted path, or NULL. */
const char *
crm_test_json_get_string (JsonNode   *node,
                          const char *path)
{
  JsonNode *member = lookup (node, path);

  if (member == NULL || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

gint64
crm_test_json_get_int (JsonNode   *node,
                       const char *path)
{
  JsonNode *member = lookup (node, path);

  g_assert_nonnull (member);
  g_assert_true (JSON_NODE_HOLDS_VALUE (member));
  return json_node_get_int (member);
}

/**
 * crm_test_server_admin:
 * @args: the command and its options, after --data-dir and --database-url
 * @input: (nullable): standard input
 * @output: (out) (optional): what it printed (stdout and stderr)
 *
 * Runs rapport-admin against the server's data directory and database.
 * Returns: the exit status
 */
int
crm_test_server_admin (CrmTestServer       *self,
                       const char * const  *args,
                       const char          *input,
                       char               **output)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *admin = g_getenv ("RAPPORT_ADMIN_BIN");

  g_assert_nonnull (admin);
  g_ptr_array_add (argv, (gpointer) admin);
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  if (self->database_url != NULL)
    {
      g_ptr_array_add (argv, (gpointer) "--database-url");
      g_ptr_array_add (argv, self->database_url);
    }
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                        | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_unsetenv (launcher, "RAPPORT_CONFIG");
  g_subprocess_launcher_unsetenv (launcher, "RAPPORT_DATABASE_URL");
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_steal_pointer (&out);
  if (!g_subprocess_get_if_exited (process))
    return -1;
  return g_subprocess_get_exit_status (process);
}

/**
 * crm_test_server_create_user:
 * @role: a built-in role key (admin, sales_rep, …) or a role name
 *
 * Creates a user through `rapport-admin create-user` and returns its id.
 */
gint64
crm_test_server_create_user (CrmTestServer *self,
                             const char    *username,
                             const char    *role,
                             const char    *password)
{
  g_autofree char *username_arg = g_strdup_printf ("--username=%s", username);
  g_autofree char *role_arg = g_strdup_printf ("--role=%s", role);
  g_autofree char *input = g_strdup_printf ("%s\n", password);
  g_autofree char *output = NULL;
  const char *args[] = { "create-user", username_arg, role_arg, "--password-stdin", NULL };
  const char *id;
  int status = crm_test_server_admin (self, args, input, &output);

  if (status != 0)
    g_error ("rapport-admin create-user %s failed (%d): %s", username, status, output);
  id = strstr (output, "(id ");
  g_assert_nonnull (id);
  return g_ascii_strtoll (id + 4, NULL, 10);
}

/**
 * crm_test_server_sign_in:
 *
 * Signs in with POST /api/v1/session and returns the bearer token; fails the test
 * unless the server answers 201.
 */
char *
crm_test_server_sign_in (CrmTestServer *self,
                         const char    *username,
                         const char    *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;
  g_autofree char *text = NULL;
  guint status = 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);
  reply = crm_test_server_request (self, "POST", "/api/v1/session", text, &status);
  g_assert_cmpuint (status, ==, 201);
  g_assert_nonnull (crm_test_json_get_string (reply, "token"));
  return g_strdup (crm_test_json_get_string (reply, "token"));
}

/**
 * crm_test_server_call:
 * @token: (nullable): the bearer token
 * @if_match: (nullable): the If-Match header
 * @status: (out): the HTTP status
 *
 * One API call as the holder of @token. Returns: (transfer full) (nullable): the reply
 */
JsonNode *
crm_test_server_call (CrmTestServer *self,
                      const char    *token,
                      const char    *method,
                      const char    *path,
                      const char    *json_body,
                      const char    *if_match,
                      guint         *status)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (self, method, path, json_body);
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (headers, "Authorization", value);
    }
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);
  return crm_test_server_send (self, message, status);
}

/**
 * crm_test_server_call_expect:
 * @expected: the HTTP status the call must answer
 *
 * crm_test_server_call () that fails the test, printing the reply, unless the call
 * answers @expected. Returns: (transfer full) (nullable): the reply
 */
JsonNode *
crm_test_server_call_expect (CrmTestServer *self,
                             const char    *token,
                             const char    *method,
                             const char    *path,
                             const char    *json_body,
                             const char    *if_match,
                             guint          expected)
{
  guint status = 0;
  JsonNode *reply = crm_test_server_call (self, token, method, path, json_body, if_match,
                                          &status);

  if (status != expected)
    {
      g_autofree char *text = reply != NULL ? json_to_string (reply, FALSE) : NULL;

      g_error ("%s %s answered %u, not %u: %s", method, path, status, expected,
               text != NULL ? text : "(no body)");
    }
  return reply;
}

/**
 * crm_test_server_call_with_headers:
 * @headers: (nullable): more request headers as name, value pairs, ending with %NULL
 *   (e.g. `{ "Accept-Language", "zh-CN", NULL }`)
 *
 * crm_test_server_call () with extra request headers.
 * Returns: (transfer full) (nullable): the reply
 */
JsonNode *
crm_test_server_call_with_headers (CrmTestServer      *self,
                                   const char         *token,
                                   const char         *method,
                                   const char         *path,
                                   const char         *json_body,
                                   const char         *if_match,
                                   const char * const *headers,
                                   guint              *status)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (self, method, path, json_body);
  SoupMessageHeaders *request_headers = soup_message_get_request_headers (message);

  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (request_headers, "Authorization", value);
    }
  if (if_match != NULL)
    soup_message_headers_replace (request_headers, "If-Match", if_match);
  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (request_headers, headers[i], headers[i + 1]);
  return crm_test_server_send (self, message, status);
}

/* The six-digit TOTP code (RFC 6238, SHA-1, 30 s) of @base32 at @unix_time,
 * as an authenticator app would show it. */
char *
crm_test_totp_code (const char *base32,
                    gint64      unix_time)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key = crm_base32_decode (base32, &error);
  gsize length = 0;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (key, &length);
  return g_strdup_printf ("%06" G_GUINT32_FORMAT,
                          crm_totp_code (data, length, G_CHECKSUM_SHA1, unix_time,
                                         CRM_TOTP_DIGITS));
}

typedef struct
{
  SoupWebsocketConnection *socket;
  gboolean                 done;
} EventsOpen;

static void
events_opened_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  EventsOpen *open = user_data;

  open->socket = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  open->done = TRUE;
}

static gboolean
events_wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/**
 * crm_test_server_open_events:
 * @session: the session to open the socket with (its context is the default one)
 * @token: (nullable): the bearer token
 * @status: (out): the handshake's HTTP status (101 when it opened)
 *
 * Opens the live events WebSocket (`GET /api/v1/events`) with the server's pinned
 * certificate, running the default main context until it opened or failed (30 s at most).
 * Returns: (transfer full) (nullable): the socket
 */
SoupWebsocketConnection *
crm_test_server_open_events (CrmTestServer *self,
                             SoupSession   *session,
                             const char    *token,
                             guint         *status)
{
  g_autoptr(SoupMessage) message = crm_test_server_new_message (self, "GET", "/api/v1/events",
                                                                NULL);
  EventsOpen open = { NULL, FALSE };
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (20, events_wake_cb, NULL);

  if (token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                    authorization);
    }
  soup_session_websocket_connect_async (session, message, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        events_opened_cb, &open);
  while (!open.done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  g_assert_true (open.done);
  *status = soup_message_get_status (message);
  return open.socket;
}
