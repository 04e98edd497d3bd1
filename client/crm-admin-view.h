/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "crm-api-client.h"
#include "crm-customer.h"
#include "crm-permission.h"

G_BEGIN_DECLS

#define CRM_TYPE_ADMIN_VIEW (crm_admin_view_get_type ())

G_DECLARE_DERIVABLE_TYPE (CrmAdminView, crm_admin_view, CRM, ADMIN_VIEW, AdwBin)

/**
 * CrmAdminViewClass:
 * @reload: (re)loads what the view shows from the server
 *
 * One view of the Administration section (users, roles, the audit log, …). The
 * base class holds the API client and the cancellable of the calls in flight,
 * and emits #CrmAdminView::toast for what the section's toast overlay shows.
 */
struct _CrmAdminViewClass
{
  AdwBinClass parent_class;

  void (*reload) (CrmAdminView *self);
};

/* Text of a list cell, from a record's JSON. */
typedef char *(*CrmAdminCellFunc) (CrmAdminView *view,
                                   JsonObject   *record,
                                   const char   *member);

void          crm_admin_view_start             (CrmAdminView     *self,
                                                CrmApiClient     *api_client);
void          crm_admin_view_stop              (CrmAdminView     *self);
void          crm_admin_view_reload            (CrmAdminView     *self);
gboolean      crm_admin_view_is_busy           (CrmAdminView     *self);
CrmApiClient *crm_admin_view_get_api_client    (CrmAdminView     *self);
void          crm_admin_view_call              (CrmAdminView     *self,
                                                const char       *method,
                                                const char       *path,
                                                const char       *query,
                                                JsonNode         *body,
                                                gint64            if_match,
                                                GAsyncReadyCallback callback);
JsonNode     *crm_admin_view_call_finish       (CrmAdminView     *self,
                                                GAsyncResult     *result,
                                                GError          **error);
void          crm_admin_view_toast             (CrmAdminView     *self,
                                                const char       *text);
void          crm_admin_view_toast_failure     (CrmAdminView     *self,
                                                const char       *what,
                                                const GError     *error);
void          crm_admin_view_add_column        (CrmAdminView     *self,
                                                GtkColumnView    *column_view,
                                                const char       *title,
                                                const char       *member,
                                                gboolean          expand,
                                                CrmAdminCellFunc  cell_func);
void          crm_admin_view_add_column_full   (CrmAdminView     *self,
                                                GtkColumnView    *column_view,
                                                const char       *title,
                                                const char       *member,
                                                gboolean          expand,
                                                CrmAdminCellFunc  cell_func,
                                                CrmAdminCellFunc  tooltip_func);
GtkWidget    *crm_admin_view_new_toolbar       (GtkWidget        *first,
                                                ...) G_GNUC_NULL_TERMINATED;
GtkWidget    *crm_admin_view_new_button        (const char       *label,
                                                const char       *action_name,
                                                gboolean          suggested);
AdwMessageDialog *crm_admin_view_new_dialog    (CrmAdminView     *self,
                                                const char       *heading,
                                                const char       *body,
                                                const char       *response,
                                                const char       *response_label,
                                                AdwResponseAppearance appearance);
void          crm_admin_view_present_dialog    (CrmAdminView     *self,
                                                AdwMessageDialog *dialog,
                                                GtkWidget        *extra_child,
                                                GCallback         response_cb);
GtkWidget    *crm_admin_view_new_boxed_list    (void);
AdwMessageDialog *crm_admin_view_get_dialog    (CrmAdminView     *self);
GListStore   *crm_admin_records_from_reply     (JsonNode         *reply);
GHashTable   *crm_admin_view_custom_fields_finish (CrmAdminView *self,
                                                   GAsyncResult *result);
guint         crm_admin_records_replace        (GListStore       *store,
                                                JsonNode         *reply);
CrmCustomer  *crm_admin_find_record            (GListModel       *records,
                                                gint64            id);
char         *crm_admin_format_time            (const char       *iso8601);

const char   *crm_admin_object_label           (CrmObject         object);
const char   *crm_admin_action_label           (CrmAction         action);
const char   *crm_admin_scope_label            (CrmScope          scope);
const char   *crm_admin_object_label_for_name  (const char       *name);
const char   *crm_admin_title_field_row        (AdwActionRow     *row,
                                                GHashTable       *custom_fields,
                                                const char       *object,
                                                const char       *field);

G_END_DECLS
