/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-address-page"

#include "config.h"

#include <glib/gi18n.h>

#include "crm-address-page.h"
#include "crm-server-address.h"

/**
 * CrmAddressPage:
 *
 * Asks for the server's address: on the first run, and when the user
 * chooses another server. Checks what is typed as it is typed, shows the URL
 * it will connect to, and emits #CrmAddressPage::submitted with that URL.
 * The window connects and reports back with crm_address_page_set_busy() and
 * crm_address_page_set_error().
 */
struct _CrmAddressPage
{
  AdwBin        parent_instance;

  /* Template children */
  AdwEntryRow  *address_row;
  GtkLabel     *message_label;
  GtkButton    *connect_button;
  GtkSpinner   *spinner;

  char         *error;            /* why the last connection failed, until the text changes */
  gboolean      busy;
};

G_DEFINE_FINAL_TYPE (CrmAddressPage, crm_address_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SUBMITTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Shows what the text stands for: the URL it connects to, why it is not an
 * address, or why connecting to it failed. */
static void
update_view (CrmAddressPage *self)
{
  g_autoptr(GError) invalid = NULL;
  g_autofree char *url = NULL;
  g_autofree char *hint = NULL;
  const char *text = crm_address_page_get_text (self);
  const char *message = NULL;
  gboolean is_error = FALSE;

  url = crm_server_address_normalize (text, &invalid);
  if (self->error != NULL)
    {
      message = self->error;
      is_error = TRUE;
    }
  else if (url != NULL)
    {
      /* Translators: %s is a URL such as https://crm.example.com:8443 */
      hint = g_strdup_printf (_("Connects to %s"), url);
      message = hint;
    }
  else if (*text != '\0')
    {
      message = invalid->message;
      is_error = TRUE;
    }

  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL);
  if (is_error)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->address_row), "error");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "dim-label");
      gtk_widget_remove_css_class (GTK_WIDGET (self->address_row), "error");
    }

  /* Not insensitive: the field keeps the keyboard focus while it waits. */
  gtk_editable_set_editable (GTK_EDITABLE (self->address_row), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->connect_button), !self->busy && url != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->spinner), self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
}

static void
submit (CrmAddressPage *self)
{
  g_autofree char *url = NULL;

  if (self->busy)
    return;
  url = crm_address_page_dup_url (self);
  if (url == NULL)
    return;
  g_signal_emit (self, signals[SUBMITTED], 0, url);
}

static void
address_row_changed_cb (CrmAddressPage *self,
                        GtkEditable    *editable)
{
  g_clear_pointer (&self->error, g_free);
  update_view (self);
}

static void
address_row_entry_activated_cb (CrmAddressPage *self,
                                AdwEntryRow    *row)
{
  submit (self);
}

static void
connect_button_clicked_cb (CrmAddressPage *self,
                           GtkButton      *button)
{
  submit (self);
}

static gboolean
crm_address_page_grab_focus (GtkWidget *widget)
{
  CrmAddressPage *self = CRM_ADDRESS_PAGE (widget);

  return gtk_widget_grab_focus (GTK_WIDGET (self->address_row));
}

static void
crm_address_page_dispose (GObject *object)
{
  /* The template's root is the bin's child: the bin lets go of it first, or
   * both would unparent it. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), CRM_TYPE_ADDRESS_PAGE);

  G_OBJECT_CLASS (crm_address_page_parent_class)->dispose (object);
}

static void
crm_address_page_finalize (GObject *object)
{
  CrmAddressPage *self = CRM_ADDRESS_PAGE (object);

  g_free (self->error);

  G_OBJECT_CLASS (crm_address_page_parent_class)->finalize (object);
}

static void
crm_address_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CrmAddressPage *self = CRM_ADDRESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_address_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CrmAddressPage *self = CRM_ADDRESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      crm_address_page_set_busy (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_address_page_class_init (CrmAddressPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_address_page_dispose;
  object_class->finalize = crm_address_page_finalize;
  object_class->get_property = crm_address_page_get_property;
  object_class->set_property = crm_address_page_set_property;

  widget_class->grab_focus = crm_address_page_grab_focus;

  /**
   * CrmAddressPage:busy:
   *
   * Whether a connection to the submitted address is under way: the page
   * shows a spinner and takes no other address meanwhile.
   */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CrmAddressPage::submitted:
   * @self: the page
   * @url: the normalized server URL, such as `https://crm.example.com:8443`
   *
   * The user asked to connect to a valid address.
   */
  signals[SUBMITTED] =
    g_signal_new ("submitted",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/rapportcrm/Rapport/crm-address-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CrmAddressPage, address_row);
  gtk_widget_class_bind_template_child (widget_class, CrmAddressPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, CrmAddressPage, connect_button);
  gtk_widget_class_bind_template_child (widget_class, CrmAddressPage, spinner);
  gtk_widget_class_bind_template_callback (widget_class, address_row_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, address_row_entry_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, connect_button_clicked_cb);
}

static void
crm_address_page_init (CrmAddressPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  update_view (self);
}

/**
 * crm_address_page_new:
 *
 * Returns: (transfer floating): a new #CrmAddressPage
 */
GtkWidget *
crm_address_page_new (void)
{
  return g_object_new (CRM_TYPE_ADDRESS_PAGE, NULL);
}

/**
 * crm_address_page_get_text:
 * @self: a #CrmAddressPage
 *
 * Returns: (transfer none): the address as typed
 */
const char *
crm_address_page_get_text (CrmAddressPage *self)
{
  g_return_val_if_fail (CRM_IS_ADDRESS_PAGE (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->address_row));
}

/**
 * crm_address_page_set_text:
 * @self: a #CrmAddressPage
 * @text: (nullable): the address to show, such as the current server's
 *
 * Replaces the address, and forgets the error shown for the old one.
 */
void
crm_address_page_set_text (CrmAddressPage *self,
                           const char     *text)
{
  g_return_if_fail (CRM_IS_ADDRESS_PAGE (self));

  gtk_editable_set_text (GTK_EDITABLE (self->address_row), text != NULL ? text : "");
  gtk_editable_set_position (GTK_EDITABLE (self->address_row), -1);
  g_clear_pointer (&self->error, g_free);
  update_view (self);
}

/**
 * crm_address_page_dup_url:
 * @self: a #CrmAddressPage
 *
 * Returns: (transfer full) (nullable): the URL the typed address stands
 *   for, or %NULL when it is not a valid address
 */
char *
crm_address_page_dup_url (CrmAddressPage *self)
{
  g_return_val_if_fail (CRM_IS_ADDRESS_PAGE (self), NULL);

  return crm_server_address_normalize (crm_address_page_get_text (self), NULL);
}

/**
 * crm_address_page_get_busy:
 * @self: a #CrmAddressPage
 *
 * Returns: whether a connection is under way
 */
gboolean
crm_address_page_get_busy (CrmAddressPage *self)
{
  g_return_val_if_fail (CRM_IS_ADDRESS_PAGE (self), FALSE);

  return self->busy;
}

/**
 * crm_address_page_set_busy:
 * @self: a #CrmAddressPage
 * @busy: whether a connection is under way
 */
void
crm_address_page_set_busy (CrmAddressPage *self,
                           gboolean        busy)
{
  g_return_if_fail (CRM_IS_ADDRESS_PAGE (self));

  busy = !!busy;
  if (self->busy == busy)
    return;

  self->busy = busy;
  update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/**
 * crm_address_page_set_error:
 * @self: a #CrmAddressPage
 * @message: (nullable): why connecting to the address failed, for the user
 *
 * Shows @message below the address until the address is edited.
 */
void
crm_address_page_set_error (CrmAddressPage *self,
                            const char     *message)
{
  g_return_if_fail (CRM_IS_ADDRESS_PAGE (self));

  g_free (self->error);
  self->error = g_strdup (message);
  update_view (self);
}
