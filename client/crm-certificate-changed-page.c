/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-certificate-changed-page"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-certificate-changed-page.h"
#include "crm-fingerprint-row.h"

/**
 * CrmCertificateChangedPage:
 *
 * Refuses a server that presents another certificate than the pinned one,
 * as ssh refuses a host whose identification has changed: the old and the
 * new fingerprint side by side, and no way on but back
 * (#CrmCertificateChangedPage::cancelled). Only after the user confirms that
 * the administrator replaced the certificate does the page emit
 * #CrmCertificateChangedPage::forgotten, and the window drops the old pin
 * and asks about the new certificate like about any unknown one.
 */
struct _CrmCertificateChangedPage
{
  AdwBin           parent_instance;

  /* Template children */
  AdwStatusPage   *status_page;
  CrmFingerprintRow *pinned_row;
  CrmFingerprintRow *presented_row;
  GtkButton       *cancel_button;
  GtkButton       *forget_button;

  char            *url;
  GTlsCertificate *pinned_certificate;
  GTlsCertificate *presented_certificate;
  AdwMessageDialog *dialog;              /* the open confirmation, or NULL */
};

G_DEFINE_FINAL_TYPE (CrmCertificateChangedPage, crm_certificate_changed_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_URL,
  PROP_PINNED_CERTIFICATE,
  PROP_PRESENTED_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CANCELLED,
  FORGOTTEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_view (CrmCertificateChangedPage *self)
{
  g_autofree char *description = NULL;
  g_autofree char *markup = NULL;

  /* Translators: %s is the server's address, such as https://crm.example.com:8443 */
  description = g_strdup_printf (_("The server at %s presented a different certificate from "
                                   "the one you trusted before. Someone may be intercepting "
                                   "the connection, or the server’s certificate was replaced. "
                                   "Rapport did not connect. Ask your administrator before "
                                   "you go on."),
                                 self->url != NULL ? self->url : "");
  markup = g_markup_escape_text (description, -1);
  adw_status_page_set_description (self->status_page, markup);

  crm_fingerprint_row_set_certificate (self->pinned_row, self->pinned_certificate);
  crm_fingerprint_row_set_certificate (self->presented_row, self->presented_certificate);
  gtk_widget_set_sensitive (GTK_WIDGET (self->forget_button), self->url != NULL);
}

static void
dialog_response_cb (CrmCertificateChangedPage *self,
                    const char                *response,
                    AdwMessageDialog          *dialog)
{
  if (self->dialog == dialog)
    self->dialog = NULL;
  if (g_strcmp0 (response, "forget") == 0)
    g_signal_emit (self, signals[FORGOTTEN], 0);
}

static void
forget_button_clicked_cb (CrmCertificateChangedPage *self,
                          GtkButton                 *button)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;

  if (self->dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->dialog));
      return;
    }

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Forget the Old Certificate?"),
                                   _("Do this only if your administrator confirmed that the "
                                     "server’s certificate was replaced. Rapport will then "
                                     "show you the new certificate’s fingerprint to check "
                                     "before it connects."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "forget", _("_Forget"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "forget",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (dialog_response_cb), self,
                           G_CONNECT_SWAPPED);

  self->dialog = ADW_MESSAGE_DIALOG (dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_button_clicked_cb (CrmCertificateChangedPage *self,
                          GtkButton                 *button)
{
  g_signal_emit (self, signals[CANCELLED], 0);
}

static gboolean
crm_certificate_changed_page_grab_focus (GtkWidget *widget)
{
  CrmCertificateChangedPage *self = CRM_CERTIFICATE_CHANGED_PAGE (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

static void
crm_certificate_changed_page_dispose (GObject *object)
{
  CrmCertificateChangedPage *self = CRM_CERTIFICATE_CHANGED_PAGE (object);

  if (self->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->dialog, self);
      gtk_window_destroy (GTK_WINDOW (g_steal_pointer (&self->dialog)));
    }
  /* The template's root is the bin's child: the bin lets go of it first, or
   * both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_CERTIFICATE_CHANGED_PAGE);
  g_clear_object (&self->pinned_certificate);
  g_clear_object (&self->presented_certificate);

  G_OBJECT_CLASS (crm_certificate_changed_page_parent_class)->dispose (object);
}

static void
crm_certificate_changed_page_finalize (GObject *object)
{
  CrmCertificateChangedPage *self = CRM_CERTIFICATE_CHANGED_PAGE (object);

  g_free (self->url);

  G_OBJECT_CLASS (crm_certificate_changed_page_parent_class)->finalize (object);
}

static void
crm_certificate_changed_page_get_property (GObject    *object,
                                           guint       prop_id,
                                           GValue     *value,
                                           GParamSpec *pspec)
{
  CrmCertificateChangedPage *self = CRM_CERTIFICATE_CHANGED_PAGE (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;

    case PROP_PINNED_CERTIFICATE:
      g_value_set_object (value, self->pinned_certificate);
      break;

    case PROP_PRESENTED_CERTIFICATE:
      g_value_set_object (value, self->presented_certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_certificate_changed_page_set_property (GObject      *object,
                                           guint         prop_id,
                                           const GValue *value,
                                           GParamSpec   *pspec)
{
  CrmCertificateChangedPage *self = CRM_CERTIFICATE_CHANGED_PAGE (object);

  switch (prop_id)
    {
    case PROP_URL:
      crm_certificate_changed_page_set_url (self, g_value_get_string (value));
      break;

    case PROP_PINNED_CERTIFICATE:
      crm_certificate_changed_page_set_pinned_certificate (self, g_value_get_object (value));
      break;

    case PROP_PRESENTED_CERTIFICATE:
      crm_certificate_changed_page_set_presented_certificate (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_certificate_changed_page_class_init (CrmCertificateChangedPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_certificate_changed_page_dispose;
  object_class->finalize = crm_certificate_changed_page_finalize;
  object_class->get_property = crm_certificate_changed_page_get_property;
  object_class->set_property = crm_certificate_changed_page_set_property;

  widget_class->grab_focus = crm_certificate_changed_page_grab_focus;

  /**
   * CrmCertificateChangedPage:url:
   *
   * The address of the server whose certificate changed.
   */
  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmCertificateChangedPage:pinned-certificate:
   *
   * The certificate the user trusted for the server before.
   */
  properties[PROP_PINNED_CERTIFICATE] =
    g_param_spec_object ("pinned-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * CrmCertificateChangedPage:presented-certificate:
   *
   * The certificate the server presents now.
   */
  properties[PROP_PRESENTED_CERTIFICATE] =
    g_param_spec_object ("presented-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmCertificateChangedPage::cancelled:
   *
   * The user went back without connecting.
   */
  signals[CANCELLED] =
    g_signal_new ("cancelled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  /**
   * CrmCertificateChangedPage::forgotten:
   *
   * The user confirmed that the pinned certificate is to be forgotten.
   */
  signals[FORGOTTEN] =
    g_signal_new ("forgotten",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/"
                                               "crm-certificate-changed-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmCertificateChangedPage, status_page);
  gtk_widget_class_bind_template_child (widget_class, CrmCertificateChangedPage, pinned_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCertificateChangedPage, presented_row);
  gtk_widget_class_bind_template_child (widget_class, CrmCertificateChangedPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, CrmCertificateChangedPage, forget_button);
  gtk_widget_class_bind_template_callback (widget_class, cancel_button_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, forget_button_clicked_cb);
}

static void
crm_certificate_changed_page_init (CrmCertificateChangedPage *self)
{
  g_type_ensure (CRM_TYPE_FINGERPRINT_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));

  update_view (self);
}

/**
 * crm_certificate_changed_page_new:
 *
 * Returns: (transfer floating): a new #CrmCertificateChangedPage
 */
GtkWidget *
crm_certificate_changed_page_new (void)
{
  return g_object_new (CRM_TYPE_CERTIFICATE_CHANGED_PAGE, NULL);
}

/**
 * crm_certificate_changed_page_get_url:
 * @self: a #CrmCertificateChangedPage
 *
 * Returns: (nullable) (transfer none): the server's address
 */
const char *
crm_certificate_changed_page_get_url (CrmCertificateChangedPage *self)
{
  g_return_val_if_fail (CRM_IS_CERTIFICATE_CHANGED_PAGE (self), NULL);

  return self->url;
}

/**
 * crm_certificate_changed_page_set_url:
 * @self: a #CrmCertificateChangedPage
 * @url: (nullable): the server's address
 */
void
crm_certificate_changed_page_set_url (CrmCertificateChangedPage *self,
                                      const char                *url)
{
  g_return_if_fail (CRM_IS_CERTIFICATE_CHANGED_PAGE (self));

  if (g_strcmp0 (self->url, url) == 0)
    return;

  g_free (self->url);
  self->url = g_strdup (url);
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

/**
 * crm_certificate_changed_page_get_pinned_certificate:
 * @self: a #CrmCertificateChangedPage
 *
 * Returns: (nullable) (transfer none): the certificate trusted before
 */
GTlsCertificate *
crm_certificate_changed_page_get_pinned_certificate (CrmCertificateChangedPage *self)
{
  g_return_val_if_fail (CRM_IS_CERTIFICATE_CHANGED_PAGE (self), NULL);

  return self->pinned_certificate;
}

/**
 * crm_certificate_changed_page_set_pinned_certificate:
 * @self: a #CrmCertificateChangedPage
 * @certificate: (nullable): the certificate trusted before
 */
void
crm_certificate_changed_page_set_pinned_certificate (CrmCertificateChangedPage *self,
                                                     GTlsCertificate           *certificate)
{
  g_return_if_fail (CRM_IS_CERTIFICATE_CHANGED_PAGE (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (!g_set_object (&self->pinned_certificate, certificate))
    return;

  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED_CERTIFICATE]);
}

/**
 * crm_certificate_changed_page_get_presented_certificate:
 * @self: a #CrmCertificateChangedPage
 *
 * Returns: (nullable) (transfer none): the certificate the server presents now
 */
GTlsCertificate *
crm_certificate_changed_page_get_presented_certificate (CrmCertificateChangedPage *self)
{
  g_return_val_if_fail (CRM_IS_CERTIFICATE_CHANGED_PAGE (self), NULL);

  return self->presented_certificate;
}

/**
 * crm_certificate_changed_page_set_presented_certificate:
 * @self: a #CrmCertificateChangedPage
 * @certificate: (nullable): the certificate the server presents now
 */
void
crm_certificate_changed_page_set_presented_certificate (CrmCertificateChangedPage *self,
                                                        GTlsCertificate           *certificate)
{
  g_return_if_fail (CRM_IS_CERTIFICATE_CHANGED_PAGE (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (!g_set_object (&self->presented_certificate, certificate))
    return;

  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESENTED_CERTIFICATE]);
}
