/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

GtkWidget  *crm_custom_field_row_new         (JsonObject *definition,
                                              GCallback   changed,
                                              gpointer    user_data);
const char *crm_custom_field_row_get_key     (GtkWidget  *row);
void        crm_custom_field_row_set_value   (GtkWidget  *row,
                                              JsonNode   *value);
JsonNode   *crm_custom_field_row_dup_value   (GtkWidget  *row);
const char *crm_custom_field_row_get_problem (GtkWidget  *row);
void        crm_field_row_set_editable        (GtkWidget *row,
                                               GtkWidget *control,
                                               gboolean   editable);
void        crm_custom_field_row_set_editable (GtkWidget *row,
                                               gboolean   editable);
gboolean    crm_custom_field_row_values_differ (GtkWidget *row,
                                                JsonNode  *a,
                                                JsonNode  *b);
gboolean    crm_custom_field_row_is_changed  (GtkWidget  *row,
                                              JsonNode   *stored);

G_END_DECLS
