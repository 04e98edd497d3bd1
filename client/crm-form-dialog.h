/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "crm-account.h"
#include "crm-customer-fields.h"

G_BEGIN_DECLS

AdwMessageDialog *crm_form_dialog_new         (GtkWidget        *parent,
                                               const char       *heading,
                                               const char       *body,
                                               const char       *accept_label);
GtkWidget        *crm_form_dialog_add_entry   (AdwMessageDialog *dialog,
                                               const char       *name,
                                               const char       *title,
                                               const char       *text);
GtkWidget        *crm_form_dialog_add_text    (AdwMessageDialog *dialog,
                                               const char       *name,
                                               const char       *title,
                                               const char       *text);
GtkWidget        *crm_form_dialog_add_switch  (AdwMessageDialog *dialog,
                                               const char       *name,
                                               const char       *title,
                                               gboolean          active);
GtkWidget        *crm_form_dialog_add_choice  (AdwMessageDialog *dialog,
                                               const char       *name,
                                               const char       *title,
                                               const CrmChoice  *choices,
                                               const char       *value);
GtkWidget        *crm_form_dialog_add_custom_field (AdwMessageDialog *dialog,
                                                    JsonObject       *definition,
                                                    JsonNode         *value);
GtkWidget        *crm_form_dialog_get_row     (AdwMessageDialog *dialog,
                                               const char       *name);
void              crm_form_dialog_set_validator (AdwMessageDialog *dialog,
                                                 const char       *name,
                                                 CrmTextValidator  validate);
JsonNode         *crm_form_dialog_dup_values  (AdwMessageDialog *dialog);
void              crm_form_dialog_apply_field_access (AdwMessageDialog *dialog,
                                                      const CrmAccount *account,
                                                      CrmObject         object);
void              crm_form_dialog_show_errors (AdwMessageDialog *dialog,
                                               JsonObject       *fields);
void              crm_form_row_show_message   (GtkWidget        *row,
                                               GtkLabel         *label,
                                               const char       *message);

G_END_DECLS
