/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-fingerprint-row"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "crm-fingerprint-row.h"
#include "crm-trust-store.h"

/**
 * CrmFingerprintRow:
 *
 * A list row with a certificate's SHA-256 fingerprint under its title, in
 * groups of eight bytes (crm_trust_store_format_fingerprint()) that wrap as
 * whole groups: two to a line where there is room, one where there is not.
 * The text can be selected and copied.
 */
struct _CrmFingerprintRow
{
  AdwPreferencesRow  parent_instance;

  /* Template children */
  GtkLabel          *fingerprint_label;

  GTlsCertificate   *certificate;
};

G_DEFINE_FINAL_TYPE (CrmFingerprintRow, crm_fingerprint_row, ADW_TYPE_PREFERENCES_ROW)

enum {
  PROP_0,
  PROP_CERTIFICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_view (CrmFingerprintRow *self)
{
  g_autoptr(PangoAttrList) attributes = pango_attr_list_new ();
  g_autofree char *text = NULL;
  const char *group;

  if (self->certificate != NULL)
    text = crm_trust_store_format_fingerprint (self->certificate);
  if (text == NULL || *text == '\0')
    {
      gtk_label_set_text (self->fingerprint_label, _("Unknown"));
      gtk_label_set_attributes (self->fingerprint_label, NULL);
      return;
    }

  /* Pango would also break after a colon: only the spaces between groups may break. */
  group = text;
  while (*group != '\0')
    {
      const char *end = strchr (group, ' ');
      PangoAttribute *attribute = pango_attr_allow_breaks_new (FALSE);

      if (end == NULL)
        end = group + strlen (group);
      attribute->start_index = group - text;
      attribute->end_index = end - text;
      pango_attr_list_insert (attributes, attribute);
      group = *end == ' ' ? end + 1 : end;
    }

  gtk_label_set_text (self->fingerprint_label, text);
  gtk_label_set_attributes (self->fingerprint_label, attributes);
}

static void
crm_fingerprint_row_dispose (GObject *object)
{
  CrmFingerprintRow *self = CRM_FINGERPRINT_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CRM_TYPE_FINGERPRINT_ROW);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (crm_fingerprint_row_parent_class)->dispose (object);
}

static void
crm_fingerprint_row_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CrmFingerprintRow *self = CRM_FINGERPRINT_ROW (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      g_value_set_object (value, self->certificate);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_fingerprint_row_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CrmFingerprintRow *self = CRM_FINGERPRINT_ROW (object);

  switch (prop_id)
    {
    case PROP_CERTIFICATE:
      crm_fingerprint_row_set_certificate (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_fingerprint_row_class_init (CrmFingerprintRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_fingerprint_row_dispose;
  object_class->get_property = crm_fingerprint_row_get_property;
  object_class->set_property = crm_fingerprint_row_set_property;

  /**
   * CrmFingerprintRow:certificate:
   *
   * The certificate whose fingerprint the row shows.
   */
  properties[PROP_CERTIFICATE] =
    g_param_spec_object ("certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-fingerprint-row.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmFingerprintRow, fingerprint_label);
}

static void
crm_fingerprint_row_init (CrmFingerprintRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  update_view (self);
}

/**
 * crm_fingerprint_row_new:
 *
 * Returns: (transfer floating): a new #CrmFingerprintRow
 */
GtkWidget *
crm_fingerprint_row_new (void)
{
  return g_object_new (CRM_TYPE_FINGERPRINT_ROW, NULL);
}

/**
 * crm_fingerprint_row_get_certificate:
 * @self: a #CrmFingerprintRow
 *
 * Returns: (nullable) (transfer none): the certificate shown
 */
GTlsCertificate *
crm_fingerprint_row_get_certificate (CrmFingerprintRow *self)
{
  g_return_val_if_fail (CRM_IS_FINGERPRINT_ROW (self), NULL);

  return self->certificate;
}

/**
 * crm_fingerprint_row_set_certificate:
 * @self: a #CrmFingerprintRow
 * @certificate: (nullable): the certificate to show
 */
void
crm_fingerprint_row_set_certificate (CrmFingerprintRow *self,
                                     GTlsCertificate   *certificate)
{
  g_return_if_fail (CRM_IS_FINGERPRINT_ROW (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));

  if (!g_set_object (&self->certificate, certificate))
    return;

  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE]);
}
