/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-trust-page"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-fingerprint-row.h"
#include "crm-trust-page.h"

/**
 * CrmTrustPage:
 *
 * Asks whether to trust a server whose certificate the system does not
 * trust and that has no pinned certificate yet, as ssh asks about a host
 * it has not seen: the certificate's SHA-256 fingerprint to compare with
 * the one the administrator gave out, its subject, issuer and validity.
 * Emits #CrmTrustPage::accepted or #CrmTrustPage::cancelled; the window
 * pins the certificate and connects.
 */
struct _CrmTrustPage
{
  AdwBin           parent_instance;

  /* Template children */
  AdwStatusPage   *status_page;
  CrmFingerprintRow *fingerprint_row;
  GtkLabel        *subject_label;
  GtkLabel        *issuer_label;
  GtkLabel        *validity_label;
  GtkButton       *cancel_button;
  GtkButton       *trust_button;

  char            *url;
  GTlsCertificate *certificate;
};

G_DEFINE_FINAL_TYPE (CrmTrustPage, crm_trust_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_URL,
  PROP_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ACCEPTED,
  CANCELLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A date of the certificate in the user's time zone and language. */
static char *
format_date (GDateTime *date_time)
{
  g_autoptr(GDateTime) local = NULL;

  if (date_time == NULL)
    return g_strdup (_("Unknown"));
  local = g_date_time_to_local (date_time);
  /* Translators: how a certificate's dates show, see g_date_time_format () */
  return g_date_time_format (local, _("%B %-d, %Y"));
}

static void
set_value (GtkLabel   *label,
           const char *value)
{
  gtk_label_set_text (label, value != NULL && *value != '\0' ? value : _("Unknown"));
}

static void
update_view (CrmTrustPage *self)
{
  g_autofree char *description = NULL;
  g_autofree char *markup = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *valid_from = NULL;
  g_autofree char *valid_until = NULL;
  g_autofree char *validity = NULL;
  g_autoptr(GDateTime) not_before = NULL;
  g_autoptr(GDateTime) not_after = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gboolean expired = FALSE;

  /* Translators: %s is the server's address, such as https://crm.example.com:8443 */
  description = g_strdup_printf (_("Rapport has not connected to %s before, and no authority "
                                   "this computer trusts vouches for its certificate. Compare "
                                   "the fingerprint below with the one your administrator "
                                   "gave you. Trust the server only if they match."),
                                 self->url != NULL ? self->url : "");
  markup = g_markup_escape_text (description, -1);
  adw_status_page_set_description (self->status_page, markup);

  if (self->certificate != NULL)
    {
      subject = g_tls_certificate_get_subject_name (self->certificate);
      issuer = g_tls_certificate_get_issuer_name (self->certificate);
      not_before = g_tls_certificate_get_not_valid_before (self->certificate);
      not_after = g_tls_certificate_get_not_valid_after (self->certificate);
    }
  valid_from = format_date (not_before);
  valid_until = format_date (not_after);
  expired = (not_after != NULL && g_date_time_compare (now, not_after) > 0)
            || (not_before != NULL && g_date_time_compare (now, not_before) < 0);
  if (expired)
    /* Translators: the dates a certificate is valid from and to, when today is not in between */
    validity = g_strdup_printf (_("%s to %s (not valid now)"), valid_from, valid_until);
  else
    /* Translators: the dates a certificate is valid from and to */
    validity = g_strdup_printf (_("%s to %s"), valid_from, valid_until);

  /* A self-signed certificate names its subject as its issuer. */
  if (subject != NULL && g_strcmp0 (subject, issuer) == 0)
    {
      g_free (issuer);
      issuer = g_strdup (_("The server itself (self-signed)"));
    }

  crm_fingerprint_row_set_certificate (self->fingerprint_row, self->certificate);
  set_value (self->subject_label, subject);
  set_value (self->issuer_label, issuer);
  set_value (self->validity_label, validity);
  if (expired)
    gtk_widget_add_css_class (GTK_WIDGET (self->validity_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->validity_label), "error");

  gtk_widget_set_sensitive (GTK_WIDGET (self->trust_button), self->certificate != NULL);
}

static void
trust_button_clicked_cb (CrmTrustPage *self,
                         GtkButton    *button)
{
  if (self->certificate != NULL)
    g_signal_emit (self, signals[ACCEPTED], 0);
}

static void
cancel_button_clicked_cb (CrmTrustPage *self,
                          GtkButton    *button)
{
  g_signal_emit (self, signals[CANCELLED], 0);
}

static gboolean
crm_trust_page_grab_focus (GtkWidget *widget)
{
  CrmTrustPage *self = CRM_TRUST_PAGE (widget);

  /* The safe choice has the focus: Enter does not trust a server. */
  return gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

static void
crm_trust_page_dispose (GObject *object)
{
  CrmTrustPage *self = CRM_TRUST_PAGE (object);

  /* The template's root is the bin's child: the bin lets go of it first, or
   * both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_TRUST_PAGE);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (crm_trust_page_parent_class)->dispose (object);
}

static void
crm_trust_page_finalize (GObject *object)
{
  CrmTrustPage *self = CRM_TRUST_PAGE (object);

  g_free (self->url);

  G_OBJECT_CLASS (crm_trust_page_parent_class)->finalize (object);
}

static void
crm_trust_page_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CrmTrustPage *self = CRM_TRUST_PAGE (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_CERTIFICATE:
      g_value_set_object (value, self->certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_trust_page_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CrmTrustPage *self = CRM_TRUST_PAGE (object);

  switch (prop_id)
    {
    case PROP_URL:
      crm_trust_page_set_url (self, g_value_get_string (value));
      break;

    case PROP_CERTIFICATE:
      crm_trust_page_set_certificate (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_trust_page_class_init (CrmTrustPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_trust_page_dispose;
  object_class->finalize = crm_trust_page_finalize;
  object_class->get_property = crm_trust_page_get_property;
  object_class->set_property = crm_trust_page_set_property;

  widget_class->grab_focus = crm_trust_page_grab_focus;

  /**
   * CrmTrustPage:url:
   *
   * The address of the server that presented #CrmTrustPage:certificate.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmTrustPage:certificate:
   *
   * The certificate the server presented, which the user may trust.
   */
  properties[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmTrustPage::accepted:
   *
   * The user chose to trust #CrmTrustPage:certificate for #CrmTrustPage:url.
   */
  signals[ACCEPTED] =
    g_signal_new ("accepted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * CrmTrustPage::cancelled:
   *
   * The user chose not to trust the server.
   */
  signals[CANCELLED] =
    g_signal_new ("cancelled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-trust-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmTrustPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CrmTrustPage, fingerprint_row);
  gtk_widget_class_bind_template_child (widget_class, CrmTrustPage, subject_label);
  gtk_widget_class_bind_template_child (widget_class, CrmTrustPage, issuer_label);
  gtk_widget_class_bind_template_child (widget_class, CrmTrustPage, validity_label);
  gtk_widget_class_bind_template_child (widget_class, CrmTrustPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CrmTrustPage, trust_button);
  gtk_widget_class_bind_template_callback (widget_class, trust_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_button_clicked_cb);
}

static void
crm_trust_page_init (CrmTrustPage *self)
{
  g_type_ensure (CRM_TYPE_FINGERPRINT_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));

  update_view (self);
}

/**
 * crm_trust_page_new:
 *
 * Returns: (transfer floating): a new #CrmTrustPage
 */
GtkWidget *
crm_trust_page_new (void)
{
  return g_object_new (CRM_TYPE_TRUST_PAGE, NULL);
}

/**
 * crm_trust_page_get_url:
 * @self: a #CrmTrustPage
 *
 * Returns: (nullable) (transfer none): the server's address
 */
const char *
crm_trust_page_get_url (CrmTrustPage *self)
{
  g_return_val_if_fail (CRM_IS_TRUST_PAGE (self), NULL);

  return self->url;
}

/**
 * crm_trust_page_set_url:
 * @self: a #CrmTrustPage
 * @url: (nullable): the server's address
 */
void
crm_trust_page_set_url (CrmTrustPage *self,
                        const char   *url)
{
  g_return_if_fail (CRM_IS_TRUST_PAGE (self));

  if (g_strcmp0 (self->url, url) == 0)
    return;

  g_free (self->url);
  self->url = g_strdup (url);
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

/**
 * crm_trust_page_get_certificate:
 * @self: a #CrmTrustPage
 *
 * Returns: (nullable) (transfer none): the certificate the page asks about
 */
GTlsCertificate *
crm_trust_page_get_certificate (CrmTrustPage *self)
{
  g_return_val_if_fail (CRM_IS_TRUST_PAGE (self), NULL);

  return self->certificate;
}

/**
 * crm_trust_page_set_certificate:
 * @self: a #CrmTrustPage
 * @certificate: (nullable): the certificate the server presented
 */
void
crm_trust_page_set_certificate (CrmTrustPage    *self,
                                GTlsCertificate *certificate)
{
  g_return_if_fail (CRM_IS_TRUST_PAGE (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (!g_set_object (&self->certificate, certificate))
    return;

  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE]);
}
