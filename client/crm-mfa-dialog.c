/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-mfa-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-api-paths.h"
#include "crm-error.h"
#include "crm-mfa-dialog.h"
#include "crm-qr-code.h"

/**
 * CrmMfaDialog:
 *
 * Sets up two-factor sign-in for the signed-in user, in three stages (the
 * pages of its stack):
 *
 * - `loading`, then `scan`: `POST /api/v1/session/mfa` gives a new TOTP key;
 *   the dialog shows it as a QR code (#CrmQrCode) and as text, and asks for
 *   the code the authenticator app makes of it.
 * - `POST /api/v1/session/mfa/confirm {"code"}` turns two-factor sign-in on
 *   and answers the recovery codes, once: #CrmMfaDialog::enrolled, and the
 *   `codes` page shows them with a warning and a copy button.
 * - `error`: the server refused to start (already set up, no key file…).
 */
struct _CrmMfaDialog
{
  AdwWindow       parent_instance;

  /* Template children */
  AdwToastOverlay *toast_overlay;
  GtkButton      *cancel_button;
  GtkButton      *done_button;
  GtkStack       *stack;
  GtkSpinner     *spinner;
  AdwStatusPage  *error_page;
  CrmQrCode      *qr_code;
  GtkLabel       *secret_label;
  GtkButton      *copy_secret_button;
  AdwEntryRow    *code_row;
  GtkLabel       *code_error_label;
  GtkButton      *confirm_button;
  GtkLabel       *codes_label;
  GtkButton      *copy_codes_button;

  CrmApiClient   *api_client;
  GCancellable   *cancellable;
  char           *secret;
  char           *uri;
  GStrv           recovery_codes;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (CrmMfaDialog, crm_mfa_dialog, ADW_TYPE_WINDOW)

enum {
  ENROLLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_busy (CrmMfaDialog *self,
          gboolean      busy)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  guint digits = 0;

  self->busy = busy;
  for (const char *p = code; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      digits++;
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_button), !busy && digits == 6);
  /* Not insensitive: the row keeps the keyboard while the server answers. */
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), !busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
show_error (CrmMfaDialog *self,
            const GError *error)
{
  const char *text;

  if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_CONFLICT))
    text = _("Two-factor sign-in is already set up for your account. To set it up again, "
             "for example on a new phone, ask an administrator to reset it.");
  else if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_UNAVAILABLE))
    text = _("The server cannot reach its database. Try again in a moment.");
  else if (error->domain == CRM_API_REPLY_ERROR)
    text = _("The server refused to set up two-factor sign-in. Ask your administrator.");
  else
    text = _("The server could not be reached. Check your connection and try again.");
  adw_status_page_set_description (self->error_page, text);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* The key in groups of four, as authenticator apps show it. */
static char *
group_secret (const char *secret)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; secret[i] != '\0'; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (out, ' ');
      g_string_append_c (out, secret[i]);
    }
  return g_string_free (out, FALSE);
}

static void
start_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(CrmMfaDialog) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *grouped = NULL;
  JsonObject *object_reply;

  reply = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (reply == NULL || !JSON_NODE_HOLDS_OBJECT (reply))
    {
      if (error == NULL)
        error = g_error_new_literal (CRM_API_REPLY_ERROR, CRM_API_ERROR_MALFORMED, "no object");
      g_debug ("Starting the enrollment failed: %s", error->message);
      show_error (self, error);
      return;
    }

  object_reply = json_node_get_object (reply);
  g_free (self->secret);
  self->secret = g_strdup (json_object_get_string_member_with_default (object_reply, "secret",
                                                                      ""));
  g_free (self->uri);
  self->uri = g_strdup (json_object_get_string_member_with_default (object_reply, "uri", ""));
  crm_qr_code_set_text (self->qr_code, self->uri);
  grouped = group_secret (self->secret);
  gtk_label_set_text (self->secret_label, grouped);
  gtk_stack_set_visible_child_name (self->stack, "scan");
  gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static void
start (CrmMfaDialog *self)
{
  g_autoptr(JsonNode) body = json_from_string ("{}", NULL);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_stack_set_visible_child_name (self->stack, "loading");
  set_busy (self, TRUE);
  crm_api_client_call_async (self->api_client, "POST", CRM_API_BASE "/session/mfa", NULL, body,
                             0, self->cancellable, start_cb, g_object_ref (self));
}

static void
confirm_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CrmMfaDialog) self = user_data;
  g_autoptr(JsonNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *codes = NULL;

  reply = crm_api_client_call_finish (CRM_API_CLIENT (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);

  if (reply != NULL && JSON_NODE_HOLDS_OBJECT (reply))
    codes = json_object_get_array_member (json_node_get_object (reply), "recovery_codes");
  if (codes == NULL)
    {
      if (g_error_matches (error, CRM_API_REPLY_ERROR, CRM_API_ERROR_INVALID))
        {
          gtk_label_set_text (self->code_error_label,
                              _("That code is not right. Check that the time on your phone "
                                "is correct, then enter the code the app shows now."));
          gtk_widget_set_visible (GTK_WIDGET (self->code_error_label), TRUE);
          gtk_widget_add_css_class (GTK_WIDGET (self->code_row), "error");
          gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
          gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
          return;
        }
      if (error == NULL)
        error = g_error_new_literal (CRM_API_REPLY_ERROR, CRM_API_ERROR_MALFORMED, "no codes");
      show_error (self, error);
      return;
    }

  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      const char *code = json_array_get_string_element (codes, i);

      if (code == NULL)
        continue;
      g_strv_builder_add (builder, code);
      /* Two columns, so that ten codes fit on one screen. */
      g_string_append (text, code);
      if (i + 1 < json_array_get_length (codes))
        g_string_append (text, i % 2 == 0 ? "    " : "\n");
    }
  g_strfreev (self->recovery_codes);
  self->recovery_codes = g_strv_builder_end (builder);
  gtk_label_set_text (self->codes_label, text->str);
  /* The key is not needed any more: forget it. */
  crm_qr_code_set_text (self->qr_code, NULL);
  gtk_label_set_text (self->secret_label, "");
  g_clear_pointer (&self->secret, g_free);
  g_clear_pointer (&self->uri, g_free);

  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->done_button), TRUE);
  gtk_stack_set_visible_child_name (self->stack, "codes");
  gtk_widget_grab_focus (GTK_WIDGET (self->copy_codes_button));
  g_signal_emit (self, signals[ENROLLED], 0);
}

static void
confirm_cb (CrmMfaDialog *self)
{
  g_autoptr(GString) code = g_string_new (NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  if (self->busy || !gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_button)))
    return;
  /* "123 456" as some apps show it. */
  for (const char *p = gtk_editable_get_text (GTK_EDITABLE (self->code_row)); *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (code, *p);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, code->str);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  gtk_widget_set_visible (GTK_WIDGET (self->code_error_label), FALSE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->code_row), "error");
  set_busy (self, TRUE);
  crm_api_client_call_async (self->api_client, "POST", CRM_API_BASE "/session/mfa/confirm", NULL,
                             body, 0, self->cancellable, confirm_done_cb, g_object_ref (self));
}

static void
code_row_changed_cb (CrmMfaDialog *self)
{
  set_busy (self, self->busy);
}

static void
retry_button_clicked_cb (CrmMfaDialog *self)
{
  start (self);
}

static void
copy_text (CrmMfaDialog *self,
           const char   *text,
           const char   *toast)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (toast));
}

static void
copy_secret_button_clicked_cb (CrmMfaDialog *self)
{
  if (self->secret != NULL)
    copy_text (self, self->secret, _("Key copied"));
}

static void
copy_codes_button_clicked_cb (CrmMfaDialog *self)
{
  g_autofree char *codes = NULL;

  if (self->recovery_codes == NULL)
    return;
  codes = g_strjoinv ("\n", self->recovery_codes);
  copy_text (self, codes, _("Recovery codes copied"));
}

static void
crm_mfa_dialog_dispose (GObject *object)
{
  CrmMfaDialog *self = CRM_MFA_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_MFA_DIALOG);
  g_clear_object (&self->api_client);

  G_OBJECT_CLASS (crm_mfa_dialog_parent_class)->dispose (object);
}

static void
crm_mfa_dialog_finalize (GObject *object)
{
  CrmMfaDialog *self = CRM_MFA_DIALOG (object);

  g_free (self->secret);
  g_free (self->uri);
  g_strfreev (self->recovery_codes);

  G_OBJECT_CLASS (crm_mfa_dialog_parent_class)->finalize (object);
}

static void
crm_mfa_dialog_class_init (CrmMfaDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_mfa_dialog_dispose;
  object_class->finalize = crm_mfa_dialog_finalize;

  /**
   * CrmMfaDialog::enrolled:
   *
   * Two-factor sign-in is on for the signed-in user.
   */
  signals[ENROLLED] = g_signal_new ("enrolled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-mfa-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, done_button);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, qr_code);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, secret_label);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, copy_secret_button);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, code_row);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, code_error_label);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, confirm_button);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, codes_label);
  gtk_widget_class_bind_template_child (widget_class, CrmMfaDialog, copy_codes_button);
  gtk_widget_class_bind_template_callback (widget_class, confirm_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_secret_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_codes_button_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
}

static void
crm_mfa_dialog_init (CrmMfaDialog *self)
{
  g_type_ensure (CRM_TYPE_QR_CODE);
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_secret_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Copy the key"), -1);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self->code_row),
                                  GTK_ACCESSIBLE_RELATION_DESCRIBED_BY, self->code_error_label,
                                  NULL, -1);
}

/**
 * crm_mfa_dialog_new:
 * @parent: the window the dialog belongs to
 * @api_client: the client of the signed-in user
 *
 * Returns: (transfer none): a new dialog; it asks the server for a key at once
 */
CrmMfaDialog *
crm_mfa_dialog_new (GtkWindow    *parent,
                    CrmApiClient *api_client)
{
  CrmMfaDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CRM_IS_API_CLIENT (api_client), NULL);

  self = g_object_new (CRM_TYPE_MFA_DIALOG, "transient-for", parent, NULL);
  self->api_client = g_object_ref (api_client);
  start (self);
  return self;
}

/**
 * crm_mfa_dialog_get_stage:
 * @self: a #CrmMfaDialog
 *
 * Returns: `loading`, `scan`, `codes` or `error`
 */
const char *
crm_mfa_dialog_get_stage (CrmMfaDialog *self)
{
  g_return_val_if_fail (CRM_IS_MFA_DIALOG (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * crm_mfa_dialog_get_secret:
 * @self: a #CrmMfaDialog
 *
 * Returns: (nullable): the base32 TOTP key while the `scan` page shows it
 */
const char *
crm_mfa_dialog_get_secret (CrmMfaDialog *self)
{
  g_return_val_if_fail (CRM_IS_MFA_DIALOG (self), NULL);

  return self->secret;
}

/**
 * crm_mfa_dialog_get_uri:
 * @self: a #CrmMfaDialog
 *
 * Returns: (nullable): the `otpauth://` URI the QR code shows
 */
const char *
crm_mfa_dialog_get_uri (CrmMfaDialog *self)
{
  g_return_val_if_fail (CRM_IS_MFA_DIALOG (self), NULL);

  return self->uri;
}

/**
 * crm_mfa_dialog_get_recovery_codes:
 * @self: a #CrmMfaDialog
 *
 * Returns: (nullable) (transfer none): the recovery codes, once confirmed
 */
GStrv
crm_mfa_dialog_get_recovery_codes (CrmMfaDialog *self)
{
  g_return_val_if_fail (CRM_IS_MFA_DIALOG (self), NULL);

  return self->recovery_codes;
}

/**
 * crm_mfa_dialog_get_busy:
 * @self: a #CrmMfaDialog
 *
 * Returns: whether a request to the server is in flight
 */
gboolean
crm_mfa_dialog_get_busy (CrmMfaDialog *self)
{
  g_return_val_if_fail (CRM_IS_MFA_DIALOG (self), FALSE);

  return self->busy;
}
