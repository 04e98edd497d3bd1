/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "crm-application.h"
#include "crm-window.h"
#include "crm-test-server.h"

G_BEGIN_DECLS

/*
 * A case against a real rapport-server: the parent process starts the server once
 * (crm_test_ui_server_new ()), seeds it and runs each case in a process of its own
 * (crm_test_ui_run_in_language ()), which finds the server through the environment.
 */

CrmTestServer   *crm_test_ui_server_new          (CrmTestCluster *cluster);

/* In a case's process. */
gboolean         crm_test_ui_init                (void);
const char      *crm_test_ui_get_url             (void);
GTlsCertificate *crm_test_ui_get_certificate     (void);
JsonNode        *crm_test_ui_call                (CrmTestServer  *server,
                                                  const char     *token,
                                                  const char     *method,
                                                  const char     *path,
                                                  const char     *body,
                                                  const char     *if_match,
                                                  guint          *status);
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
void      crm_test_ui_activate_row   (GtkListBox         *list,
                                      const char         *name);
void      crm_test_ui_press_key      (GtkWidget          *widget,
                                      guint               keyval);
void      crm_test_ui_press_shortcut (GtkWidget         *widget,
                                      const char         *accelerator);
void      crm_test_ui_save_png       (GtkWidget          *window,
                                      GtkWidget          *popover,
                                      const char         *path);
void      crm_test_ui_run_in_language (const char        *language,
                                       const char        *pango_language);

G_END_DECLS
