/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-window"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "crm-address-page.h"
#include "crm-certificate-changed-page.h"
#include "crm-customers-page.h"
#include "crm-error.h"
#include "crm-event-stream.h"
#include "crm-global-search.h"
#include "crm-mfa-dialog.h"
#include "crm-notifications-button.h"
#include "crm-sections.h"
#include "crm-sign-in-page.h"
#include "crm-token-store.h"
#include "crm-trust-page.h"
#include "crm-trust-store.h"
#include "crm-window-private.h"
#include "crm-window.h"

/* How often the window asks the server for its health while it is shown. */
#define POLL_INTERVAL_SECONDS 10

/* The smallest size the GSettings schema allows. */
#define MIN_WIDTH  360
#define MIN_HEIGHT 294

/* The pages of the window's stack. */
#define PAGE_ADDRESS             "address"
#define PAGE_TRUST               "trust"
#define PAGE_CERTIFICATE_CHANGED "certificate-changed"
#define PAGE_STATUS              "status"
#define PAGE_SIGN_IN             "sign-in"
#define PAGE_SIGNED_IN           "signed-in"

/**
 * CrmWindow:
 *
 * The main window. Its pages lead to a connected server, as ssh does:
 *
 * - `address` (#CrmAddressPage): asks for the server's address, on the first
 *   run and after "Change Server…". Errors of a connection tried from here
 *   show on this page.
 * - `trust` (#CrmTrustPage): the server's certificate is neither trusted by
 *   the system nor pinned; shows its fingerprint and asks. Trusting pins it
 *   (crm_trust_store_set_pin()) and connects.
 * - `certificate-changed` (#CrmCertificateChangedPage): the server presents
 *   another certificate than the pinned one; refused.
 * - `status`: the connection status of the server, polled while shown.
 * - `sign-in` (#CrmSignInPage): the server answers; who is at the desk? Shown
 *   once connected, unless a token stored with "Stay signed in" is still good.
 * - `signed-in`: the main shell, an #AdwLeaflet: a sidebar with the sections
 *   the role allows (of those this version has) and who is signed in, and the
 *   section's content (#CrmCustomersPage). "Sign Out" and any call answered
 *   401 lead back to `sign-in`.
 *
 * An address typed on the address page becomes the `server-url` setting only
 * once the server answered; until then the #CrmApiClient points at it, and
 * "Cancel" points the client back at the server it had before.
 */
struct _CrmWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template children */
  GtkButton            *cancel_button;
  GtkStack             *stack;
  CrmAddressPage       *address_page;
  CrmTrustPage         *trust_page;
  CrmCertificateChangedPage *certificate_changed_page;
  AdwStatusPage        *status_page;
  GtkLabel             *address_label;
  AdwActionRow         *state_row;
  GtkSpinner           *state_spinner;
  GtkImage             *state_image;
  GtkLabel             *state_label;
  GtkLabel             *version_label;
  GtkLabel             *schema_label;
  GtkLabel             *checked_label;
  GtkButton            *retry_button;
  CrmSignInPage        *sign_in_page;
  GtkButton            *sidebar_button;
  AdwLeaflet           *leaflet;
  GtkListBox           *sections_list;
  GtkLabel             *account_name_label;
  GtkLabel             *account_role_label;
  GtkButton            *sign_out_button;
  GtkStack             *section_stack;
  CrmCustomersPage     *customers_page;
  CrmAdminPage         *admin_page;
  AdwStatusPage        *notice_page;
  GtkLabel             *mfa_notice_label;
  GtkButton            *mfa_setup_button;
  CrmGlobalSearch      *global_search;
  CrmNotificationsButton *notifications_button;

  CrmApiClient         *api_client;
  GSettings            *settings;

  GCancellable         *cancellable;      /* the health request in flight */
  guint                 poll_source;      /* the next scheduled check */
  CrmConnectionState    connection_state;
  CrmHealth            *health;           /* the last answer */
  GError               *error;            /* why the last check failed */
  GDateTime            *checked_at;       /* when the last check ended */

  /* The client points at an address typed on the address page that is not
   * saved as the server-url setting yet. */
  gboolean              unsaved;
  /* Where the client pointed before "Change Server…", for "Cancel". */
  char                 *previous_url;
  GTlsCertificate      *previous_pin;

  CrmAccount           *account;          /* who is signed in, or NULL */
  GtkWindow            *mfa_dialog;       /* two-factor sign-in being set up, or NULL */
  GCancellable         *session_cancellable; /* restoring a stored session */
  GCancellable         *account_cancellable; /* reading the session again (rules changed) */
};

G_DEFINE_ENUM_TYPE (CrmConnectionState, crm_connection_state,
                    G_DEFINE_ENUM_VALUE (CRM_CONNECTION_STATE_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (CRM_CONNECTION_STATE_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE,
                                         "database-unavailable"),
                    G_DEFINE_ENUM_VALUE (CRM_CONNECTION_STATE_UNREACHABLE, "unreachable"),
                    G_DEFINE_ENUM_VALUE (CRM_CONNECTION_STATE_NO_SERVER, "no-server"),
                    G_DEFINE_ENUM_VALUE (CRM_CONNECTION_STATE_UNTRUSTED_CERTIFICATE,
                                         "untrusted-certificate"),
                    G_DEFINE_ENUM_VALUE (CRM_CONNECTION_STATE_CERTIFICATE_CHANGED,
                                         "certificate-changed"))

G_DEFINE_FINAL_TYPE (CrmWindow, crm_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_API_CLIENT,
  PROP_SETTINGS,
  PROP_CONNECTION_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* What an API error code means to the person at the desk. */
static const struct
{
  CrmApiError  code;
  const char  *text;
} api_error_texts[] = {
  { CRM_API_ERROR_MALFORMED,
    N_("The server sent a reply this version of Rapport does not understand.") },
  { CRM_API_ERROR_UNAUTHENTICATED,
    N_("The server asks for a sign-in before it answers.") },
  { CRM_API_ERROR_FORBIDDEN,
    N_("The server refused access.") },
  { CRM_API_ERROR_NOT_FOUND,
    N_("This address does not belong to a Rapport server.") },
  { CRM_API_ERROR_METHOD_NOT_ALLOWED,
    N_("This address does not belong to a Rapport server.") },
  { CRM_API_ERROR_RATE_LIMITED,
    N_("The server is busy. Try again in a moment.") },
  { CRM_API_ERROR_INTERNAL,
    N_("The server ran into an internal error.") },
  { CRM_API_ERROR_UNAVAILABLE,
    N_("The server cannot reach its database.") },
};

/* The state classes of the status page, see style.css (the states after these
 * have pages of their own). */
static const char * const state_css_classes[] = {
  [CRM_CONNECTION_STATE_CONNECTING] = "connecting",
  [CRM_CONNECTION_STATE_CONNECTED] = "connected",
  [CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE] = "database-unavailable",
  [CRM_CONNECTION_STATE_UNREACHABLE] = "unreachable",
};

static void check_health         (CrmWindow  *self,
                                  gboolean    show_progress);
static void enter_session        (CrmWindow  *self);
static void api_client_notify_cb (CrmWindow  *self,
                                  GParamSpec *pspec);

static const char *
describe_error (const GError *error)
{
  if (error->domain == CRM_API_ERROR)
    {
      for (guint i = 0; i < G_N_ELEMENTS (api_error_texts); i++)
        if (api_error_texts[i].code == (CrmApiError) error->code)
          return _(api_error_texts[i].text);
      return _("The server reported an error.");
    }

  if (error->domain == G_TLS_ERROR)
    {
      if (error->code == G_TLS_ERROR_BAD_CERTIFICATE)
        return _("The server’s certificate is not trusted. Ask your administrator for the "
                 "server’s certificate.");
      if (error->code == G_TLS_ERROR_NOT_TLS)
        return _("The server does not offer a secure connection at this address.");
      return _("A secure connection to the server could not be set up.");
    }

  if (error->domain == G_RESOLVER_ERROR)
    return _("The server’s name could not be found. Check the address.");

  if (error->domain == SOUP_SESSION_ERROR)
    return _("The server’s reply could not be read. Check the address.");

  if (error->domain == G_IO_ERROR)
    {
      switch (error->code)
        {
        case G_IO_ERROR_CONNECTION_REFUSED:
          return _("The server refused the connection. Check the address and that the "
                   "server is running.");
        case G_IO_ERROR_TIMED_OUT:
          return _("The server did not answer in time.");
        case G_IO_ERROR_HOST_NOT_FOUND:
          return _("The server’s name could not be found. Check the address.");
        case G_IO_ERROR_HOST_UNREACHABLE:
        case G_IO_ERROR_NETWORK_UNREACHABLE:
          return _("The network is unreachable. Check your connection.");
        case G_IO_ERROR_INVALID_ARGUMENT:
          return _("The server address is not valid.");
        default:
          break;
        }
    }

  return _("The server could not be reached.");
}

static void
set_label_state_class (GtkWidget  *widget,
                       const char *css_class)
{
  static const char * const classes[] = { "success", "warning", "error" };

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (g_strcmp0 (classes[i], css_class) == 0)
        gtk_widget_add_css_class (widget, classes[i]);
      else
        gtk_widget_remove_css_class (widget, classes[i]);
    }
}

static char *
format_schema (const CrmHealth *health)
{
  g_autofree char *version = NULL;
  g_autofree char *expected = NULL;

  if (health == NULL || health->schema_version < 0)
    return g_strdup (_("Unknown"));

  version = g_strdup_printf ("%" G_GINT64_FORMAT, health->schema_version);
  if (health->schema_expected < 0 || health->schema_expected == health->schema_version)
    return g_steal_pointer (&version);

  expected = g_strdup_printf ("%" G_GINT64_FORMAT, health->schema_expected);
  /* Translators: the database's schema version, then the one the server needs. */
  return g_strdup_printf (_("%s (server expects %s)"), version, expected);
}

static void
update_view (CrmWindow *self)
{
  g_autofree char *description = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *checked = NULL;
  const char *base_url = NULL;
  const char *icon_name = NULL;
  const char *title = NULL;
  const char *state_text = NULL;
  const char *state_icon = NULL;
  const char *state_class = NULL;

  /* These states have pages of their own: the status page keeps what it showed,
   * while it fades out. */
  if (self->connection_state == CRM_CONNECTION_STATE_NO_SERVER
      || self->connection_state == CRM_CONNECTION_STATE_UNTRUSTED_CERTIFICATE
      || self->connection_state == CRM_CONNECTION_STATE_CERTIFICATE_CHANGED)
    return;

  if (self->api_client != NULL)
    base_url = crm_api_client_get_base_url (self->api_client);
  if (base_url == NULL || *base_url == '\0')
    base_url = _("Not set");

  switch (self->connection_state)
    {
    case CRM_CONNECTION_STATE_CONNECTING:
      icon_name = APP_ID "-symbolic";
      title = _("Connecting…");
      /* Translators: %s is the server's address, such as https://crm.example.com:8443 */
      description = g_strdup_printf (_("Contacting the Rapport server at %s."), base_url);
      state_text = _("Connecting…");
      break;

    case CRM_CONNECTION_STATE_CONNECTED:
      icon_name = "emblem-ok-symbolic";
      title = _("Connected");
      description = g_strdup (_("The server is running and its database is ready."));
      state_text = _("Connected");
      state_icon = "emblem-ok-symbolic";
      state_class = "success";
      break;

    case CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE:
      icon_name = "dialog-warning-symbolic";
      title = _("Database Unavailable");
      description = g_strdup (_("The server is running but cannot reach its database. "
                                "Ask your administrator to check the database server."));
      state_text = _("Database unavailable");
      state_icon = "dialog-warning-symbolic";
      state_class = "warning";
      break;

    case CRM_CONNECTION_STATE_UNREACHABLE:
    default:
      icon_name = "network-offline-symbolic";
      title = _("Server Unreachable");
      description = g_strdup (self->error != NULL
                              ? describe_error (self->error)
                              : _("The server could not be reached."));
      state_text = _("Unreachable");
      state_icon = "network-offline-symbolic";
      state_class = "error";
      break;
    }

  /* The status page takes markup; the address and messages are plain text. */
  markup = g_markup_escape_text (description, -1);
  adw_status_page_set_icon_name (self->status_page, icon_name);
  adw_status_page_set_title (self->status_page, title);
  adw_status_page_set_description (self->status_page, markup);
  for (guint i = 0; i < G_N_ELEMENTS (state_css_classes); i++)
    {
      if (i == self->connection_state)
        gtk_widget_add_css_class (GTK_WIDGET (self->status_page), state_css_classes[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->status_page), state_css_classes[i]);
    }

  gtk_label_set_text (self->address_label, base_url);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->address_label), base_url);

  gtk_widget_set_visible (GTK_WIDGET (self->state_spinner),
                          self->connection_state == CRM_CONNECTION_STATE_CONNECTING);
  gtk_spinner_set_spinning (self->state_spinner,
                            self->connection_state == CRM_CONNECTION_STATE_CONNECTING);
  gtk_widget_set_visible (GTK_WIDGET (self->state_image), state_icon != NULL);
  gtk_image_set_from_icon_name (self->state_image, state_icon);
  set_label_state_class (GTK_WIDGET (self->state_image), state_class);
  gtk_label_set_text (self->state_label, state_text);
  set_label_state_class (GTK_WIDGET (self->state_label), state_class);

  gtk_label_set_text (self->version_label,
                      self->health != NULL && self->health->server_version != NULL
                      && *self->health->server_version != '\0'
                      ? self->health->server_version : _("Unknown"));

  schema = format_schema (self->health);
  gtk_label_set_text (self->schema_label, schema);

  if (self->checked_at != NULL)
    checked = g_date_time_format (self->checked_at, "%X");
  gtk_label_set_text (self->checked_label, checked != NULL ? checked : _("Never"));

  /* The technical reason, for the administrator the user will call. */
  adw_action_row_set_subtitle (self->state_row,
                               self->error != NULL ? self->error->message : NULL);

  /* Offered after a failure; it stays in place, insensitive, while a retry runs. */
  gtk_widget_set_visible (GTK_WIDGET (self->retry_button),
                          self->connection_state != CRM_CONNECTION_STATE_CONNECTED
                          && (self->connection_state != CRM_CONNECTION_STATE_CONNECTING
                              || self->checked_at != NULL));
}

static gboolean
page_is (CrmWindow  *self,
         const char *name)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), name) == 0;
}

static gboolean
has_server (CrmWindow *self)
{
  const char *base_url;

  if (self->api_client == NULL)
    return FALSE;
  base_url = crm_api_client_get_base_url (self->api_client);
  return base_url != NULL && *base_url != '\0';
}

static void
update_actions (CrmWindow *self)
{
  gboolean can_cancel = page_is (self, PAGE_ADDRESS) && self->previous_url != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.retry",
                                 self->api_client != NULL
                                 && page_is (self, PAGE_STATUS)
                                 && self->connection_state != CRM_CONNECTION_STATE_CONNECTING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.change-server",
                                 self->api_client != NULL && !page_is (self, PAGE_ADDRESS));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.cancel-change-server", can_cancel);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out", self->account != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.two-factor",
                                 self->account != NULL && !self->account->mfa_enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.global-search",
                                 self->account != NULL
                                 && !self->account->mfa_enrollment_required
                                 && page_is (self, PAGE_SIGNED_IN));
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), can_cancel);
}

static void
set_connection_state (CrmWindow          *self,
                      CrmConnectionState  state)
{
  gboolean changed = self->connection_state != state;

  self->connection_state = state;
  update_view (self);
  update_actions (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTION_STATE]);
}

static void
stop_checking (CrmWindow *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->address_page != NULL)
    crm_address_page_set_busy (self->address_page, FALSE);
}

static void
stop_session_check (CrmWindow *self)
{
  g_cancellable_cancel (self->session_cancellable);
  g_clear_object (&self->session_cancellable);
  g_cancellable_cancel (self->account_cancellable);
  g_clear_object (&self->account_cancellable);
}

static void
show_page (CrmWindow  *self,
           const char *name)
{
  GtkWidget *page;

  /* Only the status page polls the server. */
  if (g_strcmp0 (name, PAGE_STATUS) != 0)
    g_clear_handle_id (&self->poll_source, g_source_remove);

  gtk_stack_set_visible_child_name (self->stack, name);
  page = gtk_stack_get_visible_child (self->stack);
  if (self->leaflet != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button),
                            g_strcmp0 (name, PAGE_SIGNED_IN) == 0
                            && adw_leaflet_get_folded (self->leaflet)
                            && g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet),
                                          "content") == 0);
  if (g_strcmp0 (name, PAGE_STATUS) != 0 && gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_widget_grab_focus (page);
  update_actions (self);
}

/* Points the client at @url with the certificate pinned for it (@pin when
 * @use_pin), without the window taking it for a change made elsewhere. */
static void
point_client_at (CrmWindow       *self,
                 const char      *url,
                 gboolean         use_pin,
                 GTlsCertificate *pin)
{
  g_autoptr(GTlsCertificate) stored = NULL;

  /* First, so that the request the client aborts reports itself cancelled. */
  stop_checking (self);
  if (!use_pin && self->settings != NULL)
    stored = crm_trust_store_dup_pin (self->settings, url);

  if (g_strcmp0 (url, crm_api_client_get_base_url (self->api_client)) != 0)
    {
      stop_session_check (self);
      g_clear_pointer (&self->account, crm_account_free);
    }

  g_signal_handlers_block_by_func (self->api_client, api_client_notify_cb, self);
  crm_api_client_set_base_url (self->api_client, url);
  crm_api_client_set_pinned_certificate (self->api_client, use_pin ? pin : stored);
  g_signal_handlers_unblock_by_func (self->api_client, api_client_notify_cb, self);
}

/* The server answered: an address typed on the address page becomes the setting. */
static void
save_server (CrmWindow *self)
{
  if (self->unsaved && self->settings != NULL)
    g_settings_set_string (self->settings, "server-url",
                           crm_api_client_get_base_url (self->api_client));
  self->unsaved = FALSE;
  g_clear_pointer (&self->previous_url, g_free);
  g_clear_object (&self->previous_pin);
}

static void
show_no_server (CrmWindow *self)
{
  stop_checking (self);
  g_clear_pointer (&self->health, crm_health_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->checked_at, g_date_time_unref);
  crm_address_page_set_text (self->address_page, NULL);
  show_page (self, PAGE_ADDRESS);
  set_connection_state (self, CRM_CONNECTION_STATE_NO_SERVER);
}

static gboolean
poll_timeout_cb (gpointer user_data)
{
  CrmWindow *self = user_data;

  self->poll_source = 0;
  check_health (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (CrmWindow *self)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && page_is (self, PAGE_STATUS))
    self->poll_source = g_timeout_add_seconds (POLL_INTERVAL_SECONDS, poll_timeout_cb, self);
}

static void
get_health_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CrmWindow) self = user_data;
  g_autoptr(CrmHealth) health = NULL;
  g_autoptr(GTlsCertificate) peer_certificate = NULL;
  g_autoptr(GError) error = NULL;
  const char *base_url = crm_api_client_get_base_url (CRM_API_CLIENT (object));
  gboolean from_address_page;
  CrmConnectionState state;

  health = crm_api_client_get_health_finish (CRM_API_CLIENT (object), result, &peer_certificate,
                                             &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->health, crm_health_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->checked_at, g_date_time_unref);
  self->checked_at = g_date_time_new_now_local ();
  from_address_page = page_is (self, PAGE_ADDRESS);
  crm_address_page_set_busy (self->address_page, FALSE);

  if (health != NULL)
    {
      g_debug ("Server %s answers, database %s",
               health->server_version, health->database_ok ? "ok" : "unavailable");
      state = health->database_ok
              ? CRM_CONNECTION_STATE_CONNECTED
              : CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE;
      self->health = g_steal_pointer (&health);
    }
  else
    {
      g_debug ("Health check failed: %s", error->message);
      if (g_error_matches (error, CRM_API_ERROR, CRM_API_ERROR_UNAVAILABLE))
        state = CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE;
      else if (g_error_matches (error, CRM_API_CLIENT_ERROR,
                                CRM_API_CLIENT_ERROR_UNTRUSTED_CERTIFICATE))
        state = CRM_CONNECTION_STATE_UNTRUSTED_CERTIFICATE;
      else if (g_error_matches (error, CRM_API_CLIENT_ERROR,
                                CRM_API_CLIENT_ERROR_CERTIFICATE_CHANGED))
        state = CRM_CONNECTION_STATE_CERTIFICATE_CHANGED;
      else
        state = CRM_CONNECTION_STATE_UNREACHABLE;
      self->error = g_steal_pointer (&error);
    }

  switch (state)
    {
    case CRM_CONNECTION_STATE_UNTRUSTED_CERTIFICATE:
      crm_trust_page_set_url (self->trust_page, base_url);
      crm_trust_page_set_certificate (self->trust_page, peer_certificate);
      show_page (self, PAGE_TRUST);
      break;

    case CRM_CONNECTION_STATE_CERTIFICATE_CHANGED:
      crm_certificate_changed_page_set_url (self->certificate_changed_page, base_url);
      crm_certificate_changed_page_set_pinned_certificate (
        self->certificate_changed_page,
        crm_api_client_get_pinned_certificate (CRM_API_CLIENT (object)));
      crm_certificate_changed_page_set_presented_certificate (self->certificate_changed_page,
                                                              peer_certificate);
      show_page (self, PAGE_CERTIFICATE_CHANGED);
      break;

    case CRM_CONNECTION_STATE_UNREACHABLE:
      /* A typed address that does not work: say so where it was typed. */
      if (from_address_page)
        crm_address_page_set_error (self->address_page, describe_error (self->error));
      else
        show_page (self, PAGE_STATUS);
      break;

    case CRM_CONNECTION_STATE_CONNECTED:
      save_server (self);
      if (page_is (self, PAGE_ADDRESS))
        show_page (self, PAGE_STATUS);
      set_connection_state (self, state);
      enter_session (self);
      schedule_poll (self);
      return;

    case CRM_CONNECTION_STATE_DATABASE_UNAVAILABLE:
    case CRM_CONNECTION_STATE_CONNECTING:
    case CRM_CONNECTION_STATE_NO_SERVER:
    default:
      save_server (self);
      show_page (self, PAGE_STATUS);
      break;
    }

  set_connection_state (self, state);
  schedule_poll (self);
}

/* Asks the server for its health. With @show_progress the window forgets what it
 * knew and shows the connecting state; without, it updates silently (polling). */
static void
check_health (CrmWindow *self,
              gboolean   show_progress)
{
  stop_checking (self);
  if (self->api_client == NULL)
    return;

  if (show_progress)
    {
      g_clear_pointer (&self->health, crm_health_free);
      g_clear_error (&self->error);
      set_connection_state (self, CRM_CONNECTION_STATE_CONNECTING);
    }

  self->cancellable = g_cancellable_new ();
  crm_address_page_set_busy (self->address_page, page_is (self, PAGE_ADDRESS));
  crm_api_client_get_health_async (self->api_client, self->cancellable,
                                   get_health_cb, g_object_ref (self));
}

/* The client was pointed elsewhere from outside the window (the settings changed). */
static void
api_client_notify_cb (CrmWindow  *self,
                      GParamSpec *pspec)
{
  self->unsaved = FALSE;
  g_clear_pointer (&self->previous_url, g_free);
  g_clear_object (&self->previous_pin);
  crm_window_refresh (self);
}

static void
address_page_submitted_cb (CrmWindow      *self,
                           const char     *url,
                           CrmAddressPage *page)
{
  if (self->api_client == NULL)
    return;

  g_debug ("Connecting to %s", url);
  point_client_at (self, url, FALSE, NULL);
  self->unsaved = TRUE;
  check_health (self, TRUE);
}

static void
trust_page_accepted_cb (CrmWindow    *self,
                        CrmTrustPage *page)
{
  GTlsCertificate *certificate = crm_trust_page_get_certificate (page);
  const char *url = crm_trust_page_get_url (page);

  if (self->api_client == NULL || certificate == NULL || url == NULL
      || g_strcmp0 (url, crm_api_client_get_base_url (self->api_client)) != 0)
    return;

  /* Pinned now, saved as the server-url only once the server answers. */
  point_client_at (self, url, TRUE, certificate);
  if (self->settings != NULL)
    crm_trust_store_set_pin (self->settings, url, certificate);

  show_page (self, PAGE_STATUS);
  check_health (self, TRUE);
}

/* "Cancel" on the trust and the certificate-changed page: back to the address. */
static void
page_cancelled_cb (CrmWindow *self,
                   GtkWidget *page)
{
  stop_checking (self);
  crm_address_page_set_text (self->address_page,
                             self->api_client != NULL
                             ? crm_api_client_get_base_url (self->api_client) : NULL);
  show_page (self, PAGE_ADDRESS);
}

static void
certificate_changed_page_forgotten_cb (CrmWindow                 *self,
                                       CrmCertificateChangedPage *page)
{
  const char *url = crm_certificate_changed_page_get_url (page);

  if (self->api_client == NULL || url == NULL
      || g_strcmp0 (url, crm_api_client_get_base_url (self->api_client)) != 0)
    return;

  /* Like a server never seen: the new certificate goes through the trust page. */
  g_debug ("Forgetting the certificate pinned for %s", url);
  point_client_at (self, url, TRUE, NULL);
  if (self->settings != NULL)
    crm_trust_store_set_pin (self->settings, url, NULL);

  show_page (self, PAGE_STATUS);
  check_health (self, TRUE);
}


/* --- the session --------------------------------------------------------- */

/* The sections this version has a page for, by their page in section_stack. */
static gboolean
section_is_implemented (CrmSection section)
{
  return section == CRM_SECTION_CUSTOMERS || section == CRM_SECTION_ADMINISTRATION;
}

static void
fill_sections (CrmWindow *self)
{
  CrmSection sections[CRM_N_SECTIONS];
  GtkWidget *child;
  guint n;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sections_list))) != NULL)
    gtk_list_box_remove (self->sections_list, child);
  if (self->account->mfa_enrollment_required)
    return;

  n = crm_sections_allowed (self->account->permissions, sections);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row;
      GtkWidget *label;

      if (!section_is_implemented (sections[i]))
        continue;
      label = gtk_label_new (crm_section_get_title (sections[i]));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      row = gtk_list_box_row_new ();
      gtk_widget_set_name (row, crm_section_get_id (sections[i]));
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
      gtk_list_box_append (self->sections_list, row);
    }
}

static void
update_sidebar_button (CrmWindow *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button),
                          page_is (self, PAGE_SIGNED_IN)
                          && adw_leaflet_get_folded (self->leaflet)
                          && g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet),
                                        "content") == 0);
}

static void
leaflet_notify_cb (CrmWindow  *self,
                   GParamSpec *pspec)
{
  update_sidebar_button (self);
}

static void
sidebar_button_clicked_cb (CrmWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
sections_list_row_selected_cb (CrmWindow     *self,
                               GtkListBoxRow *row,
                               GtkListBox    *list)
{
  if (row == NULL)
    return;
  gtk_stack_set_visible_child_name (self->section_stack, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
sections_list_row_activated_cb (CrmWindow     *self,
                                GtkListBoxRow *row,
                                GtkListBox    *list)
{
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
show_signed_in (CrmWindow *self)
{
  GtkListBoxRow *first;

  g_assert (self->account != NULL);

  gtk_label_set_text (self->account_name_label, self->account->display_name);
  gtk_label_set_text (self->account_role_label, self->account->role_name);
  {
    /* Translators: the user's name, then their role, such as "Signed in as Li Wei (Sales rep)" */
    g_autofree char *tooltip = g_strdup_printf (_("Signed in as %s (%s)"),
                                                self->account->display_name,
                                                self->account->role_name);

    gtk_widget_set_tooltip_text (GTK_WIDGET (self->account_name_label), tooltip);
  }
  fill_sections (self);
  gtk_widget_set_visible (GTK_WIDGET (self->mfa_notice_label),
                          self->account->mfa_enrollment_required);
  first = gtk_list_box_get_row_at_index (self->sections_list, 0);
  if (first != NULL)
    {
      gtk_list_box_select_row (self->sections_list, first);
      gtk_stack_set_visible_child_name (self->section_stack,
                                        gtk_widget_get_name (GTK_WIDGET (first)));
      crm_customers_page_start (self->customers_page, self->api_client, self->settings,
                                self->account);
      if (crm_section_is_allowed (CRM_SECTION_ADMINISTRATION, self->account->permissions))
        crm_admin_page_start (self->admin_page, self->api_client, self->account);
      else
        crm_admin_page_stop (self->admin_page);
    }
  else
    {
      g_autofree char *title = NULL;

      crm_customers_page_stop (self->customers_page);
      /* Translators: the user's name, then their role, such as "Signed in as Li Wei (Sales rep)" */
      title = g_strdup_printf (_("Signed in as %s (%s)"), self->account->display_name,
                               self->account->role_name);
      adw_status_page_set_title (self->notice_page, title);
      adw_status_page_set_description (self->notice_page,
                                       self->account->mfa_enrollment_required
                                       ? NULL
                                       : _("Your role gives you no section of this version of "
                                           "Rapport yet."));
      gtk_stack_set_visible_child_name (self->section_stack, "notice");
    }
  crm_notifications_button_start (self->notifications_button, self->api_client,
                                  self->settings);
  gtk_widget_set_visible (GTK_WIDGET (self->notifications_button), TRUE);
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  show_page (self, PAGE_SIGNED_IN);
  update_sidebar_button (self);
  if (!self->account->mfa_enrollment_required)
    crm_global_search_start (self->global_search, self->api_client, self->account);
  else
    crm_global_search_stop (self->global_search);
  gtk_widget_set_visible (GTK_WIDGET (self->global_search),
                          !self->account->mfa_enrollment_required);
  update_actions (self);
  if (self->account->mfa_enrollment_required)
    gtk_widget_grab_focus (GTK_WIDGET (self->mfa_setup_button));
}

/* A notification names a customer: show it, when the role has the section. */
static void
notifications_button_open_customer_cb (CrmWindow *self,
                                       gint64     id)
{
  crm_window_open_customer (self, id);
}

static void
show_sign_in (CrmWindow  *self,
              const char *message)
{
  crm_sign_in_page_reset (self->sign_in_page);
  crm_sign_in_page_set_message (self->sign_in_page, message);
  show_page (self, PAGE_SIGN_IN);
}

static void
token_store_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Without a keyring the user signs in again next time: nothing else breaks. */
  if (!crm_token_store_save_finish (result, &error))
    g_debug ("The session could not be stored in the keyring: %s", error->message);
}

static void
token_store_cleared_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!crm_token_store_clear_finish (result, &error) && error != NULL)
    g_debug ("The stored session could not be deleted: %s", error->message);
}

/* Forgets who is signed in, here and (with @clear_stored) in the keyring. */
static void
forget_session (CrmWindow *self,
                gboolean   clear_stored)
{
  const char *base_url = crm_api_client_get_base_url (self->api_client);

  stop_session_check (self);
  g_clear_pointer (&self->account, crm_account_free);
  crm_customers_page_stop (self->customers_page);
  crm_global_search_stop (self->global_search);
  gtk_widget_set_visible (GTK_WIDGET (self->global_search), FALSE);
  if (self->mfa_dialog != NULL)
    gtk_window_destroy (self->mfa_dialog);
  crm_notifications_button_stop (self->notifications_button);
  gtk_widget_set_visible (GTK_WIDGET (self->notifications_button), FALSE);
  crm_admin_page_stop (self->admin_page);
  crm_api_client_set_token (self->api_client, NULL);
  if (clear_stored && base_url != NULL && *base_url != '\0')
    crm_token_store_clear_async (base_url, NULL, token_store_cleared_cb, NULL);
  update_actions (self);
}

static void
get_session_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CrmWindow) self = user_data;
  g_autoptr(CrmAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = crm_api_client_get_session_finish (CRM_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->session_cancellable);

  if (account != NULL)
    {
      g_debug ("Signed in again as %s", account->username);
      g_clear_pointer (&self->account, crm_account_free);
      self->account = g_steal_pointer (&account);
      update_actions (self);
      show_signed_in (self);
      return;
    }

  g_debug ("The stored session is not usable: %s", error->message);
  if (g_error_matches (error, CRM_API_ERROR, CRM_API_ERROR_UNAUTHENTICATED))
    {
      forget_session (self, TRUE);
      show_sign_in (self, _("Your session has ended. Sign in again."));
    }
  else
    {
      /* Kept in the keyring: the server may answer next time. */
      forget_session (self, FALSE);
      show_sign_in (self, describe_error (error));
    }
}

static void
restore_session (CrmWindow *self)
{
  g_clear_object (&self->session_cancellable);
  self->session_cancellable = g_cancellable_new ();
  crm_api_client_get_session_async (self->api_client, self->session_cancellable,
                                    get_session_cb, g_object_ref (self));
}

static void
token_store_lookup_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(CrmWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  token = crm_token_store_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || self->session_cancellable == NULL
      || g_cancellable_is_cancelled (self->session_cancellable))
    return;

  if (error != NULL)
    g_debug ("No keyring to look up a stored session in: %s", error->message);
  if (token == NULL)
    {
      g_clear_object (&self->session_cancellable);
      show_sign_in (self, NULL);
      return;
    }

  g_debug ("Trying the session stored for %s", crm_api_client_get_base_url (self->api_client));
  crm_api_client_set_token (self->api_client, token);
  restore_session (self);
}

/* The server answers: back to the session if one is open, else a stored one,
 * else the sign-in page. */
static void
enter_session (CrmWindow *self)
{
  const char *token = crm_api_client_get_token (self->api_client);
  const char *base_url = crm_api_client_get_base_url (self->api_client);

  if (self->session_cancellable != NULL)
    return;

  if (self->account != NULL && token != NULL && g_strcmp0 (self->account->token, token) == 0)
    {
      show_signed_in (self);
      return;
    }
  g_clear_pointer (&self->account, crm_account_free);
  update_actions (self);

  if (token != NULL)
    {
      restore_session (self);
      return;
    }

  self->session_cancellable = g_cancellable_new ();
  crm_token_store_lookup_async (base_url, self->session_cancellable, token_store_lookup_cb,
                                g_object_ref (self));
}

static void
sign_in_page_signed_in_cb (CrmWindow     *self,
                           CrmAccount    *account,
                           CrmSignInPage *page)
{
  const char *base_url = crm_api_client_get_base_url (self->api_client);

  stop_session_check (self);
  g_clear_pointer (&self->account, crm_account_free);
  self->account = crm_account_copy (account);
  crm_api_client_set_token (self->api_client, account->token);

  /* Without "Stay signed in", the token lives in memory only. */
  if (crm_sign_in_page_get_stay_signed_in (page))
    crm_token_store_save_async (base_url, account->username, account->token, NULL,
                                token_store_saved_cb, NULL);

  crm_sign_in_page_reset (page);
  update_actions (self);
  show_signed_in (self);
}

/* A call with the token was answered 401: the session expired or was revoked. */
static void
api_client_unauthorized_cb (CrmWindow    *self,
                            CrmApiClient *api_client)
{
  /* A stored session being tried: get_session_cb () handles it. */
  if (self->account == NULL)
    return;

  g_debug ("The session ended on the server");
  forget_session (self, TRUE);
  show_sign_in (self, _("Your session has ended. Sign in again."));
}

static void
sign_out_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Signed out here either way; the server's session expires on its own. */
  if (!crm_api_client_sign_out_finish (CRM_API_CLIENT (object), result, &error))
    g_debug ("The server did not end the session: %s", error->message);
}

static void
sign_out_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);

  if (self->account == NULL)
    return;

  g_debug ("Signing out %s", self->account->username);
  /* Sent with the token, which the client forgets right after. */
  crm_api_client_sign_out_async (self->api_client, NULL, sign_out_cb, NULL);
  forget_session (self, TRUE);
  show_sign_in (self, NULL);
}

/* Two-factor sign-in is on: a role that required it now allows the rest. */
static void
mfa_dialog_enrolled_cb (CrmWindow    *self,
                        CrmMfaDialog *dialog)
{
  if (self->account == NULL)
    return;
  self->account->mfa_enabled = TRUE;
  update_actions (self);
  if (self->account->mfa_enrollment_required)
    restore_session (self);
}

static void
two_factor_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);
  CrmMfaDialog *dialog;

  if (self->account == NULL || self->account->mfa_enabled)
    return;
  if (self->mfa_dialog != NULL)
    {
      gtk_window_present (self->mfa_dialog);
      return;
    }
  dialog = crm_mfa_dialog_new (GTK_WINDOW (self), self->api_client);
  g_signal_connect_object (dialog, "enrolled", G_CALLBACK (mfa_dialog_enrolled_cb), self,
                           G_CONNECT_SWAPPED);
  self->mfa_dialog = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->mfa_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
global_search_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);

  crm_global_search_focus (self->global_search);
}

/* A search result: its customer, in the Customers section. */
static void
global_search_open_customer_cb (CrmWindow       *self,
                                gint64           id,
                                CrmGlobalSearch *search)
{
  crm_window_open_customer (self, id);
}

static void
retry_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  crm_window_refresh (CRM_WINDOW (widget));
}

static void
change_server_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);
  const char *base_url = crm_api_client_get_base_url (self->api_client);
  GTlsCertificate *pin = crm_api_client_get_pinned_certificate (self->api_client);

  if (self->previous_url == NULL && has_server (self))
    {
      self->previous_url = g_strdup (base_url);
      g_set_object (&self->previous_pin, pin);
    }

  stop_checking (self);
  crm_address_page_set_text (self->address_page, base_url);
  show_page (self, PAGE_ADDRESS);
}

static void
cancel_change_server_action_cb (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  CrmWindow *self = CRM_WINDOW (widget);
  g_autofree char *url = g_steal_pointer (&self->previous_url);
  g_autoptr(GTlsCertificate) pin = g_steal_pointer (&self->previous_pin);

  if (url == NULL)
    return;

  stop_checking (self);
  point_client_at (self, url, TRUE, pin);
  self->unsaved = FALSE;
  show_page (self, PAGE_STATUS);
  check_health (self, TRUE);
}

static void
load_window_state (CrmWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
save_window_state (CrmWindow *self)
{
  gboolean maximized;
  int width = 0;
  int height = 0;

  if (self->settings == NULL)
    return;

  maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", maximized);
  if (!maximized)
    {
      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      if (width > 0 && height > 0)
        {
          g_settings_set_int (self->settings, "window-width", MAX (width, MIN_WIDTH));
          g_settings_set_int (self->settings, "window-height", MAX (height, MIN_HEIGHT));
        }
    }
  g_settings_apply (self->settings);
}

static gboolean
crm_window_close_request (GtkWindow *window)
{
  save_window_state (CRM_WINDOW (window));

  return GTK_WINDOW_CLASS (crm_window_parent_class)->close_request (window);
}

static void
crm_window_map (GtkWidget *widget)
{
  CrmWindow *self = CRM_WINDOW (widget);

  GTK_WIDGET_CLASS (crm_window_parent_class)->map (widget);

  if (self->cancellable == NULL && self->poll_source == 0 && page_is (self, PAGE_STATUS))
    check_health (self, self->checked_at == NULL);
  else if (!page_is (self, PAGE_STATUS))
    gtk_widget_grab_focus (gtk_stack_get_visible_child (self->stack));
}

static void
crm_window_unmap (GtkWidget *widget)
{
  stop_checking (CRM_WINDOW (widget));

  GTK_WIDGET_CLASS (crm_window_parent_class)->unmap (widget);
}

static void
account_refreshed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(CrmWindow) self = user_data;
  g_autoptr(CrmAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  account = crm_api_client_get_session_finish (CRM_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->account_cancellable);
  if (account == NULL)
    {
      /* A session that ended shows itself on the next call (the client's "unauthorized"). */
      g_debug ("Reading the session again failed: %s", error->message);
      return;
    }
  /* Signed out, or in as someone else, meanwhile. */
  if (self->account == NULL || g_strcmp0 (self->account->token, account->token) != 0
      || self->account->mfa_enrollment_required || account->mfa_enrollment_required)
    return;
  g_clear_pointer (&self->account, crm_account_free);
  self->account = g_steal_pointer (&account);
  crm_customers_page_set_account (self->customers_page, self->account);
}

/* An admin changed a role or the field policies (or events were lost): the session again,
 * so that the pages offer what the server now allows (the protected fields). */
static void
stream_rules_cb (CrmWindow *self)
{
  if (self->account == NULL || self->account->mfa_enrollment_required)
    return;
  /* Only the newest answer counts: an older one may arrive last. */
  g_cancellable_cancel (self->account_cancellable);
  g_clear_object (&self->account_cancellable);
  self->account_cancellable = g_cancellable_new ();
  crm_api_client_get_session_async (self->api_client, self->account_cancellable,
                                    account_refreshed_cb, g_object_ref (self));
}

static void
crm_window_constructed (GObject *object)
{
  CrmWindow *self = CRM_WINDOW (object);

  G_OBJECT_CLASS (crm_window_parent_class)->constructed (object);

  if (self->api_client != NULL)
    {
      g_signal_connect_swapped (self->api_client, "notify::base-url",
                                G_CALLBACK (api_client_notify_cb), self);
      g_signal_connect_swapped (self->api_client, "notify::pinned-certificate",
                                G_CALLBACK (api_client_notify_cb), self);
      g_signal_connect_swapped (self->api_client, "unauthorized",
                                G_CALLBACK (api_client_unauthorized_cb), self);
      crm_sign_in_page_set_api_client (self->sign_in_page, self->api_client);
      g_signal_connect_object (crm_event_stream_get_for_client (self->api_client),
                               "event::rules", G_CALLBACK (stream_rules_cb), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (crm_event_stream_get_for_client (self->api_client),
                               "event::resync", G_CALLBACK (stream_rules_cb), self,
                               G_CONNECT_SWAPPED);
    }
  load_window_state (self);
  update_view (self);
  if (has_server (self))
    show_page (self, PAGE_STATUS);
  else
    show_no_server (self);
}

static void
crm_window_dispose (GObject *object)
{
  CrmWindow *self = CRM_WINDOW (object);

  stop_checking (self);
  stop_session_check (self);
  if (self->api_client != NULL)
    g_signal_handlers_disconnect_by_data (self->api_client, self);
  if (self->mfa_dialog != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->mfa_dialog), (gpointer *) &self->mfa_dialog);
      gtk_window_destroy (g_steal_pointer (&self->mfa_dialog));
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_WINDOW);

  g_clear_object (&self->api_client);
  g_clear_object (&self->settings);
  g_clear_object (&self->previous_pin);

  G_OBJECT_CLASS (crm_window_parent_class)->dispose (object);
}

static void
crm_window_finalize (GObject *object)
{
  CrmWindow *self = CRM_WINDOW (object);

  g_clear_pointer (&self->health, crm_health_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->checked_at, g_date_time_unref);
  g_clear_pointer (&self->account, crm_account_free);
  g_free (self->previous_url);

  G_OBJECT_CLASS (crm_window_parent_class)->finalize (object);
}

static void
crm_window_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CrmWindow *self = CRM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      g_value_set_object (value, self->api_client);
      break;

    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_CONNECTION_STATE:
      g_value_set_enum (value, self->connection_state);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_window_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CrmWindow *self = CRM_WINDOW (object);

  switch (prop_id)
    {
    case PROP_API_CLIENT:
      self->api_client = g_value_dup_object (value);
      break;

    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_window_class_init (CrmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = crm_window_constructed;
  object_class->dispose = crm_window_dispose;
  object_class->finalize = crm_window_finalize;
  object_class->get_property = crm_window_get_property;
  object_class->set_property = crm_window_set_property;

  widget_class->map = crm_window_map;
  widget_class->unmap = crm_window_unmap;

  window_class->close_request = crm_window_close_request;

  /**
   * CrmWindow:api-client:
   *
   * The client the window asks the server's health through.
   */
  properties[PROP_API_CLIENT] =
    g_param_spec_object ("api-client", NULL, NULL,
                         CRM_TYPE_API_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmWindow:settings:
   *
   * The application's settings, where the window keeps its size.
   */
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmWindow:connection-state:
   *
   * What the window last learnt about the server.
   */
  properties[PROP_CONNECTION_STATE] =
    g_param_spec_enum ("connection-state", NULL, NULL,
                       CRM_TYPE_CONNECTION_STATE,
                       CRM_CONNECTION_STATE_CONNECTING,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, address_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, trust_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, certificate_changed_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, address_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, state_row);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, state_spinner);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, state_image);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, state_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, version_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, schema_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, checked_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, retry_button);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, sections_list);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, account_name_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, account_role_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, section_stack);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, customers_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, notifications_button);
  gtk_widget_class_bind_template_callback (widget_class, notifications_button_open_customer_cb);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, admin_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, notice_page);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, mfa_notice_label);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, mfa_setup_button);
  gtk_widget_class_bind_template_child (widget_class, CrmWindow, global_search);

  gtk_widget_class_bind_template_callback (widget_class, address_page_submitted_cb);
  gtk_widget_class_bind_template_callback (widget_class, trust_page_accepted_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_cancelled_cb);
  gtk_widget_class_bind_template_callback (widget_class, certificate_changed_page_forgotten_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_page_signed_in_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_notify_cb);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sections_list_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, sections_list_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, global_search_open_customer_cb);

  gtk_widget_class_install_action (widget_class, "win.retry", NULL, retry_action_cb);
  gtk_widget_class_install_action (widget_class, "win.change-server", NULL,
                                   change_server_action_cb);
  gtk_widget_class_install_action (widget_class, "win.cancel-change-server", NULL,
                                   cancel_change_server_action_cb);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action_cb);
  gtk_widget_class_install_action (widget_class, "win.two-factor", NULL, two_factor_action_cb);
  gtk_widget_class_install_action (widget_class, "win.global-search", NULL,
                                   global_search_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0,
                                       "win.cancel-change-server", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.retry", NULL);
}

static void
crm_window_init (CrmWindow *self)
{
  g_type_ensure (CRM_TYPE_ADDRESS_PAGE);
  g_type_ensure (CRM_TYPE_TRUST_PAGE);
  g_type_ensure (CRM_TYPE_CERTIFICATE_CHANGED_PAGE);
  g_type_ensure (CRM_TYPE_SIGN_IN_PAGE);
  g_type_ensure (CRM_TYPE_CUSTOMERS_PAGE);
  g_type_ensure (CRM_TYPE_GLOBAL_SEARCH);
  g_type_ensure (CRM_TYPE_NOTIFICATIONS_BUTTON);
  g_type_ensure (CRM_TYPE_ADMIN_PAGE);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->connection_state = CRM_CONNECTION_STATE_CONNECTING;
}

/**
 * crm_window_new:
 * @application: the application the window belongs to
 * @api_client: (nullable): the client to reach the server through
 * @settings: (nullable): the settings that keep the window's size
 *
 * Returns: (transfer full): a new #CrmWindow
 */
CrmWindow *
crm_window_new (GtkApplication *application,
                CrmApiClient   *api_client,
                GSettings      *settings)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (api_client == NULL || CRM_IS_API_CLIENT (api_client), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  return g_object_new (CRM_TYPE_WINDOW,
                       "application", application,
                       "api-client", api_client,
                       "settings", settings,
                       NULL);
}

/**
 * crm_window_get_api_client:
 * @self: a #CrmWindow
 *
 * Returns: (nullable) (transfer none): the window's API client
 */
CrmApiClient *
crm_window_get_api_client (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->api_client;
}

/**
 * crm_window_get_settings:
 * @self: a #CrmWindow
 *
 * Returns: (nullable) (transfer none): the settings the window keeps its size in
 */
GSettings *
crm_window_get_settings (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->settings;
}

/**
 * crm_window_get_connection_state:
 * @self: a #CrmWindow
 *
 * Returns: what the window last learnt about the server
 */
CrmConnectionState
crm_window_get_connection_state (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), CRM_CONNECTION_STATE_CONNECTING);

  return self->connection_state;
}

/**
 * crm_window_refresh:
 * @self: a #CrmWindow
 *
 * Forgets what the window knew about the server and asks again, now if the
 * window is shown, else when it is. Without a server address, asks for one.
 */
void
crm_window_refresh (CrmWindow *self)
{
  g_return_if_fail (CRM_IS_WINDOW (self));

  if (!has_server (self))
    {
      show_no_server (self);
      return;
    }

  show_page (self, PAGE_STATUS);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      check_health (self, TRUE);
      return;
    }

  stop_checking (self);
  g_clear_pointer (&self->health, crm_health_free);
  g_clear_error (&self->error);
  g_clear_pointer (&self->checked_at, g_date_time_unref);
  set_connection_state (self, CRM_CONNECTION_STATE_CONNECTING);
}

/**
 * crm_window_save_png:
 * @self: a #CrmWindow
 * @path: the PNG file to write
 * @error: return location for a #GError
 *
 * Renders what the window last drew with its own GSK renderer and writes
 * it to @path. A window that has not drawn a frame yet, or is still
 * cross-fading from one page to another, fails with
 * %G_IO_ERROR_NOT_INITIALIZED; try again after its next frame.
 *
 * Returns: %TRUE when the file was written
 */
gboolean
crm_window_save_png (CrmWindow   *self,
                     const char  *path,
                     GError     **error)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int width;
  int height;

  g_return_val_if_fail (CRM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (gtk_stack_get_transition_running (self->stack))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The window is still changing pages"));
      return FALSE;
    }

  renderer = gtk_native_get_renderer (GTK_NATIVE (self));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (self));
  width = gdk_paintable_get_intrinsic_width (paintable);
  height = gdk_paintable_get_intrinsic_height (paintable);
  if (renderer != NULL && width > 0 && height > 0)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  /* The paintable replays what the window last drew: nothing until its first frame. */
  if (node == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _("The window has not been drawn yet"));
      return FALSE;
    }

  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, path))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write “%s”"), path);
      return FALSE;
    }

  return TRUE;
}

AdwStatusPage *
_crm_window_get_status_page (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->status_page;
}

GtkLabel *
_crm_window_get_version_label (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->version_label;
}

const char *
_crm_window_get_page_name (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

CrmAddressPage *
_crm_window_get_address_page (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->address_page;
}

CrmTrustPage *
_crm_window_get_trust_page (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->trust_page;
}

CrmCertificateChangedPage *
_crm_window_get_certificate_changed_page (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->certificate_changed_page;
}

CrmSignInPage *
_crm_window_get_sign_in_page (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->sign_in_page;
}

GtkLabel *
_crm_window_get_account_label (CrmWindow *self,
                               gboolean   role)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return role ? self->account_role_label : self->account_name_label;
}

CrmCustomersPage *
_crm_window_get_customers_page (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->customers_page;
}

CrmAdminPage *
_crm_window_get_admin_page (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->admin_page;
}

GtkListBox *
_crm_window_get_sections_list (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->sections_list;
}

const CrmAccount *
_crm_window_get_account (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->account;
}

CrmGlobalSearch *
_crm_window_get_global_search (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->global_search;
}

GtkWindow *
_crm_window_get_mfa_dialog (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), NULL);

  return self->mfa_dialog;
}

gboolean
_crm_window_is_checking_session (CrmWindow *self)
{
  g_return_val_if_fail (CRM_IS_WINDOW (self), FALSE);

  return self->session_cancellable != NULL;
}

/**
 * crm_window_open_customer:
 * @self: a #CrmWindow
 * @id: a customer's id
 *
 * Shows the customer's page in the Customers section (a search result, a
 * notification in the bell or on the desktop), if someone is signed in whose
 * role has the section.
 *
 * Returns: whether the page opens
 */
gboolean
crm_window_open_customer (CrmWindow *self,
                          gint64     id)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (CRM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (id > 0, FALSE);

  if (self->account == NULL || crm_customers_page_get_list (self->customers_page) == NULL)
    return FALSE;
  for (int i = 0; (row = gtk_list_box_get_row_at_index (self->sections_list, i)) != NULL; i++)
    if (g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (row)),
                   crm_section_get_id (CRM_SECTION_CUSTOMERS)) == 0)
      {
        gtk_list_box_select_row (self->sections_list, row);
        break;
      }
  if (row == NULL)
    return FALSE;
  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  crm_customers_page_open_customer (self->customers_page, id);
  return TRUE;
}
