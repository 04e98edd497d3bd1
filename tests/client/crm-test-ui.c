/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "crm-test-ui.h"

/* How long a step may take on a busy machine. */
#define TIMEOUT_SECONDS 30

static gboolean
timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

/**
 * crm_test_ui_wait_frames:
 * @widget: the widget whose frames are counted
 * @n_frames: how many
 * @what: the step, for the message when it times out
 *
 * Iterates the main context until @widget painted @n_frames frames; fails the test after
 * 30 s. Counts no frame after it returns.
 */
void
crm_test_ui_wait_frames (GtkWidget  *widget,
                         guint       n_frames,
                         const char *what)
{
  gboolean timed_out = FALSE;
  guint frames = 0;
  guint timeout = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, &timed_out);
  guint tick = gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);

  while (!timed_out && frames < n_frames)
    g_main_context_iteration (NULL, TRUE);
  gtk_widget_remove_tick_callback (widget, tick);
  if (timed_out)
    g_error ("Timed out waiting for %s to be painted", what);
  g_source_remove (timeout);
}

/**
 * crm_test_ui_wait:
 * @widget: the widget that must paint what @done waits for
 * @done: holds once the step is over
 * @user_data: data for @done
 * @what: the step, for the message when it times out
 *
 * Iterates the main context until @done holds, then until @widget painted
 * three more frames; fails the test after 30 s.
 */
void
crm_test_ui_wait (GtkWidget          *widget,
                  CrmTestUiPredicate  done,
                  gpointer            user_data,
                  const char         *what)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, &timed_out);

  while (!timed_out && !done (user_data))
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_error ("Timed out waiting for %s", what);
  g_source_remove (timeout);
  crm_test_ui_wait_frames (widget, 3, what);
}

gpointer
crm_test_ui_template_child (gpointer    widget,
                            GType       type,
                            const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (widget), type, name);

  g_assert_nonnull (child);
  return child;
}

/* The widget named @name under @widget (or @widget itself), or NULL. */
GtkWidget *
crm_test_ui_find_named (GtkWidget  *widget,
                        const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = crm_test_ui_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The label under @widget (or @widget itself) that reads @text, or NULL; a GtkInscription
 * (the customer list's cells) counts as a label. */
GtkWidget *
crm_test_ui_find_label (GtkWidget  *widget,
                        const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  if (GTK_IS_INSCRIPTION (widget)
      && g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = crm_test_ui_find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Selects and activates the row named @name of @list, as a click on it does (a section
 * of the window's sidebar). */
void
crm_test_ui_activate_row (GtkListBox *list,
                          const char *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), name) == 0)
      {
        gtk_list_box_select_row (list, GTK_LIST_BOX_ROW (row));
        g_signal_emit_by_name (list, "row-activated", row);
        return;
      }
  g_assert_not_reached ();
}

/* Sends @keyval to @widget's key controllers, as a key press would. */
void
crm_test_ui_press_key (GtkWidget *widget,
                       guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, 0, &handled);
    }
  g_assert_true (handled);
}

/**
 * crm_test_ui_press_shortcut:
 * @widget: a widget with keyboard shortcuts (of its class, or added)
 * @accelerator: the keys, as gtk_accelerator_parse () reads them ("<Control>s", "Escape")
 *
 * Activates @widget's shortcut for @accelerator, as the keys pressed in it do; fails
 * the test when @widget has none.
 */
void
crm_test_ui_press_shortcut (GtkWidget  *widget,
                            const char *accelerator)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  g_autoptr(GtkShortcutTrigger) wanted = gtk_shortcut_trigger_parse_string (accelerator);

  g_assert_nonnull (wanted);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           widget,
                                                           gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }
  g_error ("No shortcut %s on %s", accelerator, G_OBJECT_TYPE_NAME (widget));
}

/* @popover drawn over @snapshot at its place on @window: a popover is a
 * surface of its own, which the window's paintable leaves out. *@width and *@height
 * grow to take in a popover that reaches past the window (a small dialog's list). */
static void
append_popover (GtkSnapshot *snapshot,
                GtkWidget   *window,
                GtkWidget   *popover,
                int         *width,
                int         *height)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (popover);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (popover));
  double popover_x = 0;
  double popover_y = 0;
  double window_x = 0;
  double window_y = 0;

  double x, y;

  gtk_native_get_surface_transform (GTK_NATIVE (popover), &popover_x, &popover_y);
  gtk_native_get_surface_transform (GTK_NATIVE (window), &window_x, &window_y);
  x = gdk_popup_get_position_x (GDK_POPUP (surface)) + popover_x - window_x;
  y = gdk_popup_get_position_y (GDK_POPUP (surface)) + popover_y - window_y;
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot),
                          gdk_paintable_get_intrinsic_width (paintable),
                          gdk_paintable_get_intrinsic_height (paintable));
  gtk_snapshot_restore (snapshot);
  *width = MAX (*width, (int) x + gdk_paintable_get_intrinsic_width (paintable));
  *height = MAX (*height, (int) y + gdk_paintable_get_intrinsic_height (paintable));
}

/**
 * crm_test_ui_save_png:
 * @window: a toplevel that has drawn
 * @popover: (nullable): a popover of @window to draw over it
 * @path: the PNG to write
 *
 * Renders what @window (and @popover) last drew with the window's renderer.
 */
void
crm_test_ui_save_png (GtkWidget  *window,
                      GtkWidget  *popover,
                      const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = 0;
  int height = 0;

  /* A window not drawn yet (its first frame still to come) snapshots to nothing: let
   * GTK draw it, for up to 5 s. */
  for (guint tries = 0; node == NULL && tries < 500; tries++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      if (tries > 0)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10 * 1000);
        }
      width = gdk_paintable_get_intrinsic_width (paintable);
      height = gdk_paintable_get_intrinsic_height (paintable);
      g_assert_cmpint (width, >, 100);
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      if (popover != NULL)
        append_popover (snapshot, window, popover, &width, &height);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot: %s", path);
}

/* Runs the current test case again in a subprocess of its own with LANGUAGE (unset
 * for %NULL) and PANGO_LANGUAGE set, and asserts that it passed. */
void
crm_test_ui_run_in_language (const char *language,
                             const char *pango_language)
{
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  if (pango_language != NULL)
    g_setenv ("PANGO_LANGUAGE", pango_language, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT
                          | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}
