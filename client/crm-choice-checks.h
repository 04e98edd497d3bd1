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
void       crm_choice_checks_set_value (GtkWidget          *checks,
                                        JsonNode           *value);
gboolean   crm_choice_value_holds      (JsonNode           *value,
                                        const char         *option);

G_END_DECLS
