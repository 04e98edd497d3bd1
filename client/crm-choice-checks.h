/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GtkWidget *crm_choice_checks_new       (const char * const *options,
                                        GCallback           toggled,
                                        gpointer            user_data);
GPtrArray *crm_choice_checks_get_checks (GtkWidget         *checks);
JsonNode  *crm_choice_checks_dup_value (GtkWidget          *checks);

G_END_DECLS
