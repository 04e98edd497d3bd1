/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-harness"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "crm-test-server.h"

/*
 * The harness's clusters outlive no test: a test process that starts one and then ends
 * by g_error () (SIGTRAP or SIGABRT), abort (), SIGKILL or a SIGTERM to its whole process
 * group (how meson ends a test that timed out or was interrupted) leaves neither its
 * postmaster running nor its directory behind.
 */

#define GONE_TIMEOUT_SECONDS 20

/* Gone, or a zombie that nobody reaped yet (PID 1 of a container may never). */
static gboolean
process_is_gone (GPid pid)
{
  g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;

  if (kill (pid, 0) != 0 && errno == ESRCH)
    return TRUE;
  return g_file_get_contents (status_path, &status, NULL, NULL)
         && strstr (status, "\nState:\tZ") != NULL;
}

/* In the child: a cluster, where it is and its postmaster written down, then the end. */
static void
start_cluster_and_die (const char *how)
{
  CrmTestCluster *cluster;

  /* A process group of its own, as meson gives each test, to signal all of it. */
  if (g_str_equal (how, "group"))
    g_assert_cmpint (setpgid (0, 0), ==, 0);
  cluster = crm_test_cluster_new ();
  g_autofree char *pid_path = NULL;
  g_autofree char *pid_file = NULL;
  g_autofree char *info = NULL;
  g_autoptr(GError) error = NULL;

  pid_path = g_build_filename (crm_test_cluster_get_dir (cluster), "pg", "postmaster.pid", NULL);
  g_assert_true (g_file_get_contents (pid_path, &pid_file, NULL, &error));
  info = g_strdup_printf ("%s\n%d\n", crm_test_cluster_get_dir (cluster),
                          (int) g_ascii_strtoll (pid_file, NULL, 10));
  g_assert_true (g_file_set_contents (g_getenv ("CRM_TEST_HARNESS_INFO"), info, -1, &error));
  if (g_str_equal (how, "error"))
    g_error ("Giving up with the cluster running");
  if (g_str_equal (how, "abort"))
    abort ();
  if (g_str_equal (how, "group"))
    kill (0, SIGTERM);
  raise (SIGKILL);
}

static void
test_cluster_dies_with_test (gconstpointer data)
{
  const char *how = data;
  g_autofree char *dir = NULL;
  g_autofree char *info_path = NULL;
  g_autofree char *info = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline;
  GPid pid;

  if (g_test_subprocess ())
    {
      start_cluster_and_die (how);
      return;
    }
  dir = crm_test_make_dir ();
  info_path = g_build_filename (dir, "info", NULL);
  g_setenv ("CRM_TEST_HARNESS_INFO", info_path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();

  g_assert_true (g_file_get_contents (info_path, &info, NULL, &error));
  lines = g_strsplit (info, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  pid = (GPid) g_ascii_strtoll (lines[1], NULL, 10);
  g_assert_cmpint (pid, >, 0);
  g_assert_true (g_str_has_prefix (lines[0], g_get_tmp_dir ()));

  deadline = g_get_monotonic_time () + GONE_TIMEOUT_SECONDS * G_USEC_PER_SEC;
  while ((!process_is_gone (pid) || g_file_test (lines[0], G_FILE_TEST_EXISTS))
         && g_get_monotonic_time () < deadline)
    g_usleep (G_USEC_PER_SEC / 10);
  g_assert_true (process_is_gone (pid));
  g_assert_false (g_file_test (lines[0], G_FILE_TEST_EXISTS));
  crm_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  if (!crm_test_have_postgresql ())
    {
      g_print ("1..0 # SKIP PostgreSQL server binaries are not installed\n");
      return 0;
    }
  g_test_add_data_func ("/crm/harness/cluster-dies-with/g-error", "error",
                        test_cluster_dies_with_test);
  g_test_add_data_func ("/crm/harness/cluster-dies-with/abort", "abort",
                        test_cluster_dies_with_test);
  g_test_add_data_func ("/crm/harness/cluster-dies-with/sigkill", "kill",
                        test_cluster_dies_with_test);
  g_test_add_data_func ("/crm/harness/cluster-dies-with/group-sigterm", "group",
                        test_cluster_dies_with_test);
  return g_test_run ();
}
