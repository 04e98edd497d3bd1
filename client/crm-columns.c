/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-columns"

#include "config.h"

#include "crm-columns.h"

/**
 * CrmColumns:
 *
 * Its children (columns of a page's groups) side by side, of one width, when the width
 * gives each at least #CrmColumns:column-width; else one under the other, in their
 * order, each the whole width. A wide window then shows a record's groups in two
 * columns instead of one narrow one in the middle, and a narrow one as before. GTK 4.8
 * and libadwaita 1.2 have no breakpoints (AdwBreakpoint is 1.4): the width is decided
 * in the layout itself, height for width, so a scrolled window above it scrolls what it
 * takes at either width.
 */
struct _CrmColumns
{
  GtkWidget parent_instance;

  int       column_width;
  int       spacing;
  gboolean  side_by_side;   /* as last allocated */
};

static void crm_columns_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CrmColumns, crm_columns, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE,
                                                      crm_columns_buildable_init))

enum {
  PROP_0,
  PROP_COLUMN_WIDTH,
  PROP_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];
static GtkBuildableIface *parent_buildable_iface;

static guint
count_visible (CrmColumns *self)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += gtk_widget_should_layout (child);
  return n;
}

/* Whether @width holds the visible columns side by side; the width of each then. */
static gboolean
fits_side_by_side (CrmColumns *self,
                   int         width,
                   int        *each)
{
  guint n = count_visible (self);

  if (n < 2 || width < 0)
    return FALSE;
  *each = (width - self->spacing * ((int) n - 1)) / (int) n;
  return *each >= self->column_width;
}

static void
crm_columns_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  CrmColumns *self = CRM_COLUMNS (widget);
  gboolean side_by_side = FALSE;
  int each = for_size;
  guint n = 0;

  *minimum = *natural = 0;
  if (orientation == GTK_ORIENTATION_VERTICAL)
    side_by_side = fits_side_by_side (self, for_size, &each);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_minimum, child_natural;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, orientation, orientation == GTK_ORIENTATION_VERTICAL ? each : -1,
                          &child_minimum, &child_natural, NULL, NULL);
      if (orientation == GTK_ORIENTATION_HORIZONTAL)
        {
          /* As narrow as the widest column (one under the other), as wide as all. */
          *minimum = MAX (*minimum, child_minimum);
          *natural += child_natural + (n > 0 ? self->spacing : 0);
        }
      else if (side_by_side)
        {
          *minimum = MAX (*minimum, child_minimum);
          *natural = MAX (*natural, child_natural);
        }
      else
        {
          *minimum += child_minimum + (n > 0 ? self->spacing : 0);
          *natural += child_natural + (n > 0 ? self->spacing : 0);
        }
      n++;
    }
}

static void
crm_columns_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  CrmColumns *self = CRM_COLUMNS (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int each = width;
  int offset = 0;

  self->side_by_side = fits_side_by_side (self, width, &each);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_height;

      if (!gtk_widget_should_layout (child))
        continue;
      if (self->side_by_side)
        {
          gtk_widget_allocate (child, each, height, -1,
                               gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (
                                 rtl ? width - offset - each : offset, 0)));
          offset += each + self->spacing;
        }
      else
        {
          gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, width, NULL, &child_height,
                              NULL, NULL);
          gtk_widget_allocate (child, width, child_height, -1,
                               gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, offset)));
          offset += child_height + self->spacing;
        }
    }
}

static GtkSizeRequestMode
crm_columns_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
crm_columns_buildable_add_child (GtkBuildable *buildable,
                                 GtkBuilder   *builder,
                                 GObject      *child,
                                 const char   *type)
{
  if (GTK_IS_WIDGET (child))
    gtk_widget_set_parent (GTK_WIDGET (child), GTK_WIDGET (buildable));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
crm_columns_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = crm_columns_buildable_add_child;
}

static void
crm_columns_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (crm_columns_parent_class)->dispose (object);
}

static void
crm_columns_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CrmColumns *self = CRM_COLUMNS (object);

  switch (prop_id)
    {
    case PROP_COLUMN_WIDTH:
      g_value_set_int (value, self->column_width);
      break;
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_columns_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CrmColumns *self = CRM_COLUMNS (object);

  switch (prop_id)
    {
    case PROP_COLUMN_WIDTH:
      crm_columns_set_column_width (self, g_value_get_int (value));
      break;
    case PROP_SPACING:
      crm_columns_set_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_columns_class_init (CrmColumnsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_columns_dispose;
  object_class->get_property = crm_columns_get_property;
  object_class->set_property = crm_columns_set_property;
  widget_class->measure = crm_columns_measure;
  widget_class->size_allocate = crm_columns_size_allocate;
  widget_class->get_request_mode = crm_columns_get_request_mode;

  /**
   * CrmColumns:column-width:
   *
   * The narrowest a column may be beside the others; narrower, they go one under the
   * other.
   */
  properties[PROP_COLUMN_WIDTH] =
    g_param_spec_int ("column-width", NULL, NULL, 0, G_MAXINT, 400,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CrmColumns:spacing:
   *
   * The space between the columns, side by side or one under the other.
   */
  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 24,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "columns");
}

static void
crm_columns_init (CrmColumns *self)
{
  self->column_width = 400;
  self->spacing = 24;
}

/**
 * crm_columns_new:
 *
 * Returns: (transfer floating): a widget laying its children out as columns
 */
GtkWidget *
crm_columns_new (void)
{
  return g_object_new (CRM_TYPE_COLUMNS, NULL);
}

int
crm_columns_get_column_width (CrmColumns *self)
{
  g_return_val_if_fail (CRM_IS_COLUMNS (self), 0);
  return self->column_width;
}

void
crm_columns_set_column_width (CrmColumns *self,
                              int         column_width)
{
  g_return_if_fail (CRM_IS_COLUMNS (self));

  if (self->column_width == column_width)
    return;
  self->column_width = column_width;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLUMN_WIDTH]);
}

int
crm_columns_get_spacing (CrmColumns *self)
{
  g_return_val_if_fail (CRM_IS_COLUMNS (self), 0);
  return self->spacing;
}

void
crm_columns_set_spacing (CrmColumns *self,
                         int         spacing)
{
  g_return_if_fail (CRM_IS_COLUMNS (self));

  if (self->spacing == spacing)
    return;
  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

/**
 * crm_columns_is_side_by_side:
 * @self: a #CrmColumns
 *
 * Returns: whether the last allocation put the columns side by side
 */
gboolean
crm_columns_is_side_by_side (CrmColumns *self)
{
  g_return_val_if_fail (CRM_IS_COLUMNS (self), FALSE);
  return self->side_by_side;
}
