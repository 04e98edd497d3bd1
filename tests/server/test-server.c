/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crm-api-paths.h"
#include "crm-db.h"
#include "crm-memory.h"
#include "crm-migrate.h"
#include "crm-request.h"
#include "crm-server.h"
#include "crm-test-server.h"
#include "crm-tls.h"

/*
 * CrmServer in this process (plain HTTP on loopback, or HTTPS where a test says so), so
 * the test can see its insides: every request is freed once answered — also one whose
 * client went away while its database work was still running, or in the middle of its
 * request line — and none stays counted as in flight; every connection a client closes
 * is closed and freed, however the client closes it, and one left idle is closed after
 * the idle timeout, as is one whose client sends no request, or only part of it, after
 * the request timeout; and once the requests stop, the server hands the memory they freed
 * back to the system, once.
 */

typedef struct
{
  CrmTestCluster *cluster;
  CrmDbPool      *pool;
  CrmServer      *server;
  SoupSession    *session;
  char           *url;
  char           *tls_dir;   /* with the HTTPS server's certificate */
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;

  fixture->cluster = crm_test_cluster_new ();
  conn = crm_test_cluster_connect (fixture->cluster);
  crm_migrate_run (conn, NULL, &error);
  g_assert_no_error (error);
  fixture->pool = crm_db_pool_new (crm_test_cluster_get_conninfo (fixture->cluster), 2, 30000);
  if (g_strcmp0 (data, "tls") == 0)
    {
      g_autofree char *cert_path = NULL;
      g_autofree char *key_path = NULL;

      fixture->tls_dir = crm_test_make_dir ();
      g_assert_true (crm_tls_ensure_self_signed (fixture->tls_dir, &cert_path, &key_path, &error));
      certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
      g_assert_no_error (error);
    }
  fixture->server = crm_server_new (fixture->pool, certificate, 1);
  crm_server_listen (fixture->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  fixture->url = crm_server_dup_url (fixture->server);
  g_assert_true (g_str_has_prefix (fixture->url, certificate != NULL ? "https://127.0.0.1:"
                                                                     : "http://127.0.0.1:"));
  fixture->session = crm_test_session_new ();
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->session);
  g_clear_object (&fixture->server);
  crm_db_pool_shutdown (fixture->pool);
  g_clear_object (&fixture->pool);
  crm_test_cluster_free (fixture->cluster);
  g_free (fixture->url);
  if (fixture->tls_dir != NULL)
    crm_test_remove_dir (fixture->tls_dir);
  g_free (fixture->tls_dir);
}

typedef struct
{
  guint n_pending;
  guint n_ok;
} Counts;

static void
send_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Counts *counts = user_data;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  counts->n_pending--;
  if (body != NULL)
    counts->n_ok++;
}

static void
wait_until_idle (Fixture *fixture)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while ((crm_request_get_n_alive () > 0 || crm_server_get_n_in_flight (fixture->server) > 0)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static gboolean
accept_any_cb (GTlsConnection       *connection,
               GTlsCertificate      *peer,
               GTlsCertificateFlags  errors,
               gpointer              user_data)
{
  return TRUE;
}

/* @n GETs at once, of @paths round-robin; all of them must be answered (over HTTPS: by
 * the fixture's self-signed certificate). */
static void
send_requests (Fixture            *fixture,
               const char * const *paths,
               guint               n_paths,
               guint               n)
{
  Counts counts = { 0, 0 };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *url = g_strconcat (fixture->url, paths[i % n_paths], NULL);
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);

      g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
      counts.n_pending++;
      soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, NULL,
                                        send_cb, &counts);
    }
  while (counts.n_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counts.n_ok, ==, n);
}

static void
test_requests_are_freed (Fixture       *fixture,
                         gconstpointer  data)
{
  const char * const paths[] = { CRM_API_HEALTH, CRM_API_BASE "/missing" };

  send_requests (fixture, paths, G_N_ELEMENTS (paths), 100);

  wait_until_idle (fixture);
  g_assert_cmpuint (crm_server_get_n_in_flight (fixture->server), ==, 0);
  g_assert_cmpuint (crm_request_get_n_alive (), ==, 0);
}

static void
test_abandoned_request_is_freed (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(PGconn) locker = crm_test_cluster_connect (fixture->cluster);
  g_autoptr(PGresult) locked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = g_strconcat (fixture->url, CRM_API_HEALTH, NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  Counts counts = { 1, 0 };
  gint64 end;

  /* Hold the request's database work, then let its client go. */
  g_assert_true (crm_db_exec_command (locker, "BEGIN", &error));
  locked = crm_db_exec (locker, "LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE", 0, NULL,
                        &error);
  g_assert_no_error (error);
  soup_session_send_and_read_async (fixture->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    send_cb, &counts);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (crm_server_get_n_in_flight (fixture->server) == 0 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (crm_server_get_n_in_flight (fixture->server), ==, 1);
  g_cancellable_cancel (cancellable);
  while (counts.n_pending > 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (counts.n_ok, ==, 0);

  /* The database work finishes after the client left; nothing may stay behind. */
  g_assert_true (crm_db_exec_command (locker, "COMMIT", &error));
  wait_until_idle (fixture);
  g_assert_cmpuint (crm_server_get_n_in_flight (fixture->server), ==, 0);
  g_assert_cmpuint (crm_request_get_n_alive (), ==, 0);
}

/*
 * The connections the server holds: sockets whose local end is the server's port (not
 * the clients' ends) that a process still has open (/proc/net/tcp gives a socket no
 * process holds the inode 0).
 */
static guint
count_server_connections (Fixture *fixture)
{
  g_autoptr(GUri) uri = g_uri_parse (fixture->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *local = g_strdup_printf ("0100007F:%04X", (guint) g_uri_get_port (uri));
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL));
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      g_autoptr(GPtrArray) words = g_ptr_array_new ();

      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0')
          g_ptr_array_add (words, fields[j]);
      /* sl local remote st tx:rx tr:when retrnsmt uid timeout inode */
      if (words->len >= 10 && g_str_equal (words->pdata[1], local)
          && !g_str_equal (words->pdata[3], "0A") && !g_str_equal (words->pdata[9], "0"))
        n++;
    }
  return n;
}

static void
wait_for_server_connections (Fixture *fixture,
                             guint    expected)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (count_server_connections (fixture) != expected && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpuint (count_server_connections (fixture), ==, expected);
}

typedef enum
{
  CLOSE_SOCKET,        /* a FIN, and over TLS no close_notify (a client killed) */
  CLOSE_NOTIFY_ONLY,   /* TLS's close_notify, the socket left open */
  SEND_HALF_REQUEST,   /* part of a request line, then a FIN */
} ClientEnd;

typedef struct
{
  const char *url;
  gboolean    tls;
  ClientEnd   end;
  GSocketConnection *connection;   /* out: the client's end, still open */
  gint        done;
} Client;

/* A new connection to the server (sync I/O, as the clients below: run in a thread). */
static GSocketConnection *
connect_to_server (const char *url)
{
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection = g_socket_client_connect_to_host (socket_client,
                                                                   g_uri_get_host (uri),
                                                                   g_uri_get_port (uri), NULL,
                                                                   &error);

  g_assert_no_error (error);
  return connection;
}

/* A TLS client on @base that takes the fixture's self-signed certificate. */
static GIOStream *
tls_client_new (GIOStream *base)
{
  g_autoptr(GError) error = NULL;
  GIOStream *stream = g_tls_client_connection_new (base, NULL, &error);

  g_assert_no_error (error);
  g_signal_connect (stream, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
  return stream;
}

/* The whole of a reply with a Content-Length. */
static char *
read_reply (GIOStream *stream)
{
  GString *reply = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  const char *body;

  for (;;)
    {
      char buffer[1024];
      gssize n = g_input_stream_read (g_io_stream_get_input_stream (stream), buffer,
                                      sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (reply, buffer, n);
      body = strstr (reply->str, "\r\n\r\n");
      if (body != NULL && strstr (reply->str, "Content-Length: ") != NULL
          && reply->str + reply->len - (body + 4)
             >= atoi (strstr (reply->str, "Content-Length: ") + 16))
        return g_string_free (reply, FALSE);
    }
}

/* One request on a new connection and the whole reply (sync I/O: run in a thread). */
static gpointer
client_thread (gpointer user_data)
{
  Client *client = user_data;
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  const char *request = client->end == SEND_HALF_REQUEST ? "GET /api/v1/hea"
                        : "GET " CRM_API_HEALTH " HTTP/1.1\r\nHost: localhost\r\n\r\n";

  client->connection = connect_to_server (client->url);
  if (client->tls)
    {
      g_autoptr(GIOStream) base = NULL;

      /* A base stream whose closing leaves the socket open: close_notify alone. */
      if (client->end == CLOSE_NOTIFY_ONLY)
        base = g_simple_io_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (client->connection)),
                                       g_io_stream_get_output_stream (G_IO_STREAM (client->connection)));
      else
        base = g_object_ref (G_IO_STREAM (client->connection));
      stream = tls_client_new (base);
    }
  else
    stream = g_object_ref (G_IO_STREAM (client->connection));

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (stream), request,
                                            strlen (request), NULL, NULL, &error));
  g_assert_no_error (error);
  if (client->end != SEND_HALF_REQUEST)
    {
      g_autofree char *reply = read_reply (stream);

      g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
    }

  if (client->end == CLOSE_NOTIFY_ONLY)
    g_assert_true (g_io_stream_close (stream, NULL, NULL));
  else
    g_assert_true (g_io_stream_close (G_IO_STREAM (client->connection), NULL, NULL));
  g_atomic_int_set (&client->done, TRUE);
  return NULL;
}

static void
run_client (Fixture   *fixture,
            ClientEnd  end)
{
  Client client = { fixture->url, fixture->tls_dir != NULL, end, NULL, FALSE };
  GThread *thread = g_thread_new ("client", client_thread, &client);

  while (!g_atomic_int_get (&client.done))
    g_main_context_iteration (NULL, FALSE);
  g_thread_join (thread);
  /* The server's end is closed, even where the client's is still open. */
  wait_for_server_connections (fixture, 0);
  g_clear_object (&client.connection);
}

static void
test_closed_connections_are_freed (Fixture       *fixture,
                                   gconstpointer  data)
{
  const char * const paths[] = { CRM_API_HEALTH, CRM_API_BASE "/missing" };

  /* Clients that close their keep-alive connections after a while, as the client's
   * session does: each one's connection closes, with TLS's close_notify and a FIN. */
  for (guint i = 0; i < 5; i++)
    {
      g_autoptr(SoupSession) session = crm_test_session_new ();
      g_autofree char *url = g_strconcat (fixture->url, paths[i % G_N_ELEMENTS (paths)], NULL);
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
      Counts counts = { 1, 0 };

      g_signal_connect (message, "accept-certificate", G_CALLBACK (accept_any_cb), NULL);
      soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL,
                                        send_cb, &counts);
      while (counts.n_pending > 0)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (counts.n_ok, ==, 1);
      g_assert_cmpuint (count_server_connections (fixture), ==, 1);
    }
  wait_for_server_connections (fixture, 0);

  /* A FIN alone, close_notify alone, and a request line cut short. */
  run_client (fixture, CLOSE_SOCKET);
  if (fixture->tls_dir != NULL)
    run_client (fixture, CLOSE_NOTIFY_ONLY);
  run_client (fixture, SEND_HALF_REQUEST);

  wait_until_idle (fixture);
  g_assert_cmpuint (crm_request_get_n_alive (), ==, 0);
}

/* A keep-alive connection left idle is closed after the idle timeout; the client's next
 * request simply opens a new one. */
static void
test_idle_connections_time_out (Fixture       *fixture,
                                gconstpointer  data)
{
  const char * const paths[] = { CRM_API_HEALTH };
  gint64 answered;

  crm_server_set_idle_timeout (fixture->server, 2);
  send_requests (fixture, paths, G_N_ELEMENTS (paths), 1);
  answered = g_get_monotonic_time ();
  g_assert_cmpuint (count_server_connections (fixture), ==, 1);
  while (count_server_connections (fixture) == 1
         && g_get_monotonic_time () - answered < 1500 * 1000)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpuint (count_server_connections (fixture), ==, 1);
  wait_for_server_connections (fixture, 0);

  send_requests (fixture, paths, G_N_ELEMENTS (paths), 1);
  g_assert_cmpuint (count_server_connections (fixture), ==, 1);
}

static void
run_until (gint64 end_us)
{
  while (g_get_monotonic_time () < end_us)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
}

/* The TCP sockets this process holds open (its descriptors, less those of the database
 * pool's connections, which come and go): the server's ends and the clients'. */
static guint
count_tcp_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  g_autofree char *table = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) inodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/net/tcp", &table, NULL, NULL));
  lines = g_strsplit (table, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit_set (g_strstrip (lines[i]), " ", -1);
      guint word = 0;

      /* sl local remote st tx:rx tr:when retrnsmt uid timeout inode */
      for (guint j = 0; fields[j] != NULL; j++)
        if (*fields[j] != '\0' && word++ == 9)
          g_hash_table_add (inodes, g_strdup_printf ("socket:[%s]", fields[j]));
    }
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (path, NULL);

      if (target != NULL && g_hash_table_contains (inodes, target))
        n++;
    }
  return n;
}

typedef enum
{
  SILENT,               /* connects (over TLS: completes the handshake), sends nothing */
  TCP_ONLY,             /* over TLS: connects, and sends no handshake either */
  HANDSHAKE_BEGUN,      /* the start of a TLS ClientHello, nothing more */
  HALF_HEADERS,         /* a request line and part of the headers */
  HALF_BODY,            /* the headers and part of the body */
  KEEP_ALIVE_HALF,      /* one whole request answered, then half of the next one's headers */
} SilentKind;

typedef struct
{
  const char *url;
  gboolean    tls;
  SilentKind  kind;
  GSocketConnection *connection;   /* out: the client's end, still open */
  GIOStream  *stream;              /* out: over TLS, the TLS connection on it */
  gint        opened;
  gint        closed;              /* the server closed its end: the client read EOF */
  gint64      connecting_us;       /* out: when it began to connect, and when it read EOF */
  gint64      closed_us;
} SilentClient;

/* A client that stops short: its connection stays open until the server closes it (sync
 * I/O: run in a thread). */
static gpointer
silent_client_thread (gpointer user_data)
{
  SilentClient *client = user_data;
  g_autoptr(GError) error = NULL;
  const char *whole = "GET " CRM_API_HEALTH " HTTP/1.1\r\nHost: localhost\r\n\r\n";
  const char *half = client->kind == HALF_BODY
                     ? "POST " CRM_API_HEALTH " HTTP/1.1\r\nHost: localhost\r\n"
                       "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"name"
                     : "GET " CRM_API_HEALTH " HTTP/1.1\r\nHost: local";
  GIOStream *stream;
  GSocket *socket;
  char buffer[4096];
  gssize n;

  client->connecting_us = g_get_monotonic_time ();
  client->connection = connect_to_server (client->url);
  stream = G_IO_STREAM (client->connection);
  socket = g_socket_connection_get_socket (client->connection);
  g_socket_set_timeout (socket, 10);
  if (client->kind == HANDSHAKE_BEGUN)
    {
      /* A handshake record of 200 bytes, of which 4 come. */
      static const guint8 hello[] = { 0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00, 0x00, 0xc4 };

      g_assert_true (g_socket_send (socket, (const char *) hello, sizeof hello, NULL, &error)
                     == sizeof hello);
    }
  else if (client->tls && client->kind != TCP_ONLY)
    {
      client->stream = stream = tls_client_new (stream);
      g_assert_true (g_tls_connection_handshake (G_TLS_CONNECTION (stream), NULL, &error));
    }
  if (client->kind == KEEP_ALIVE_HALF)
    {
      g_autofree char *reply = NULL;

      g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (stream), whole,
                                                strlen (whole), NULL, NULL, &error));
      reply = read_reply (stream);
      g_assert_true (g_str_has_prefix (reply, "HTTP/1.1 200"));
    }
  if (client->kind == HALF_HEADERS || client->kind == HALF_BODY
      || client->kind == KEEP_ALIVE_HALF)
    g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (stream), half,
                                              strlen (half), NULL, NULL, &error));
  g_assert_no_error (error);
  g_atomic_int_set (&client->opened, TRUE);

  /* Nothing more: the server closes its end (the socket reads EOF). */
  do
    n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error);
  while (n > 0);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  client->closed_us = g_get_monotonic_time ();
  g_atomic_int_set (&client->closed, TRUE);
  return NULL;
}

/*
 * A client that connects and sends no request, stops in its TLS handshake or in the middle
 * of its request, is closed once the request timeout has passed, and frees what it held;
 * the other clients are served meanwhile, and an idle keep-alive connection is not cut.
 */
static void
test_silent_connections_time_out (Fixture       *fixture,
                                  gconstpointer  data)
{
  const char * const paths[] = { CRM_API_HEALTH };
  SilentKind kinds[6];
  SilentClient clients[6];
  GThread *threads[6];
  guint n = 0;
  guint fds_before;
  gint64 end;

  kinds[n++] = SILENT;
  if (fixture->tls_dir != NULL)
    {
      kinds[n++] = TCP_ONLY;
      kinds[n++] = HANDSHAKE_BEGUN;
    }
  kinds[n++] = HALF_HEADERS;
  kinds[n++] = HALF_BODY;
  kinds[n++] = KEEP_ALIVE_HALF;
  crm_server_set_request_timeout (fixture->server, 2);
  /* The session keeps one connection at the most, so that the server's connections are
   * those of the silent clients and that one. */
  g_object_unref (fixture->session);
  fixture->session = soup_session_new_with_options ("timeout", 60, "max-conns-per-host", 1,
                                                    NULL);

  /* The session's keep-alive connection stays open throughout. */
  send_requests (fixture, paths, G_N_ELEMENTS (paths), 1);
  g_assert_cmpuint (count_server_connections (fixture), ==, 1);
  fds_before = count_tcp_fds ();

  for (guint i = 0; i < n; i++)
    {
      clients[i] = (SilentClient) { fixture->url, fixture->tls_dir != NULL, kinds[i] };
      threads[i] = g_thread_new ("silent-client", silent_client_thread, &clients[i]);
    }
  for (guint i = 0; i < n; i++)
    while (!g_atomic_int_get (&clients[i].opened))
      g_main_context_iteration (NULL, FALSE);

  /* The server holds them all, beside the session's idle one; others are served
   * meanwhile. (Counted before that request: after it, under ASan, the count was twice one
   * more than this, 8 for 7 and 6 for 5.) */
  wait_for_server_connections (fixture, 1 + n);
  send_requests (fixture, paths, G_N_ELEMENTS (paths), 1);

  /* The server closes them all once the timeout has passed (g_timeout_add_seconds () may
   * round it down by up to a quarter of a second): only the clients' ends are left. */
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  for (guint i = 0; i < n; i++)
    while (!g_atomic_int_get (&clients[i].closed) && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        g_usleep (10000);
      }
  for (guint i = 0; i < n; i++)
    {
      g_assert_true (g_atomic_int_get (&clients[i].closed));
      g_thread_join (threads[i]);
      g_assert_cmpint (clients[i].closed_us - clients[i].connecting_us, >=, 1750 * 1000);
    }
  wait_for_server_connections (fixture, 1);
  g_assert_cmpuint (count_tcp_fds (), ==, fds_before + n);
  for (guint i = 0; i < n; i++)
    {
      g_clear_object (&clients[i].stream);
      g_assert_true (g_io_stream_close (G_IO_STREAM (clients[i].connection), NULL, NULL));
      g_clear_object (&clients[i].connection);
    }
  g_assert_cmpuint (count_tcp_fds (), ==, fds_before);

  /* The session's connection, idle all along, still serves. */
  send_requests (fixture, paths, G_N_ELEMENTS (paths), 1);
  g_assert_cmpuint (count_server_connections (fixture), ==, 1);
  wait_until_idle (fixture);
  g_assert_cmpuint (crm_request_get_n_alive (), ==, 0);
}

static void
test_idle_server_trims_memory (Fixture       *fixture,
                               gconstpointer  data)
{
  const char * const paths[] = { CRM_API_HEALTH };
  guint before;
  gint64 end;

  /* Nothing trims while no request comes. */
  before = crm_memory_get_n_trims ();
  run_until (g_get_monotonic_time () + 2500 * 1000);
  g_assert_cmpuint (crm_memory_get_n_trims (), ==, before);

  send_requests (fixture, paths, G_N_ELEMENTS (paths), 20);

  /* About a second after the burst: one trim, and no more while it stays quiet. */
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (crm_memory_get_n_trims () == before && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10000);
    }
  g_assert_cmpuint (crm_memory_get_n_trims (), ==, before + 1);
  run_until (g_get_monotonic_time () + 2500 * 1000);
  g_assert_cmpuint (crm_memory_get_n_trims (), ==, before + 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  if (!crm_test_can_run_server ())
    return 0;
  g_test_add ("/crm/server/requests-are-freed", Fixture, NULL, fixture_set_up,
              test_requests_are_freed, fixture_tear_down);
  g_test_add ("/crm/server/abandoned-request-is-freed", Fixture, NULL, fixture_set_up,
              test_abandoned_request_is_freed, fixture_tear_down);
  g_test_add ("/crm/server/closed-connections-are-freed", Fixture, NULL, fixture_set_up,
              test_closed_connections_are_freed, fixture_tear_down);
  g_test_add ("/crm/server/closed-connections-are-freed-tls", Fixture, "tls", fixture_set_up,
              test_closed_connections_are_freed, fixture_tear_down);
  g_test_add ("/crm/server/idle-connections-time-out", Fixture, NULL, fixture_set_up,
              test_idle_connections_time_out, fixture_tear_down);
  g_test_add ("/crm/server/silent-connections-time-out", Fixture, NULL, fixture_set_up,
              test_silent_connections_time_out, fixture_tear_down);
  g_test_add ("/crm/server/silent-connections-time-out-tls", Fixture, "tls", fixture_set_up,
              test_silent_connections_time_out, fixture_tear_down);
  g_test_add ("/crm/server/idle-server-trims-memory", Fixture, NULL, fixture_set_up,
              test_idle_server_trims_memory, fixture_tear_down);
  return g_test_run ();
}
