/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-qr-code"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <qrencode.h>

#include "crm-qr-code.h"

/* The quiet zone around the code, in modules (ISO/IEC 18004 asks for 4). */
#define QUIET_ZONE 4
/* The smallest module, in pixels, that phone cameras read from a screen. */
#define MIN_MODULE_SIZE 4

/**
 * CrmQrCode:
 *
 * Draws #CrmQrCode:text as a QR code (libqrencode, error correction level M):
 * dark modules on a light square whatever the style, as scanners expect.
 * The modules are whole pixels, so the code stays sharp at any size.
 */
struct _CrmQrCode
{
  GtkWidget  parent_instance;

  char      *text;
  QRcode    *code;     /* NULL when there is no text, or it does not fit */
};

G_DEFINE_FINAL_TYPE (CrmQrCode, crm_qr_code, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static int
side_in_modules (CrmQrCode *self)
{
  return self->code != NULL ? self->code->width + 2 * QUIET_ZONE : 0;
}

static void
crm_qr_code_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  CrmQrCode *self = CRM_QR_CODE (widget);
  int side = side_in_modules (self);

  *minimum = side * MIN_MODULE_SIZE;
  *natural = side * MIN_MODULE_SIZE * 2;
}

static void
crm_qr_code_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  CrmQrCode *self = CRM_QR_CODE (widget);
  const GdkRGBA light = { 1, 1, 1, 1 };
  const GdkRGBA dark = { 0, 0, 0, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int side = side_in_modules (self);
  int module;
  float x0;
  float y0;

  if (side == 0)
    return;
  module = MAX (1, MIN (width, height) / side);
  x0 = (width - module * side) / 2;
  y0 = (height - module * side) / 2;

  gtk_snapshot_append_color (snapshot, &light,
                             &GRAPHENE_RECT_INIT (x0, y0, module * side, module * side));
  for (int y = 0; y < self->code->width; y++)
    for (int x = 0; x < self->code->width; x++)
      if (self->code->data[y * self->code->width + x] & 1)
        gtk_snapshot_append_color (snapshot, &dark,
                                   &GRAPHENE_RECT_INIT (x0 + (x + QUIET_ZONE) * module,
                                                        y0 + (y + QUIET_ZONE) * module,
                                                        module, module));
}

static void
crm_qr_code_finalize (GObject *object)
{
  CrmQrCode *self = CRM_QR_CODE (object);

  g_clear_pointer (&self->code, QRcode_free);
  g_free (self->text);

  G_OBJECT_CLASS (crm_qr_code_parent_class)->finalize (object);
}

static void
crm_qr_code_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CrmQrCode *self = CRM_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_qr_code_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CrmQrCode *self = CRM_QR_CODE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      crm_qr_code_set_text (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_qr_code_class_init (CrmQrCodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = crm_qr_code_finalize;
  object_class->get_property = crm_qr_code_get_property;
  object_class->set_property = crm_qr_code_set_property;

  widget_class->measure = crm_qr_code_measure;
  widget_class->snapshot = crm_qr_code_snapshot;

  /**
   * CrmQrCode:text:
   *
   * What the code says, such as an `otpauth://` URI.
   */
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "qrcode");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
crm_qr_code_init (CrmQrCode *self)
{
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
}

GtkWidget *
crm_qr_code_new (void)
{
  return g_object_new (CRM_TYPE_QR_CODE, NULL);
}

const char *
crm_qr_code_get_text (CrmQrCode *self)
{
  g_return_val_if_fail (CRM_IS_QR_CODE (self), NULL);

  return self->text;
}

void
crm_qr_code_set_text (CrmQrCode  *self,
                      const char *text)
{
  g_return_if_fail (CRM_IS_QR_CODE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->code, QRcode_free);
  if (text != NULL && *text != '\0')
    {
      self->code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
      if (self->code == NULL)
        g_warning ("Could not encode %zu bytes as a QR code", strlen (text));
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

/**
 * crm_qr_code_get_modules:
 * @self: a #CrmQrCode
 *
 * Returns: the code's side in modules, without the quiet zone; 0 without a code
 */
int
crm_qr_code_get_modules (CrmQrCode *self)
{
  g_return_val_if_fail (CRM_IS_QR_CODE (self), 0);

  return self->code != NULL ? self->code->width : 0;
}

/**
 * crm_qr_code_is_dark:
 * @self: a #CrmQrCode
 * @x: a column, from 0
 * @y: a row, from 0
 *
 * Returns: whether the module at @x, @y is dark
 */
gboolean
crm_qr_code_is_dark (CrmQrCode *self,
                     int        x,
                     int        y)
{
  g_return_val_if_fail (CRM_IS_QR_CODE (self), FALSE);
  g_return_val_if_fail (self->code != NULL, FALSE);
  g_return_val_if_fail (x >= 0 && x < self->code->width && y >= 0 && y < self->code->width,
                        FALSE);

  return (self->code->data[y * self->code->width + x] & 1) != 0;
}
