/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-sign-in-page"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-error.h"
#include "crm-sign-in-page.h"

/* A TOTP code has this many digits (RFC 6238 as the server uses it). */
#define TOTP_DIGITS 6

/**
 * CrmSignInPage:
 *
 * Signs in to the server the #CrmApiClient points at: user name, password and
 * "Stay signed in"; when the server asks for a second factor, a second step
 * asks for the code of the user's authenticator app, or a recovery code.
 * Wrong credentials and lockouts show below the fields. Emits
 * #CrmSignInPage::signed-in with the account; the window takes it from there.
 */
struct _CrmSignInPage
{
  AdwBin          parent_instance;

  /* Template children */
  AdwStatusPage  *status_page;
  GtkStack       *step_stack;
  AdwEntryRow    *username_row;
  AdwEntryRow    *password_row;
  GtkSwitch      *stay_switch;
  AdwEntryRow    *code_row;
  GtkBox         *code_actions;
  GtkButton      *back_button;
  GtkButton      *recovery_button;
  GtkLabel       *message_label;
  GtkButton      *sign_in_button;
  GtkSpinner     *spinner;
  GtkLabel       *sign_in_label;

  CrmApiClient   *api_client;
  GCancellable   *cancellable;     /* the sign-in in flight */
  char           *message;         /* the error shown, or NULL */
  gboolean        asking_code;     /* the second step is shown */
  gboolean        use_recovery;    /* it asks for a recovery code, not a TOTP code */
};

G_DEFINE_FINAL_TYPE (CrmSignInPage, crm_sign_in_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_API_CLIENT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
is_totp_code (const char *text)
{
  guint digits = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p != ' ')
        return FALSE;
    }
  return digits == TOTP_DIGITS;
}

/* The code as typed, without the spaces some apps show in the middle. */
static char *
dup_code (CrmSignInPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->code_row));
  GString *code = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    if (*p != ' ' || self->use_recovery)
      g_string_append_c (code, *p);
  return g_strstrip (g_string_free (code, FALSE));
}

static gboolean
can_submit (CrmSignInPage *self)
{
  const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  if (self->api_client == NULL || self->cancellable != NULL)
    return FALSE;
  if (*username == '\0' || *password == '\0')
    return FALSE;
  if (!self->asking_code)
    return TRUE;
  if (self->use_recovery)
    return *code != '\0';
  return is_totp_code (code);
}

static void
update_view (CrmSignInPage *self)
{
  gboolean busy = self->cancellable != NULL;

  gtk_stack_set_visible_child_name (self->step_stack,
                                    self->asking_code ? "code" : "credentials");
  gtk_widget_set_visible (GTK_WIDGET (self->code_actions), self->asking_code);
  adw_status_page_set_icon_name (self->status_page,
                                 self->asking_code ? "dialog-password-symbolic"
                                                   : "system-users-symbolic");
  if (self->asking_code)
    {
      adw_status_page_set_title (self->status_page, _("Two-Factor Sign-In"));
      adw_status_page_set_description (self->status_page,
                                       self->use_recovery
                                       ? _("Enter one of the recovery codes you saved when you "
                                           "set up two-factor sign-in. Each works once.")
                                       : _("Enter the 6-digit code your authenticator app "
                                           "shows for Rapport."));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->code_row),
                                     self->use_recovery ? _("Recovery Code")
                                                        : _("6-Digit Code"));
      gtk_editable_set_max_width_chars (GTK_EDITABLE (self->code_row), 0);
      gtk_button_set_label (self->recovery_button,
                            self->use_recovery ? _("Use the _Authenticator App")
                                               : _("Use a _Recovery Code"));
      gtk_label_set_text_with_mnemonic (self->sign_in_label, _("_Verify"));
    }
  else
    {
      adw_status_page_set_title (self->status_page, _("Sign In"));
      adw_status_page_set_description (self->status_page,
                                       _("Sign in with the user name and password your "
                                         "administrator gave you."));
      gtk_label_set_text_with_mnemonic (self->sign_in_label, _("_Sign In"));
    }

  gtk_widget_set_visible (GTK_WIDGET (self->message_label), self->message != NULL);
  gtk_label_set_text (self->message_label, self->message != NULL ? self->message : "");
  if (self->message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");

  /* Read-only, not insensitive, while busy: an insensitive field would lose
   * the keyboard focus (and GTK 4.8 warns about the focus-out it misses). */
  gtk_editable_set_editable (GTK_EDITABLE (self->username_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->code_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stay_switch), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->back_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->recovery_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sign_in_button), can_submit (self));
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
}

static void
set_message (CrmSignInPage *self,
             const char    *message)
{
  g_free (self->message);
  self->message = g_strdup (message);
  update_view (self);
}

static void
set_busy (CrmSignInPage *self,
          GCancellable  *cancellable)
{
  if (self->cancellable == cancellable)
    return;
  g_set_object (&self->cancellable, cancellable);
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* What went wrong, for the person at the desk. */
static char *
describe_error (CrmSignInPage *self,
                const GError  *error,
                guint          retry_after)
{
  if (error->domain == CRM_API_ERROR)
    {
      switch (error->code)
        {
        case CRM_API_ERROR_UNAUTHENTICATED:
          if (!self->asking_code)
            return g_strdup (_("Wrong user name or password."));
          if (self->use_recovery)
            return g_strdup (_("This recovery code is not correct, or it was used already."));
          return g_strdup (_("The code is not correct. Enter the code your app shows now."));

        case CRM_API_ERROR_RATE_LIMITED:
          if (retry_after == 0)
            return g_strdup (_("Too many failed sign-ins. Try again later."));
          if (retry_after < 120)
            return g_strdup_printf (ngettext ("Too many failed sign-ins. Try again in %u second.",
                                              "Too many failed sign-ins. Try again in %u seconds.",
                                              retry_after),
                                    retry_after);
          retry_after = (retry_after + 59) / 60;
          return g_strdup_printf (ngettext ("Too many failed sign-ins. Try again in %u minute.",
                                            "Too many failed sign-ins. Try again in %u minutes.",
                                            retry_after),
                                  retry_after);

        case CRM_API_ERROR_INVALID:
          return g_strdup (_("Enter your user name and password."));

        case CRM_API_ERROR_UNAVAILABLE:
          return g_strdup (_("The server cannot reach its database. Try again later."));

        default:
          return g_strdup (_("The server could not sign you in. Try again later."));
        }
    }
  return g_strdup (_("The server could not be reached. Check your connection and try again."));
}

static void
sign_in_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CrmSignInPage) self = user_data;
  g_autoptr(CrmAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  guint retry_after = 0;

  account = crm_api_client_sign_in_finish (CRM_API_CLIENT (object), result, &retry_after,
                                           &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, NULL);

  if (account != NULL)
    {
      g_debug ("Signed in as %s", account->username);
      g_free (self->message);
      self->message = NULL;
      g_signal_emit (self, signals[SIGNED_IN], 0, account);
      return;
    }

  g_debug ("Sign-in failed: %s", error->message);
  if (g_error_matches (error, CRM_API_ERROR, CRM_API_ERROR_MFA_REQUIRED))
    {
      /* The password was right: the second step. */
      self->asking_code = TRUE;
      self->use_recovery = FALSE;
      gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
      set_message (self, NULL);
      if (gtk_widget_get_mapped (GTK_WIDGET (self)))
        gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
      return;
    }

  message = describe_error (self, error, retry_after);
  set_message (self, message);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      if (self->asking_code)
        gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
      else if (g_error_matches (error, CRM_API_ERROR, CRM_API_ERROR_UNAUTHENTICATED))
        gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
    }
}

static void
submit (CrmSignInPage *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autofree char *code = NULL;

  if (!can_submit (self))
    return;

  if (self->asking_code)
    code = dup_code (self);
  cancellable = g_cancellable_new ();
  g_free (self->message);
  self->message = NULL;
  set_busy (self, cancellable);
  crm_api_client_sign_in_async (self->api_client,
                                gtk_editable_get_text (GTK_EDITABLE (self->username_row)),
                                gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                self->asking_code && !self->use_recovery ? code : NULL,
                                self->asking_code && self->use_recovery ? code : NULL,
                                cancellable, sign_in_cb, g_object_ref (self));
}

static void
row_changed_cb (CrmSignInPage *self,
                GtkEditable   *editable)
{
  /* An error is about what was sent: typing anew clears it. */
  if (self->message != NULL && self->cancellable == NULL)
    {
      g_clear_pointer (&self->message, g_free);
    }
  update_view (self);
}

static void
username_row_entry_activated_cb (CrmSignInPage *self,
                                 AdwEntryRow   *row)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->password_row)) == '\0')
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  else
    submit (self);
}

static void
row_entry_activated_cb (CrmSignInPage *self,
                        AdwEntryRow   *row)
{
  submit (self);
}

static void
sign_in_button_clicked_cb (CrmSignInPage *self,
                           GtkButton     *button)
{
  submit (self);
}

static void
back_button_clicked_cb (CrmSignInPage *self,
                        GtkButton     *button)
{
  self->asking_code = FALSE;
  self->use_recovery = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  set_message (self, NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
}

static void
recovery_button_clicked_cb (CrmSignInPage *self,
                            GtkButton     *button)
{
  self->use_recovery = !self->use_recovery;
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  set_message (self, NULL);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
}

static gboolean
crm_sign_in_page_grab_focus (GtkWidget *widget)
{
  CrmSignInPage *self = CRM_SIGN_IN_PAGE (widget);

  if (self->asking_code)
    return gtk_widget_grab_focus (GTK_WIDGET (self->code_row));
  if (*gtk_editable_get_text (GTK_EDITABLE (self->username_row)) != '\0')
    return gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
  return gtk_widget_grab_focus (GTK_WIDGET (self->username_row));
}

static void
crm_sign_in_page_dispose (GObject *object)
{
  CrmSignInPage *self = CRM_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* The template's root is the bin's child: the bin lets go of it first, or
   * both would unparent it. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_SIGN_IN_PAGE);
  g_clear_object (&self->api_client);

  G_OBJECT_CLASS (crm_sign_in_page_parent_class)->dispose (object);
}

static void
crm_sign_in_page_finalize (GObject *object)
{
  CrmSignInPage *self = CRM_SIGN_IN_PAGE (object);

  g_free (self->message);

  G_OBJECT_CLASS (crm_sign_in_page_parent_class)->finalize (object);
}

static void
crm_sign_in_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CrmSignInPage *self = CRM_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      g_value_set_object (value, self->api_client);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, crm_sign_in_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_sign_in_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CrmSignInPage *self = CRM_SIGN_IN_PAGE (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      crm_sign_in_page_set_api_client (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_sign_in_page_class_init (CrmSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_sign_in_page_dispose;
  object_class->finalize = crm_sign_in_page_finalize;
  object_class->get_property = crm_sign_in_page_get_property;
  object_class->set_property = crm_sign_in_page_set_property;

  widget_class->grab_focus = crm_sign_in_page_grab_focus;

  /**
   * CrmSignInPage:api-client:
   *
   * The client to sign in through.
   */
  properties[PROP_API_CLIENT] =
    g_param_spec_object ("api-client", NULL, NULL,
                         CRM_TYPE_API_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmSignInPage:busy:
   *
   * Whether a sign-in is under way.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmSignInPage::signed-in:
   * @self: the page
   * @account: (type gpointer): the #CrmAccount signed in, with its token;
   *   borrowed for the emission
   *
   * The server accepted the sign-in.
   */
  signals[SIGNED_IN] =
    g_signal_new ("signed-in",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, step_stack);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, username_row);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, stay_switch);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, code_row);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, code_actions);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, recovery_button);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, CrmSignInPage, sign_in_label);

  gtk_widget_class_bind_template_callback (widget_class, row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, username_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, recovery_button_clicked_cb);
}

static void
crm_sign_in_page_init (CrmSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_view (self);
}

GtkWidget *
crm_sign_in_page_new (void)
{
  return g_object_new (CRM_TYPE_SIGN_IN_PAGE, NULL);
}

/**
 * crm_sign_in_page_get_api_client:
 * @self: a #CrmSignInPage
 *
 * Returns: (nullable) (transfer none): the client the page signs in through
 */
CrmApiClient *
crm_sign_in_page_get_api_client (CrmSignInPage *self)
{
  g_return_val_if_fail (CRM_IS_SIGN_IN_PAGE (self), NULL);

  return self->api_client;
}

/**
 * crm_sign_in_page_set_api_client:
 * @self: a #CrmSignInPage
 * @api_client: (nullable): the client to sign in through
 */
void
crm_sign_in_page_set_api_client (CrmSignInPage *self,
                                 CrmApiClient  *api_client)
{
  g_return_if_fail (CRM_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (api_client == NULL || CRM_IS_API_CLIENT (api_client));

  if (!g_set_object (&self->api_client, api_client))
    return;
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_CLIENT]);
}

/**
 * crm_sign_in_page_get_busy:
 * @self: a #CrmSignInPage
 *
 * Returns: whether a sign-in is under way
 */
gboolean
crm_sign_in_page_get_busy (CrmSignInPage *self)
{
  g_return_val_if_fail (CRM_IS_SIGN_IN_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * crm_sign_in_page_get_stay_signed_in:
 * @self: a #CrmSignInPage
 *
 * Returns: whether the user asked to stay signed in
 */
gboolean
crm_sign_in_page_get_stay_signed_in (CrmSignInPage *self)
{
  g_return_val_if_fail (CRM_IS_SIGN_IN_PAGE (self), FALSE);

  return gtk_switch_get_active (self->stay_switch);
}

/**
 * crm_sign_in_page_is_asking_code:
 * @self: a #CrmSignInPage
 *
 * Returns: whether the page shows the second step, asking for a code
 */
gboolean
crm_sign_in_page_is_asking_code (CrmSignInPage *self)
{
  g_return_val_if_fail (CRM_IS_SIGN_IN_PAGE (self), FALSE);

  return self->asking_code;
}

/**
 * crm_sign_in_page_reset:
 * @self: a #CrmSignInPage
 *
 * Back to the first step, for the next sign-in: cancels one under way,
 * forgets the password and the code, keeps the user name.
 */
void
crm_sign_in_page_reset (CrmSignInPage *self)
{
  g_return_if_fail (CRM_IS_SIGN_IN_PAGE (self));

  g_cancellable_cancel (self->cancellable);
  set_busy (self, NULL);
  self->asking_code = FALSE;
  self->use_recovery = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  set_message (self, NULL);
}

/**
 * crm_sign_in_page_set_message:
 * @self: a #CrmSignInPage
 * @message: (nullable): why the user must sign in (again), or %NULL
 *
 * Shows @message below the fields until the user types.
 */
void
crm_sign_in_page_set_message (CrmSignInPage *self,
                              const char    *message)
{
  g_return_if_fail (CRM_IS_SIGN_IN_PAGE (self));

  set_message (self, message);
}
