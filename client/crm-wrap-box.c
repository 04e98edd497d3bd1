/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-wrap-box"

#include "config.h"

#include "crm-wrap-box.h"

/**
 * CrmWrapBox:
 *
 * Its children in lines, as words in a paragraph: each as wide as it asks, from the
 * start, #CrmWrapBox:spacing apart, the next line when the next child does not fit the
 * width. The customer page's tag chips flow in one; a GtkFlowBox (GTK 4.8) aligns its
 * children in columns as wide as the widest of each and spaces them unevenly, and
 * libadwaita 1.2 has no AdwWrapBox (1.7). Height for width, so the lines follow the
 * width.
 */
struct _CrmWrapBox
{
  GtkWidget parent_instance;

  int       spacing;
  int       row_spacing;
};

G_DEFINE_FINAL_TYPE (CrmWrapBox, crm_wrap_box, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SPACING,
  PROP_ROW_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/*
 * Lays the visible children out in @width (or on one line when @width is negative): each
 * child's width and height, and its place when @allocate. Returns the height of the lines.
 */
static int
flow (CrmWrapBox *self,
      int         width,
      gboolean    allocate)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  GtkWidget *line_start = NULL;
  int x = 0, y = 0, line_height = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_minimum, child_width, child_height;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_minimum, &child_width,
                          NULL, NULL);
      if (width >= 0)
        child_width = MAX (child_minimum, MIN (child_width, width));
      /* Past the end of this line: the next one. */
      if (line_start != NULL && width >= 0 && x + self->spacing + child_width > width)
        {
          y += line_height + self->row_spacing;
          x = 0;
          line_height = 0;
          line_start = NULL;
        }
      if (line_start != NULL)
        x += self->spacing;
      else
        line_start = child;
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, child_width, NULL, &child_height,
                          NULL, NULL);
      if (allocate)
        gtk_widget_allocate (child, child_width, child_height, -1,
                             gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (
                               rtl ? width - x - child_width : x, y)));
      x += child_width;
      line_height = MAX (line_height, child_height);
    }
  return y + line_height;
}

static void
crm_wrap_box_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  CrmWrapBox *self = CRM_WRAP_BOX (widget);
  guint n = 0;

  if (orientation == GTK_ORIENTATION_VERTICAL)
    {
      *minimum = *natural = flow (self, for_size, FALSE);
      return;
    }
  /* As narrow as the widest child (one a line), as wide as all of them on one line. */
  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_minimum, child_natural;

      if (!gtk_widget_should_layout (child))
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_minimum, &child_natural,
                          NULL, NULL);
      *minimum = MAX (*minimum, child_minimum);
      *natural += child_natural + (n++ > 0 ? self->spacing : 0);
    }
}

static void
crm_wrap_box_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  flow (CRM_WRAP_BOX (widget), width, TRUE);
}

static GtkSizeRequestMode
crm_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
crm_wrap_box_dispose (GObject *object)
{
  crm_wrap_box_remove_all (CRM_WRAP_BOX (object));

  G_OBJECT_CLASS (crm_wrap_box_parent_class)->dispose (object);
}

static void
crm_wrap_box_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CrmWrapBox *self = CRM_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    case PROP_ROW_SPACING:
      g_value_set_int (value, self->row_spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_wrap_box_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  CrmWrapBox *self = CRM_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      crm_wrap_box_set_spacing (self, g_value_get_int (value));
      break;
    case PROP_ROW_SPACING:
      crm_wrap_box_set_row_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
crm_wrap_box_class_init (CrmWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = crm_wrap_box_dispose;
  object_class->get_property = crm_wrap_box_get_property;
  object_class->set_property = crm_wrap_box_set_property;
  widget_class->measure = crm_wrap_box_measure;
  widget_class->size_allocate = crm_wrap_box_size_allocate;
  widget_class->get_request_mode = crm_wrap_box_get_request_mode;

  /**
   * CrmWrapBox:spacing:
   *
   * The space between two children on a line.
   */
  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 6,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * CrmWrapBox:row-spacing:
   *
   * The space between two lines.
   */
  properties[PROP_ROW_SPACING] =
    g_param_spec_int ("row-spacing", NULL, NULL, 0, G_MAXINT, 6,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_css_name (widget_class, "wrapbox");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
crm_wrap_box_init (CrmWrapBox *self)
{
  self->spacing = 6;
  self->row_spacing = 6;
}

/**
 * crm_wrap_box_new:
 *
 * Returns: (transfer floating): an empty box
 */
GtkWidget *
crm_wrap_box_new (void)
{
  return g_object_new (CRM_TYPE_WRAP_BOX, NULL);
}

/**
 * crm_wrap_box_append:
 * @self: a #CrmWrapBox
 * @child: (transfer floating): a widget, after the others
 */
void
crm_wrap_box_append (CrmWrapBox *self,
                     GtkWidget  *child)
{
  g_return_if_fail (CRM_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_set_parent (child, GTK_WIDGET (self));
}

/**
 * crm_wrap_box_remove_all:
 * @self: a #CrmWrapBox
 *
 * Removes every child.
 */
void
crm_wrap_box_remove_all (CrmWrapBox *self)
{
  GtkWidget *child;

  g_return_if_fail (CRM_IS_WRAP_BOX (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
}

int
crm_wrap_box_get_spacing (CrmWrapBox *self)
{
  g_return_val_if_fail (CRM_IS_WRAP_BOX (self), 0);
  return self->spacing;
}

void
crm_wrap_box_set_spacing (CrmWrapBox *self,
                          int         spacing)
{
  g_return_if_fail (CRM_IS_WRAP_BOX (self));

  if (self->spacing == spacing)
    return;
  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

int
crm_wrap_box_get_row_spacing (CrmWrapBox *self)
{
  g_return_val_if_fail (CRM_IS_WRAP_BOX (self), 0);
  return self->row_spacing;
}

void
crm_wrap_box_set_row_spacing (CrmWrapBox *self,
                              int         row_spacing)
{
  g_return_if_fail (CRM_IS_WRAP_BOX (self));

  if (self->row_spacing == row_spacing)
    return;
  self->row_spacing = row_spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROW_SPACING]);
}
