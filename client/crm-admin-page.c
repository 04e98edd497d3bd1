/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-admin-page"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-admin-audit.h"
#include "crm-admin-field-policies.h"
#include "crm-admin-page.h"
#include "crm-admin-records.h"
#include "crm-admin-reminders.h"
#include "crm-admin-roles.h"
#include "crm-admin-users.h"

/**
 * CrmAdminPage:
 *
 * The Administration section (for admins): a sidebar of views — users, teams,
 * roles and their permission matrix, field restrictions, custom fields, tags,
 * level rules, update reminders, the audit log — each loaded the first time it is
 * shown. Their messages appear as toasts.
 */
struct _CrmAdminPage
{
  AdwBin           parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;

  CrmApiClient    *api_client;
  GPtrArray       *toasts;        /* shown since the session started */
};

G_DEFINE_FINAL_TYPE (CrmAdminPage, crm_admin_page, ADW_TYPE_BIN)

static void
view_toast_cb (CrmAdminPage *self,
               const char   *text,
               CrmAdminView *view)
{
  AdwToast *toast = adw_toast_new (text);

  /* The latest message replaces older ones rather than queueing behind them; kept
   * until sign-out, which dismisses what the next user should not see. */
  for (guint i = 0; i < self->toasts->len; i++)
    adw_toast_dismiss (g_ptr_array_index (self->toasts, i));
  g_ptr_array_set_size (self->toasts, 0);
  g_ptr_array_add (self->toasts, g_object_ref (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Starts the view shown, the first time. */
static void
stack_visible_child_cb (CrmAdminPage *self)
{
  GtkWidget *child = gtk_stack_get_visible_child (self->stack);

  if (self->api_client != NULL && CRM_IS_ADMIN_VIEW (child)
      && crm_admin_view_get_api_client (CRM_ADMIN_VIEW (child)) == NULL)
    crm_admin_view_start (CRM_ADMIN_VIEW (child), self->api_client);
}

static void
add_view (CrmAdminPage *self,
          GtkWidget    *view,
          const char   *name,
          const char   *title)
{
  gtk_stack_add_titled (self->stack, view, name, title);
  g_signal_connect_object (view, "toast", G_CALLBACK (view_toast_cb), self, G_CONNECT_SWAPPED);
}

static void
crm_admin_page_dispose (GObject *object)
{
  CrmAdminPage *self = CRM_ADMIN_PAGE (object);

  crm_admin_page_stop (self);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_ADMIN_PAGE);
  G_OBJECT_CLASS (crm_admin_page_parent_class)->dispose (object);
}

static void
crm_admin_page_finalize (GObject *object)
{
  CrmAdminPage *self = CRM_ADMIN_PAGE (object);

  g_ptr_array_unref (self->toasts);
  G_OBJECT_CLASS (crm_admin_page_parent_class)->finalize (object);
}

static void
crm_admin_page_class_init (CrmAdminPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_admin_page_dispose;
  object_class->finalize = crm_admin_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-admin-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAdminPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrmAdminPage, stack);
  gtk_widget_class_bind_template_callback (widget_class, stack_visible_child_cb);
}

static void
crm_admin_page_init (CrmAdminPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);

  add_view (self, g_object_new (CRM_TYPE_ADMIN_USERS, NULL), "users", _("Users"));
  add_view (self, crm_admin_records_new (CRM_ADMIN_RECORDS_TEAMS), "teams", _("Teams"));
  add_view (self, g_object_new (CRM_TYPE_ADMIN_ROLES, NULL), "roles", _("Roles"));
  add_view (self, g_object_new (CRM_TYPE_ADMIN_FIELD_POLICIES, NULL), "field-restrictions",
            _("Field Restrictions"));
  add_view (self, crm_admin_records_new (CRM_ADMIN_RECORDS_CUSTOM_FIELDS), "custom-fields",
            _("Custom Fields"));
  add_view (self, crm_admin_records_new (CRM_ADMIN_RECORDS_TAGS), "tags", _("Tags"));
  add_view (self, crm_admin_records_new (CRM_ADMIN_RECORDS_LEVEL_RULES), "level-rules",
            _("Customer Levels"));
  add_view (self, g_object_new (CRM_TYPE_ADMIN_REMINDERS, NULL), "reminders",
            _("Update Reminders"));
  add_view (self, g_object_new (CRM_TYPE_ADMIN_AUDIT, NULL), "audit", _("Audit Log"));
}

/**
 * crm_admin_page_start:
 * @self: a #CrmAdminPage
 * @api_client: the client to reach the server through
 * @account: who is signed in
 *
 * Shows the users; the other views load when first shown.
 */
void
crm_admin_page_start (CrmAdminPage     *self,
                      CrmApiClient     *api_client,
                      const CrmAccount *account)
{
  g_return_if_fail (CRM_IS_ADMIN_PAGE (self));
  g_return_if_fail (CRM_IS_API_CLIENT (api_client));
  g_return_if_fail (account != NULL);

  crm_admin_page_stop (self);
  self->api_client = g_object_ref (api_client);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "users") != 0)
    gtk_stack_set_visible_child_name (self->stack, "users");
  else
    stack_visible_child_cb (self);
}

/**
 * crm_admin_page_stop:
 * @self: a #CrmAdminPage
 *
 * Forgets everything shown (on sign-out), cancelling what is in flight.
 */
void
crm_admin_page_stop (CrmAdminPage *self)
{
  g_return_if_fail (CRM_IS_ADMIN_PAGE (self));

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (CRM_IS_ADMIN_VIEW (child))
      crm_admin_view_stop (CRM_ADMIN_VIEW (child));
  for (guint i = 0; i < self->toasts->len; i++)
    adw_toast_dismiss (g_ptr_array_index (self->toasts, i));
  g_ptr_array_set_size (self->toasts, 0);
  g_clear_object (&self->api_client);
}

CrmAdminView *
_crm_admin_page_get_view (CrmAdminPage *self,
                          const char   *name)
{
  return CRM_ADMIN_VIEW (gtk_stack_get_child_by_name (self->stack, name));
}

void
_crm_admin_page_show (CrmAdminPage *self,
                      const char   *name)
{
  gtk_stack_set_visible_child_name (self->stack, name);
}
