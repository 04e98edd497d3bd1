/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-application.h"
#include "crm-customers-page.h"
#include "crm-window-private.h"
#include "crm-window.h"
#include "crm-test-server.h"

G_BEGIN_DECLS

/*
 * A UI test against a real rapport-server: crm_test_ui_main () adds the test's cases as
 * PATH/CASE; the parent process starts the server once, before the first case that runs,
 * lets the test seed it, and runs each case in a process of its own (with the case's
 * LANGUAGE and PANGO_LANGUAGE), which finds the server through the environment:
 * CRM_TEST_URL, CRM_TEST_CERT (its certificate, to pin), CRM_TEST_KEY (its private key,
 * for a proxy that poses as it) and CRM_TEST_CONNINFO (the cluster, as its superuser).
 * What the seed made for the cases (sessions, ids) goes to them by name with
 * crm_test_ui_set_seeded () and crm_test_ui_set_seeded_ids ().
 */

/* What every case has: a test's own case type starts with it, as its member "base". */
typedef struct
{
  const char *name;            /* the last part of its test path */
  const char *language;        /* LANGUAGE in its process; NULL unsets it (English) */
  const char *pango_language;  /* PANGO_LANGUAGE in its process; NULL sets "en" */
} CrmTestUiCase;

/* In the parent, once: seeds @server and hands what the cases need to them
 * (crm_test_ui_set_seeded ()). */
typedef void (*CrmTestUiSeedFunc) (CrmTestServer  *server,
                                   CrmTestCluster *cluster);
/* In a case's process, GTK ready: runs @test_case (a test's own case type). */
typedef void (*CrmTestUiCaseFunc) (gconstpointer   test_case);

int              crm_test_ui_main                (int                argc,
                                                  char              *argv[],
                                                  const char        *path,
                                                  gconstpointer      cases,
                                                  guint              n_cases,
                                                  gsize              case_size,
                                                  CrmTestUiSeedFunc  seed,
                                                  CrmTestUiCaseFunc  run_case);

/* In the parent, while it seeds: what the cases need, by name. */
void             crm_test_ui_set_seeded          (const char     *name,
                                                  const char     *value);
void             crm_test_ui_set_seeded_ids      (const char     *name,
                                                  const gint64   *ids,
                                                  guint           n_ids);

/* In the parent while it seeds, and in a case's process. */
JsonNode        *crm_test_ui_call                (const char     *token,
                                                  const char     *method,
                                                  const char     *path,
                                                  const char     *body,
                                                  const char     *if_match,
                                                  guint          *status);
gint64           crm_test_ui_post                (const char     *token,
                                                  const char     *path,
                                                  const char     *body);
void             crm_test_ui_run_sql             (const char     *sql);

/* In a case's process. */
const char      *crm_test_ui_get_seeded          (const char     *name);
void             crm_test_ui_get_seeded_ids      (const char     *name,
                                                  gint64         *ids,
                                                  guint           n_ids);
const char      *crm_test_ui_get_url             (void);
GTlsCertificate *crm_test_ui_get_certificate     (void);
CrmApplication  *crm_test_ui_application_new     (void);
CrmWindow       *crm_test_ui_window_new          (CrmApplication *application,
                                                  CrmApiClient   *api_client,
                                                  int             width,
                                                  int             height);
void             crm_test_ui_sign_in             (CrmWindow      *window,
                                                  const char     *username,
                                                  const char     *password);
void             crm_test_ui_window_destroy      (CrmWindow      *window);

/* Driving windows under Xvfb: waiting, template children, keys, screenshots. */

typedef gboolean (*CrmTestUiPredicate) (gpointer user_data);

void      crm_test_ui_wait           (GtkWidget          *widget,
                                      CrmTestUiPredicate  done,
                                      gpointer            user_data,
                                      const char         *what);
void      crm_test_ui_wait_until     (CrmWindow          *window,
                                      GtkWidget          *widget,
                                      CrmTestUiPredicate  done,
                                      gpointer            fixture,
                                      const char         *what);
void      crm_test_ui_wait_frames    (GtkWidget          *widget,
                                      guint               n_frames,
                                      const char         *what);
gpointer  crm_test_ui_template_child (gpointer            widget,
                                      GType               type,
                                      const char         *name);
GtkWidget *crm_test_ui_find_named    (GtkWidget          *widget,
                                      const char         *name);
GtkWidget *crm_test_ui_find_label    (GtkWidget          *widget,
                                      const char         *text);
GtkWidget *crm_test_ui_find_descendant (GtkWidget        *widget,
                                        GType             type);
void      crm_test_ui_activate_row   (GtkListBox         *list,
                                      const char         *name);
void      crm_test_ui_press_key      (GtkWidget          *widget,
                                      guint               keyval);
void      crm_test_ui_press_shortcut (GtkWidget         *widget,
                                      const char         *accelerator);
void      crm_test_ui_save_png       (GtkWidget          *window,
                                      GtkWidget          *popover,
                                      const char         *path);

/*
 * A case's fixture: a test's own struct (its Fixture) with a member `CrmWindow *window`,
 * the case's window, and whatever else the test needs. The shorthands below take one;
 * wait_until () hands it to the predicate as it is, so that a test's predicates take
 * its own Fixture.
 */

/* Iterates until @done (@fixture) holds, then until @widget (@fixture's window when
 * %NULL) painted it: crm_test_ui_wait_until (). */
#define wait_until(fixture, widget, done, what) \
  crm_test_ui_wait_until ((fixture)->window, (widget), (CrmTestUiPredicate) (done), (fixture), \
                          (what))
/* The Customers section of @fixture's window, its list and its customer page. */
#define customers_page(fixture) _crm_window_get_customers_page ((fixture)->window)
#define customer_list(fixture) crm_customers_page_get_list (customers_page (fixture))
#define customer_page(fixture) _crm_customers_page_get_customer_page (customers_page (fixture))

G_END_DECLS
