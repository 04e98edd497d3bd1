/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "crm-pq.h"

G_BEGIN_DECLS

/*
 * The test harness: a throwaway PostgreSQL cluster in a temp dir (CrmTestCluster) and a
 * real rapport-server process on an ephemeral HTTPS port (CrmTestServer), plus a small
 * libsoup client that pins the server's certificate.
 */

typedef struct _CrmTestCluster CrmTestCluster;
typedef struct _CrmTestServer CrmTestServer;

gboolean        crm_test_have_postgresql        (void);
gboolean        crm_test_can_run_server         (void);

CrmTestCluster *crm_test_cluster_new            (void);
void            crm_test_cluster_free           (CrmTestCluster *cluster);
const char     *crm_test_cluster_get_conninfo   (CrmTestCluster *cluster);
const char     *crm_test_cluster_get_dir        (CrmTestCluster *cluster);
void            crm_test_cluster_stop           (CrmTestCluster *cluster);
void            crm_test_cluster_start          (CrmTestCluster *cluster);
PGconn         *crm_test_cluster_connect        (CrmTestCluster *cluster);
char           *crm_test_query_value            (PGconn         *conn,
                                                 const char     *sql);

/* A g_test_add () fixture: a fresh cluster and a connection to its database "rapport". */
typedef struct
{
  CrmTestCluster *cluster;
  PGconn         *conn;
} CrmTestDatabase;

void            crm_test_database_set_up        (CrmTestDatabase *fixture,
                                                 gconstpointer    data);
void            crm_test_database_tear_down     (CrmTestDatabase *fixture,
                                                 gconstpointer    data);

CrmTestServer  *crm_test_server_new             (CrmTestCluster     *cluster,
                                                 const char * const *extra_args);
CrmTestServer  *crm_test_server_try_new         (CrmTestCluster     *cluster,
                                                 const char         *data_dir,
                                                 const char * const *extra_args,
                                                 char              **output,
                                                 int                *exit_status);
void            crm_test_server_set_wrapper     (const char * const *wrapper);
void            crm_test_server_free            (CrmTestServer  *server);
const char     *crm_test_server_get_url         (CrmTestServer  *server);
const char     *crm_test_server_get_data_dir    (CrmTestServer  *server);
const char     *crm_test_server_get_cert_file   (CrmTestServer  *server);
GTlsCertificate *crm_test_server_get_certificate (CrmTestServer *server);
void            crm_test_server_send_signal     (CrmTestServer  *server,
                                                 int             signum);
int             crm_test_server_wait            (CrmTestServer  *server);
gboolean        crm_test_server_is_running      (CrmTestServer  *server);
char           *crm_test_server_dup_log         (CrmTestServer  *server);

int             crm_test_server_admin           (CrmTestServer      *server,
                                                 const char * const *args,
                                                 const char         *input,
                                                 char              **output);
gint64          crm_test_server_create_user     (CrmTestServer  *server,
                                                 const char     *username,
                                                 const char     *role,
                                                 const char     *password);
char           *crm_test_server_sign_in         (CrmTestServer  *server,
                                                 const char     *username,
                                                 const char     *password);
JsonNode       *crm_test_server_call            (CrmTestServer  *server,
                                                 const char     *token,
                                                 const char     *method,
                                                 const char     *path,
                                                 const char     *json_body,
                                                 const char     *if_match,
                                                 guint          *status);

JsonNode       *crm_test_server_call_expect     (CrmTestServer  *server,
                                                 const char     *token,
                                                 const char     *method,
                                                 const char     *path,
                                                 const char     *json_body,
                                                 const char     *if_match,
                                                 guint           expected);

JsonNode       *crm_test_server_call_with_headers (CrmTestServer      *server,
                                                   const char         *token,
                                                   const char         *method,
                                                   const char         *path,
                                                   const char         *json_body,
                                                   const char         *if_match,
                                                   const char * const *headers,
                                                   guint              *status);

SoupSession    *crm_test_session_new            (void);
SoupWebsocketConnection *crm_test_server_open_events (CrmTestServer *server,
                                                      SoupSession   *session,
                                                      const char    *token,
                                                      guint         *status);
SoupMessage    *crm_test_server_new_message     (CrmTestServer  *server,
                                                 const char     *method,
                                                 const char     *path,
                                                 const char     *json_body);
JsonNode       *crm_test_server_request         (CrmTestServer  *server,
                                                 const char     *method,
                                                 const char     *path,
                                                 const char     *json_body,
                                                 guint          *status);
JsonNode       *crm_test_server_send            (CrmTestServer  *server,
                                                 SoupMessage    *message,
                                                 guint          *status);
JsonNode       *crm_test_send                   (SoupSession    *session,
                                                 SoupMessage    *message,
                                                 guint          *status,
                                                 GError        **error);
const char     *crm_test_json_get_string        (JsonNode       *node,
                                                 const char     *path);
gint64          crm_test_json_get_int           (JsonNode       *node,
                                                 const char     *path);

char           *crm_test_totp_code              (const char     *base32,
                                                 gint64          unix_time);

int             crm_test_run_tool               (const char * const *argv,
                                                 char              **output);
char           *crm_test_make_dir               (void);
void            crm_test_remove_dir             (const char     *path);

G_END_DECLS
