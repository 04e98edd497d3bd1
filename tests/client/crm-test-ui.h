/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

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
