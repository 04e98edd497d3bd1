/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-cluster"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libpq-fe.h>

#include "crm-cluster.h"
#include "crm-pq.h"

/* sizeof (((struct sockaddr_un *) 0)->sun_path) - 1 on Linux; PostgreSQL refuses longer. */
#define SOCKET_PATH_MAX       107
#define START_TIMEOUT_SECONDS 120
#define STOP_TIMEOUT_SECONDS  60
#define SHMEM_WAIT_SECONDS    10
#define POLL_INTERVAL_USEC    (100 * 1000)
#define LOG_TAIL_BYTES        4096
#define LOG_TAIL_LINES        20
#define CONF_FILE_NAME        "rapport.conf"
#define CONF_INCLUDE_LINE     "include '" CONF_FILE_NAME "'"
#define DEFAULT_OS_USER       "postgres"

/* Line 7 of postmaster.pid: "SHMEM_KEY SHMEM_ID" (PostgreSQL's LOCK_FILE_LINE_SHMEM_KEY). */
#define LOCK_FILE_LINE_SHMEM  7

struct _CrmCluster
{
  char     *data_dir;
  char     *pgdata;
  char     *log_path;
  char     *bindir;
  char     *os_user;
  gboolean  durable;
  gboolean  started_here;
  gboolean  attached;
  GSubprocess *postmaster;   /* when attached and started here */
};

/* What the child needs to become the attached postmaster: all looked up before fork,
 * since only async-signal-safe calls may follow it. */
typedef struct
{
  gboolean switch_user;
  uid_t    uid;
  gid_t    gid;
  gid_t   *groups;
  int      n_groups;
  pid_t    parent;
} AttachSetup;

static const char database_exists_sql[] =
  "SELECT 1 FROM pg_database WHERE datname = $1";

G_DEFINE_QUARK (crm-cluster-error-quark, crm_cluster_error)

static gboolean
is_root (void)
{
  return geteuid () == 0;
}

static char *
dup_pgdata_file (CrmCluster *self,
                 const char *name)
{
  return g_build_filename (self->pgdata, name, NULL);
}

static char *
dup_socket_path (CrmCluster *self)
{
  return g_strdup_printf ("%s/.s.PGSQL.%d", self->pgdata, CRM_CLUSTER_PORT);
}

static gboolean
check_socket_path (CrmCluster  *self,
                   GError     **error)
{
  g_autofree char *socket_path = dup_socket_path (self);
  size_t length = strlen (socket_path);

  if (length <= SOCKET_PATH_MAX)
    return TRUE;

  g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_PATH_TOO_LONG,
               "The PostgreSQL socket path %s would be %zu bytes long, but Unix sockets "
               "allow at most %d: choose a data directory with a shorter path",
               socket_path, length, SOCKET_PATH_MAX);
  return FALSE;
}

/* Appends KEY=VALUE, quoting VALUE as libpq's conninfo parser expects. */
static void
append_conninfo_value (GString    *conninfo,
                       const char *key,
                       const char *value)
{
  if (conninfo->len > 0)
    g_string_append_c (conninfo, ' ');
  g_string_append_printf (conninfo, "%s=", key);

  if (*value != '\0' && strpbrk (value, " \t\n\r\f\v'\\") == NULL)
    {
      g_string_append (conninfo, value);
      return;
    }

  g_string_append_c (conninfo, '\'');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (conninfo, '\\');
      g_string_append_c (conninfo, *p);
    }
  g_string_append_c (conninfo, '\'');
}

/* A string value for postgresql.conf; the directory is double-quoted inside it when it
 * holds characters that PostgreSQL's list syntax for unix_socket_directories would split on. */
static char *
dup_socket_directories_value (CrmCluster *self)
{
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(GString) value = g_string_new ("'");
  gboolean quote = strpbrk (self->pgdata, ", \t\n\r\f\v\"") != NULL;

  if (quote)
    g_string_append_c (list, '"');
  for (const char *p = self->pgdata; *p != '\0'; p++)
    {
      if (quote && *p == '"')
        g_string_append_c (list, '"');
      g_string_append_c (list, *p);
    }
  if (quote)
    g_string_append_c (list, '"');

  for (const char *p = list->str; *p != '\0'; p++)
    {
      if (*p == '\'')
        g_string_append_c (value, '\'');
      else if (*p == '\\')
        g_string_append_c (value, '\\');
      g_string_append_c (value, *p);
    }
  g_string_append_c (value, '\'');

  return g_string_free (g_steal_pointer (&value), FALSE);
}

static gboolean
lookup_os_user (CrmCluster  *self,
                uid_t       *out_uid,
                gid_t       *out_gid,
                GError     **error)
{
  struct passwd *pw = getpwnam (self->os_user);

  if (pw == NULL)
    {
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "The user %s, which must own the PostgreSQL cluster when Rapport runs as "
                   "root, does not exist", self->os_user);
      return FALSE;
    }
  if (pw->pw_uid == 0)
    {
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "PostgreSQL refuses to run as root; name another user than %s to own "
                   "the cluster", self->os_user);
      return FALSE;
    }

  *out_uid = pw->pw_uid;
  *out_gid = pw->pw_gid;
  return TRUE;
}

static char *
find_runuser (void)
{
  static const char * const fallbacks[] = { "/usr/sbin/runuser", "/sbin/runuser" };
  char *path = g_find_program_in_path ("runuser");

  for (guint i = 0; path == NULL && i < G_N_ELEMENTS (fallbacks); i++)
    if (g_file_test (fallbacks[i], G_FILE_TEST_IS_EXECUTABLE))
      path = g_strdup (fallbacks[i]);

  return path;
}

/* Runs ARGV (ARGV[0] an absolute path), as the cluster's OS user when we are root.
 * Stdout is dropped; stderr goes into the error message. */
static gboolean
spawn_as_os_user (CrmCluster          *self,
                  const char * const  *argv,
                  GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) subprocess = NULL;
  g_autoptr(GPtrArray) full_argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) stderr_bytes = NULL;
  g_autofree char *program = g_path_get_basename (argv[0]);
  g_autofree char *output = NULL;
  g_autofree char *status = NULL;

  if (is_root ())
    {
      char *runuser = find_runuser ();

      if (runuser == NULL)
        {
          g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                       "runuser (util-linux) is needed to run %s as %s, but it was not found",
                       program, self->os_user);
          return FALSE;
        }
      g_ptr_array_add (full_argv, runuser);
      g_ptr_array_add (full_argv, g_strdup ("-u"));
      g_ptr_array_add (full_argv, g_strdup (self->os_user));
      g_ptr_array_add (full_argv, g_strdup ("--"));
    }
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full_argv, g_strdup (argv[i]));
  g_ptr_array_add (full_argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  /* The OS user may not be able to enter our working directory (e.g. /root). */
  g_subprocess_launcher_set_cwd (launcher, "/");
  /* English messages whatever the caller's locale; no stray libpq/server defaults. */
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "PGDATA");
  g_subprocess_launcher_unsetenv (launcher, "PGHOST");
  g_subprocess_launcher_unsetenv (launcher, "PGPORT");

  g_debug ("Running %s", argv[0]);
  subprocess = g_subprocess_launcher_spawnv (launcher,
                                             (const char * const *) full_argv->pdata,
                                             error);
  if (subprocess == NULL)
    {
      g_prefix_error (error, "Could not run %s: ", program);
      return FALSE;
    }
  if (!g_subprocess_communicate (subprocess, NULL, NULL, NULL, &stderr_bytes, error))
    {
      g_prefix_error (error, "Could not read the output of %s: ", program);
      return FALSE;
    }
  if (g_subprocess_get_successful (subprocess))
    return TRUE;

  if (stderr_bytes != NULL && g_bytes_get_size (stderr_bytes) > 0)
    output = g_strstrip (g_utf8_make_valid (g_bytes_get_data (stderr_bytes, NULL),
                                            g_bytes_get_size (stderr_bytes)));
  if (g_subprocess_get_if_exited (subprocess))
    status = g_strdup_printf ("exit status %d", g_subprocess_get_exit_status (subprocess));
  else
    status = g_strdup_printf ("signal %d", g_subprocess_get_term_sig (subprocess));

  g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
               "%s failed (%s)%s%s", program, status,
               output != NULL && *output != '\0' ? ": " : "",
               output != NULL ? output : "");
  return FALSE;
}

/* Runs one of PostgreSQL's programs from bindir; ARGS[0] is its name. */
static gboolean
run_tool (CrmCluster          *self,
          const char * const  *args,
          GError             **error)
{
  g_autofree char *program = g_build_filename (self->bindir, args[0], NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  if (!g_file_test (program, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "%s was not found in %s: install the PostgreSQL server (postgresql-15) "
                   "or configure where its programs are", args[0], self->bindir);
      return FALSE;
    }

  g_ptr_array_add (argv, program);
  for (guint i = 1; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  return spawn_as_os_user (self, (const char * const *) argv->pdata, error);
}

static gboolean
can_search (const struct stat *st,
            uid_t              uid,
            const gid_t       *groups,
            int                n_groups)
{
  if (st->st_uid == uid)
    return (st->st_mode & S_IXUSR) != 0;
  for (int i = 0; i < n_groups; i++)
    if (st->st_gid == groups[i])
      return (st->st_mode & S_IXGRP) != 0;
  return (st->st_mode & S_IXOTH) != 0;
}

/* When root: checks that the OS user can enter DATA_DIR.  The mode bits walk names the
 * directory in the way; a real access check as that user confirms it (ACLs may allow it). */
static gboolean
check_reachable (CrmCluster  *self,
                 GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (self->data_dir, "/", -1);
  g_autoptr(GString) path = g_string_new ("/");
  g_autofree gid_t *groups = NULL;
  g_autofree char *blocked = NULL;
  g_autofree char *test_program = NULL;
  struct passwd *pw = NULL;
  struct stat st;
  int n_groups = 0;

  pw = getpwnam (self->os_user);
  if (pw == NULL)
    return TRUE; /* lookup_os_user () reports it */

  getgrouplist (pw->pw_name, pw->pw_gid, NULL, &n_groups);
  groups = g_new0 (gid_t, MAX (n_groups, 1));
  if (getgrouplist (pw->pw_name, pw->pw_gid, groups, &n_groups) < 0)
    n_groups = 0;

  if (g_stat (path->str, &st) == 0 && !can_search (&st, pw->pw_uid, groups, n_groups))
    blocked = g_strdup (path->str);
  for (guint i = 0; parts[i] != NULL && blocked == NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;
      if (path->len > 1)
        g_string_append_c (path, '/');
      g_string_append (path, parts[i]);
      if (g_stat (path->str, &st) == 0 && !can_search (&st, pw->pw_uid, groups, n_groups))
        blocked = g_strdup (path->str);
    }

  if (blocked == NULL)
    return TRUE;

  test_program = g_find_program_in_path ("test");
  if (test_program != NULL)
    {
      const char * const argv[] = { test_program, "-x", self->data_dir, NULL };

      if (spawn_as_os_user (self, argv, NULL))
        return TRUE;
    }

  g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_PERMISSION,
               "PostgreSQL runs as the user %s, which cannot enter %s, so it cannot reach "
               "the data directory %s. Choose a data directory outside %s (for example "
               "under /var/lib or /srv), or let %s pass through it (chmod o+x %s)",
               self->os_user, blocked, self->data_dir, blocked, self->os_user, blocked);
  return FALSE;
}

/* Creates DATA_DIR (0711 when root, so that the OS user can pass through; 0700 otherwise). */
static gboolean
make_data_dir (CrmCluster  *self,
               GError     **error)
{
  mode_t mode = is_root () ? 0711 : 0700;
  struct stat st;

  if (g_mkdir_with_parents (self->data_dir, mode) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CRM_CLUSTER_ERROR,
                   saved_errno == EACCES ? CRM_CLUSTER_ERROR_PERMISSION : CRM_CLUSTER_ERROR_FAILED,
                   "Could not create the data directory %s: %s",
                   self->data_dir, g_strerror (saved_errno));
      return FALSE;
    }

  if (is_root () && g_stat (self->data_dir, &st) == 0 && (st.st_mode & 0111) != 0111 &&
      g_chmod (self->data_dir, (st.st_mode & 07777) | 0111) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Could not make %s traversable: %s", self->data_dir, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* Writes a file inside pgdata, owned by the OS user when we are root. */
static gboolean
write_cluster_file (CrmCluster  *self,
                    const char  *path,
                    const char  *contents,
                    GError     **error)
{
  uid_t uid;
  gid_t gid;

  if (!g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
    return FALSE;

  if (is_root ())
    {
      if (!lookup_os_user (self, &uid, &gid, error))
        return FALSE;
      if (chown (path, uid, gid) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                       "Could not give %s to %s: %s", path, self->os_user,
                       g_strerror (saved_errno));
          return FALSE;
        }
    }

  return TRUE;
}

/* Our settings live in pgdata/rapport.conf, rewritten at each start (so durability follows
 * the caller, and the socket follows a moved data directory) and included at the end of
 * postgresql.conf; ALTER SYSTEM (postgresql.auto.conf) still overrides them. */
static gboolean
write_config (CrmCluster  *self,
              GError     **error)
{
  const char *durability = self->durable ? "on" : "off";
  g_autofree char *conf_path = dup_pgdata_file (self, CONF_FILE_NAME);
  g_autofree char *main_conf_path = dup_pgdata_file (self, "postgresql.conf");
  g_autofree char *socket_dirs = dup_socket_directories_value (self);
  g_autofree char *contents = NULL;
  g_autofree char *main_conf = NULL;
  g_autofree char *new_main_conf = NULL;

  contents = g_strdup_printf ("# Rapport rewrites this file at each start: edits are lost.\n"
                              "# Tune other settings in postgresql.conf or with ALTER SYSTEM.\n"
                              "listen_addresses = ''\n"
                              "port = %d\n"
                              "unix_socket_directories = %s\n"
                              "unix_socket_permissions = 0700\n"
                              "max_connections = 200\n"
                              "shared_buffers = 128MB\n"
                              "fsync = %s\n"
                              "synchronous_commit = %s\n"
                              "full_page_writes = %s\n",
                              CRM_CLUSTER_PORT, socket_dirs,
                              durability, durability, durability);
  if (!write_cluster_file (self, conf_path, contents, error))
    return FALSE;

  if (!g_file_get_contents (main_conf_path, &main_conf, NULL, error))
    return FALSE;
  if (strstr (main_conf, "\n" CONF_INCLUDE_LINE "\n") != NULL)
    return TRUE;

  new_main_conf = g_strconcat (main_conf,
                               g_str_has_suffix (main_conf, "\n") ? "" : "\n",
                               "\n# Rapport: socket, connections and durability.\n"
                               CONF_INCLUDE_LINE "\n",
                               NULL);
  return write_cluster_file (self, main_conf_path, new_main_conf, error);
}

/* pg_ctl -l runs as the OS user, which cannot create files in DATA_DIR (owned by root). */
static gboolean
prepare_log_file (CrmCluster  *self,
                  GError     **error)
{
  uid_t uid;
  gid_t gid;
  int fd;

  if (!is_root ())
    return TRUE;
  if (!lookup_os_user (self, &uid, &gid, error))
    return FALSE;

  fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 || fchown (fd, uid, gid) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        g_close (fd, NULL);
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Could not prepare the PostgreSQL log %s: %s",
                   self->log_path, g_strerror (saved_errno));
      return FALSE;
    }

  return g_close (fd, error);
}

/* The last lines of pg.log, for error messages. */
static char *
dup_log_tail (CrmCluster *self)
{
  g_autofree char *buffer = g_malloc (LOG_TAIL_BYTES + 1);
  g_auto(GStrv) lines = NULL;
  g_autofree char *text = NULL;
  struct stat st;
  gboolean seeked = FALSE;
  ssize_t n_read;
  guint n_lines;
  guint first;
  int fd;

  fd = g_open (self->log_path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return g_strdup ("(no log)");
  if (fstat (fd, &st) == 0 && st.st_size > LOG_TAIL_BYTES)
    seeked = lseek (fd, st.st_size - LOG_TAIL_BYTES, SEEK_SET) >= 0;
  n_read = read (fd, buffer, LOG_TAIL_BYTES);
  g_close (fd, NULL);
  if (n_read <= 0)
    return g_strdup ("(empty log)");
  buffer[n_read] = '\0';

  text = g_utf8_make_valid (buffer, n_read);
  lines = g_strsplit (g_strchomp (text), "\n", -1);
  n_lines = g_strv_length (lines);
  first = n_lines > LOG_TAIL_LINES ? n_lines - LOG_TAIL_LINES : 0;
  /* After a seek the first line is most likely partial. */
  if (seeked && first == 0 && n_lines > 1)
    first = 1;

  return g_strjoinv ("\n", lines + first);
}

/* Reads the PID (line 1) and the shared memory id (line 7, or -1) of a lock file. */
static gboolean
read_lock_file (const char *path,
                GPid       *out_pid,
                int        *out_shmid)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 pid;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  lines = g_strsplit (contents, "\n", -1);
  pid = g_ascii_strtoll (lines[0], NULL, 10);
  /* Standalone backends write their PID negated. */
  *out_pid = (GPid) ABS (pid);

  if (out_shmid != NULL)
    {
      *out_shmid = -1;
      if (g_strv_length (lines) >= LOCK_FILE_LINE_SHMEM)
        {
          g_auto(GStrv) ids = g_strsplit_set (g_strstrip (lines[LOCK_FILE_LINE_SHMEM - 1]),
                                              " \t", -1);
          guint n_ids = g_strv_length (ids);

          if (n_ids >= 2)
            *out_shmid = (int) g_ascii_strtoll (ids[n_ids - 1], NULL, 10);
        }
    }

  return *out_pid > 0;
}

/* Whether PID is a live PostgreSQL server of this cluster.  A dead PID, a zombie, or a PID
 * reused by another program (common after a container restart) means a stale lock file. */
static gboolean
is_live_postmaster (CrmCluster *self,
                    GPid        pid)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *cwd_path = g_strdup_printf ("/proc/%d/cwd", (int) pid);
  g_autofree char *comm_path = g_strdup_printf ("/proc/%d/comm", (int) pid);
  g_autofree char *stat = NULL;
  g_autofree char *cwd = NULL;
  g_autofree char *comm = NULL;
  g_autofree char *real_pgdata = NULL;

  if (pid <= 0 || pid == getpid ())
    return FALSE;
  if (kill (pid, 0) != 0 && errno == ESRCH)
    return FALSE;

  if (g_file_get_contents (stat_path, &stat, NULL, NULL))
    {
      const char *state = strrchr (stat, ')');

      if (state != NULL && (state[1] == ' ') && (state[2] == 'Z' || state[2] == 'X'))
        return FALSE;
    }

  /* A postmaster's working directory is its data directory. */
  cwd = g_file_read_link (cwd_path, NULL);
  if (cwd != NULL)
    {
      real_pgdata = realpath (self->pgdata, NULL);
      return real_pgdata != NULL && strcmp (cwd, real_pgdata) == 0;
    }

  if (g_file_get_contents (comm_path, &comm, NULL, NULL))
    return g_str_has_prefix (comm, "postgres");

  return TRUE;
}

/* After a crash, surviving backends keep the old shared memory attached; PostgreSQL
 * refuses to start until they are gone, and they leave quickly once the postmaster died. */
static gboolean
wait_for_shmem_release (int shmid)
{
  for (guint i = 0; i < SHMEM_WAIT_SECONDS * G_USEC_PER_SEC / POLL_INTERVAL_USEC; i++)
    {
      struct shmid_ds ds;

      if (shmctl (shmid, IPC_STAT, &ds) != 0 || ds.shm_nattch == 0)
        return TRUE;
      g_usleep (POLL_INTERVAL_USEC);
    }

  return FALSE;
}

static gboolean
wait_until_running (CrmCluster *self,
                    GPid        pid)
{
  for (guint i = 0; i < START_TIMEOUT_SECONDS * G_USEC_PER_SEC / POLL_INTERVAL_USEC; i++)
    {
      if (crm_cluster_is_running (self))
        return TRUE;
      if (!is_live_postmaster (self, pid))
        return FALSE;
      g_usleep (POLL_INTERVAL_USEC);
    }

  return FALSE;
}

static void
remove_stale_lock_file (const char *path)
{
  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove the stale lock file %s: %s", path, g_strerror (errno));
  else
    g_debug ("Removed the stale lock file %s", path);
}

/* Deals with a postmaster.pid left by someone: waits for a postmaster that is starting up
 * (sets ALREADY_RUNNING), or clears lock files a crashed one left behind. */
static gboolean
settle_previous_postmaster (CrmCluster  *self,
                            gboolean    *already_running,
                            GError     **error)
{
  g_autofree char *pid_path = dup_pgdata_file (self, "postmaster.pid");
  g_autofree char *socket_lock_path = NULL;
  g_autofree char *socket_path = NULL;
  GPid pid = 0;
  GPid socket_pid = 0;
  int shmid = -1;

  *already_running = FALSE;

  if (!read_lock_file (pid_path, &pid, &shmid))
    return TRUE;

  if (is_live_postmaster (self, pid))
    {
      g_debug ("PostgreSQL (PID %d) is starting or stopping; waiting for it", (int) pid);
      if (wait_until_running (self, pid))
        {
          *already_running = TRUE;
          return TRUE;
        }
      if (is_live_postmaster (self, pid))
        {
          g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                       "PostgreSQL (PID %d) runs on %s but does not accept connections; "
                       "see %s", (int) pid, self->pgdata, self->log_path);
          return FALSE;
        }
      /* It went away meanwhile: look again. */
      if (!read_lock_file (pid_path, &pid, &shmid))
        return TRUE;
      if (is_live_postmaster (self, pid))
        {
          g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                       "Another process is starting PostgreSQL (PID %d) on %s",
                       (int) pid, self->pgdata);
          return FALSE;
        }
    }

  if (shmid >= 0 && !wait_for_shmem_release (shmid))
    {
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Processes of a crashed PostgreSQL server (PID %d) still use its shared "
                   "memory (id %d); stop them before starting the cluster in %s again",
                   (int) pid, shmid, self->pgdata);
      return FALSE;
    }

  g_message ("Removing the stale lock file of PostgreSQL (PID %d) in %s", (int) pid, self->pgdata);
  remove_stale_lock_file (pid_path);

  socket_path = dup_socket_path (self);
  socket_lock_path = g_strconcat (socket_path, ".lock", NULL);
  if (read_lock_file (socket_lock_path, &socket_pid, NULL) &&
      !is_live_postmaster (self, socket_pid))
    remove_stale_lock_file (socket_lock_path);

  return TRUE;
}

static gboolean
pg_ctl_start (CrmCluster  *self,
              GError     **error)
{
  g_autofree char *timeout = g_strdup_printf ("%d", START_TIMEOUT_SECONDS);
  const char * const argv[] = {
    "pg_ctl", "start", "--wait", "--silent", "--timeout", timeout,
    "--pgdata", self->pgdata, "--log", self->log_path, NULL
  };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *tail = NULL;

  if (run_tool (self, argv, &local_error))
    return TRUE;

  tail = dup_log_tail (self);
  g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
               "Could not start PostgreSQL in %s: %s\nLast lines of %s:\n%s",
               self->pgdata, local_error->message, self->log_path, tail);
  return FALSE;
}

static gboolean
pg_ctl_stop (CrmCluster  *self,
             GError     **error)
{
  g_autofree char *timeout = g_strdup_printf ("%d", STOP_TIMEOUT_SECONDS);
  const char * const argv[] = {
    "pg_ctl", "stop", "--wait", "--silent", "--mode=fast", "--timeout", timeout,
    "--pgdata", self->pgdata, NULL
  };

  if (run_tool (self, argv, error))
    return TRUE;

  g_prefix_error (error, "Could not stop PostgreSQL in %s: ", self->pgdata);
  return FALSE;
}

/* In the child, before exec: the OS user when we are root, then the parent-death signal,
 * which a change of user would clear. */
static void
attach_child_setup (gpointer user_data)
{
  const AttachSetup *setup = user_data;

  static const char cannot_switch[] = "rapport: could not switch to the cluster's user\n";
  static const char orphaned[] = "rapport: the process starting PostgreSQL is gone\n";

  if (setup->switch_user
      && (setgroups (setup->n_groups, setup->groups) != 0 || setgid (setup->gid) != 0
          || setuid (setup->uid) != 0))
    {
      if (write (STDERR_FILENO, cannot_switch, sizeof cannot_switch - 1) < 0)
        _exit (126);
      _exit (127);
    }
  /* SIGQUIT: PostgreSQL's immediate shutdown; its backends follow the postmaster. */
  prctl (PR_SET_PDEATHSIG, SIGQUIT);
  /* The parent died before prctl: nobody would send the signal. */
  if (getppid () != setup->parent)
    {
      if (write (STDERR_FILENO, orphaned, sizeof orphaned - 1) < 0)
        _exit (126);
      _exit (0);
    }
}

/* Runs the postmaster as our child, tied to this process (crm_cluster_set_attached()). */
static gboolean
attached_start (CrmCluster  *self,
                GError     **error)
{
  g_autofree char *program = g_build_filename (self->bindir, "postgres", NULL);
  const char *argv[] = { program, "-D", self->pgdata, NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) postmaster = NULL;
  g_autofree gid_t *groups = NULL;
  g_autofree char *tail = NULL;
  g_autofree char *status = NULL;
  AttachSetup setup = { FALSE, 0, 0, NULL, 0, getpid () };
  int fd;

  if (is_root ())
    {
      int n_groups = 64;

      if (!lookup_os_user (self, &setup.uid, &setup.gid, error))
        return FALSE;
      groups = g_new (gid_t, n_groups);
      if (getgrouplist (self->os_user, setup.gid, groups, &n_groups) < 0)
        {
          groups = g_renew (gid_t, groups, n_groups);
          if (getgrouplist (self->os_user, setup.gid, groups, &n_groups) < 0)
            n_groups = 0;
        }
      setup.switch_user = TRUE;
      setup.groups = groups;
      setup.n_groups = n_groups;
    }

  fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Could not open the PostgreSQL log %s: %s", self->log_path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_take_stdout_fd (launcher, dup (fd));
  g_subprocess_launcher_take_stderr_fd (launcher, fd);
  /* Its working directory is the data directory, as is_live_postmaster () expects. */
  g_subprocess_launcher_set_cwd (launcher, self->pgdata);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "PGDATA");
  g_subprocess_launcher_set_child_setup (launcher, attach_child_setup, &setup, NULL);

  g_debug ("Running %s attached", program);
  postmaster = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (postmaster == NULL)
    {
      g_prefix_error (error, "Could not run postgres: ");
      return FALSE;
    }
  /* Our child: alive until GLib reaps it, whatever /proc says of it meanwhile. */
  for (guint i = 0; i < START_TIMEOUT_SECONDS * G_USEC_PER_SEC / POLL_INTERVAL_USEC; i++)
    {
      if (crm_cluster_is_running (self))
        {
          self->postmaster = g_steal_pointer (&postmaster);
          return TRUE;
        }
      if (g_subprocess_get_identifier (postmaster) == NULL)
        break;
      g_usleep (POLL_INTERVAL_USEC);
    }

  g_subprocess_force_exit (postmaster);
  g_subprocess_wait (postmaster, NULL, NULL);
  if (g_subprocess_get_if_exited (postmaster))
    status = g_strdup_printf ("exit status %d", g_subprocess_get_exit_status (postmaster));
  else
    status = g_strdup_printf ("signal %d", g_subprocess_get_term_sig (postmaster));
  tail = dup_log_tail (self);
  g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
               "Could not start PostgreSQL in %s (%s)\nLast lines of %s:\n%s",
               self->pgdata, status, self->log_path, tail);
  return FALSE;
}

/* A fast shutdown of the attached postmaster, and its exit status collected. */
static gboolean
attached_stop (CrmCluster  *self,
               GError     **error)
{
  g_autoptr(GSubprocess) postmaster = g_steal_pointer (&self->postmaster);

  g_subprocess_send_signal (postmaster, SIGINT);
  if (!g_subprocess_wait (postmaster, NULL, error))
    {
      g_prefix_error (error, "Could not stop PostgreSQL in %s: ", self->pgdata);
      return FALSE;
    }
  return TRUE;
}

/**
 * crm_cluster_new:
 * @data_dir: the data directory; the cluster lives in `DATA_DIR/pg`
 * @bindir: (nullable): where initdb and pg_ctl are, %NULL or "" for `PG_BINDIR`
 * @os_user: (nullable): the user owning and running the cluster when the caller is root,
 *   %NULL or "" for `postgres`; ignored otherwise
 *
 * Describes an embedded cluster; nothing is touched until a method is called.
 *
 * Returns: (transfer full): a new #CrmCluster, durable
 */
CrmCluster *
crm_cluster_new (const char *data_dir,
                 const char *bindir,
                 const char *os_user)
{
  CrmCluster *self;

  g_return_val_if_fail (data_dir != NULL && *data_dir != '\0', NULL);

  self = g_new0 (CrmCluster, 1);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
  self->pgdata = g_build_filename (self->data_dir, "pg", NULL);
  self->log_path = g_build_filename (self->data_dir, "pg.log", NULL);
  self->bindir = g_strdup (bindir != NULL && *bindir != '\0' ? bindir : PG_BINDIR);
  self->os_user = g_strdup (os_user != NULL && *os_user != '\0' ? os_user : DEFAULT_OS_USER);
  self->durable = TRUE;

  return self;
}

/**
 * crm_cluster_free:
 * @self: (nullable): a #CrmCluster
 *
 * Frees @self. A running cluster keeps running (an attached one until this process
 * ends): call crm_cluster_stop() first if needed.
 */
void
crm_cluster_free (CrmCluster *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->postmaster);
  g_free (self->data_dir);
  g_free (self->pgdata);
  g_free (self->log_path);
  g_free (self->bindir);
  g_free (self->os_user);
  g_free (self);
}

/**
 * crm_cluster_set_durable:
 * @self: a #CrmCluster
 * @durable: %FALSE to trade crash safety for speed (tests only)
 *
 * When %FALSE, initdb runs with `--no-sync` and the server with `fsync`,
 * `synchronous_commit` and `full_page_writes` off. Applies from the next initialization
 * or start.
 */
void
crm_cluster_set_durable (CrmCluster *self,
                         gboolean    durable)
{
  g_return_if_fail (self != NULL);

  self->durable = !!durable;
}

gboolean
crm_cluster_get_durable (CrmCluster *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->durable;
}

/**
 * crm_cluster_set_attached:
 * @self: a #CrmCluster
 * @attached: %TRUE to tie the server to this process (tests)
 *
 * When %TRUE, crm_cluster_start() runs the postmaster as a child of this process, which
 * gets SIGQUIT (an immediate shutdown) when this process ends however it ends, even by
 * an abort or SIGKILL; otherwise pg_ctl starts it as a daemon that outlives the caller.
 * Applies from the next start.
 */
void
crm_cluster_set_attached (CrmCluster *self,
                          gboolean    attached)
{
  g_return_if_fail (self != NULL);

  self->attached = !!attached;
}

/**
 * crm_cluster_get_data_dir:
 * @self: a #CrmCluster
 *
 * Returns: (transfer none): the absolute data directory
 */
const char *
crm_cluster_get_data_dir (CrmCluster *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->data_dir;
}

/**
 * crm_cluster_get_pgdata:
 * @self: a #CrmCluster
 *
 * Returns: (transfer none): the PostgreSQL data directory, `DATA_DIR/pg`, which is also
 *   the socket directory
 */
const char *
crm_cluster_get_pgdata (CrmCluster *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->pgdata;
}

/**
 * crm_cluster_get_log_path:
 * @self: a #CrmCluster
 *
 * Returns: (transfer none): the server log, `DATA_DIR/pg.log`
 */
const char *
crm_cluster_get_log_path (CrmCluster *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->log_path;
}

/**
 * crm_cluster_dup_conninfo:
 * @self: a #CrmCluster
 * @dbname: (nullable): the database, %NULL for `postgres`
 *
 * Returns: (transfer full): a libpq connection string for @dbname on the cluster's socket
 */
char *
crm_cluster_dup_conninfo (CrmCluster *self,
                          const char *dbname)
{
  g_autoptr(GString) conninfo = g_string_new (NULL);
  g_autofree char *port = g_strdup_printf ("%d", CRM_CLUSTER_PORT);

  g_return_val_if_fail (self != NULL, NULL);

  append_conninfo_value (conninfo, "host", self->pgdata);
  append_conninfo_value (conninfo, "port", port);
  append_conninfo_value (conninfo, "user", CRM_CLUSTER_USER);
  append_conninfo_value (conninfo, "dbname", dbname != NULL ? dbname : "postgres");

  return g_string_free (g_steal_pointer (&conninfo), FALSE);
}

/**
 * crm_cluster_is_initialized:
 * @self: a #CrmCluster
 *
 * Returns: whether initdb has created the cluster
 */
gboolean
crm_cluster_is_initialized (CrmCluster *self)
{
  g_autofree char *version_path = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  version_path = dup_pgdata_file (self, "PG_VERSION");
  return g_file_test (version_path, G_FILE_TEST_IS_REGULAR);
}

/**
 * crm_cluster_ensure_initialized:
 * @self: a #CrmCluster
 * @error: return location for a #GError
 *
 * Creates the cluster with initdb unless it exists: UTF-8, C.UTF-8 locale, superuser
 * `rapport`, trust authentication on the Unix socket only (it lives in the 0700 pgdata
 * directory; TCP is off and would be rejected). As root, DATA_DIR is made traversable
 * (0711) and `DATA_DIR/pg` belongs to the OS user.
 *
 * Returns: %TRUE on success
 */
gboolean
crm_cluster_ensure_initialized (CrmCluster  *self,
                                GError     **error)
{
  const char *argv[16];
  guint n = 0;
  uid_t uid = 0;
  gid_t gid = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_socket_path (self, error))
    return FALSE;
  if (crm_cluster_is_initialized (self))
    return TRUE;

  if (!make_data_dir (self, error))
    return FALSE;
  if (is_root () &&
      (!lookup_os_user (self, &uid, &gid, error) || !check_reachable (self, error)))
    return FALSE;

  if (g_mkdir (self->pgdata, 0700) != 0 && errno != EEXIST)
    {
      int saved_errno = errno;

      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Could not create %s: %s", self->pgdata, g_strerror (saved_errno));
      return FALSE;
    }
  if (is_root () && chown (self->pgdata, uid, gid) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Could not give %s to %s: %s", self->pgdata, self->os_user,
                   g_strerror (saved_errno));
      return FALSE;
    }

  argv[n++] = "initdb";
  argv[n++] = "--pgdata";
  argv[n++] = self->pgdata;
  argv[n++] = "--encoding=UTF8";
  argv[n++] = "--locale=C.UTF-8";
  argv[n++] = "--auth=trust";
  argv[n++] = "--auth-host=reject";
  argv[n++] = "--username=" CRM_CLUSTER_USER;
  argv[n++] = "--no-instructions";
  if (!self->durable)
    argv[n++] = "--no-sync";
  argv[n++] = NULL;
  g_assert (n <= G_N_ELEMENTS (argv));

  g_message ("Creating a PostgreSQL cluster in %s", self->pgdata);
  if (!run_tool (self, argv, error))
    return FALSE;

  return write_config (self, error);
}

/**
 * crm_cluster_is_running:
 * @self: a #CrmCluster
 *
 * Returns: whether a server accepts connections on the cluster's socket
 */
gboolean
crm_cluster_is_running (CrmCluster *self)
{
  g_autofree char *conninfo = NULL;

  g_return_val_if_fail (self != NULL, FALSE);

  if (!check_socket_path (self, NULL))
    return FALSE;

  conninfo = crm_cluster_dup_conninfo (self, "postgres");
  return PQping (conninfo) == PQPING_OK;
}

/**
 * crm_cluster_start:
 * @self: a #CrmCluster
 * @error: return location for a #GError
 *
 * Starts the server with `pg_ctl start -w` (or as an attached child, see
 * crm_cluster_set_attached()), logging to `DATA_DIR/pg.log`. Does nothing
 * when it already runs (crm_cluster_get_started_here() then stays %FALSE). Lock files a
 * crashed server left behind are cleared once its processes are gone.
 *
 * Returns: %TRUE once the server accepts connections
 */
gboolean
crm_cluster_start (CrmCluster  *self,
                   GError     **error)
{
  gboolean already_running = FALSE;
  uid_t uid = 0;
  gid_t gid = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_socket_path (self, error))
    return FALSE;
  if (!crm_cluster_is_initialized (self))
    {
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_NOT_INITIALIZED,
                   "There is no PostgreSQL cluster in %s yet", self->pgdata);
      return FALSE;
    }
  if (crm_cluster_is_running (self))
    {
      g_debug ("PostgreSQL already runs in %s", self->pgdata);
      return TRUE;
    }

  if (!settle_previous_postmaster (self, &already_running, error))
    return FALSE;
  if (already_running)
    return TRUE;

  if (is_root () &&
      (!lookup_os_user (self, &uid, &gid, error) || !check_reachable (self, error)))
    return FALSE;
  if (!prepare_log_file (self, error) || !write_config (self, error))
    return FALSE;
  if (self->attached ? !attached_start (self, error) : !pg_ctl_start (self, error))
    return FALSE;

  self->started_here = TRUE;
  return TRUE;
}

/**
 * crm_cluster_stop:
 * @self: a #CrmCluster
 * @error: return location for a #GError
 *
 * Stops the server (`pg_ctl stop -m fast -w`), whoever started it. Succeeds when it
 * does not run.
 *
 * Returns: %TRUE once the server has stopped
 */
gboolean
crm_cluster_stop (CrmCluster  *self,
                  GError     **error)
{
  g_autofree char *pid_path = NULL;
  GPid pid = 0;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->postmaster != NULL && !attached_stop (self, error))
    return FALSE;
  pid_path = dup_pgdata_file (self, "postmaster.pid");
  if (read_lock_file (pid_path, &pid, NULL) && is_live_postmaster (self, pid) &&
      !pg_ctl_stop (self, error))
    return FALSE;

  self->started_here = FALSE;
  return TRUE;
}

/**
 * crm_cluster_get_started_here:
 * @self: a #CrmCluster
 *
 * Returns: whether @self started the running server (and so should stop it)
 */
gboolean
crm_cluster_get_started_here (CrmCluster *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->started_here;
}

/**
 * crm_cluster_ensure_database:
 * @self: a #CrmCluster
 * @dbname: the database name
 * @error: return location for a #GError
 *
 * Creates @dbname in the running cluster unless it exists.
 *
 * Returns: %TRUE when the database exists
 */
gboolean
crm_cluster_ensure_database (CrmCluster  *self,
                             const char  *dbname,
                             GError     **error)
{
  g_autofree char *conninfo = NULL;
  g_autofree char *create_sql = NULL;
  g_autofree char *message = NULL;
  g_autoptr(PGconn) conn = NULL;
  g_autoptr(PGresult) result = NULL;
  const char *params[1] = { dbname };
  const char *sqlstate = NULL;
  char *quoted = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (dbname != NULL && *dbname != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  conninfo = crm_cluster_dup_conninfo (self, "postgres");
  conn = PQconnectdb (conninfo);
  if (PQstatus (conn) != CONNECTION_OK)
    {
      message = g_strchomp (g_strdup (PQerrorMessage (conn)));
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Could not connect to PostgreSQL in %s: %s", self->pgdata, message);
      return FALSE;
    }

  result = PQexecParams (conn, database_exists_sql, 1, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      message = g_strchomp (g_strdup (PQresultErrorMessage (result)));
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Could not look up the database %s: %s", dbname, message);
      return FALSE;
    }
  if (PQntuples (result) > 0)
    return TRUE;
  g_clear_pointer (&result, PQclear);

  /* Identifiers cannot be parameters. */
  quoted = PQescapeIdentifier (conn, dbname, strlen (dbname));
  if (quoted == NULL)
    {
      message = g_strchomp (g_strdup (PQerrorMessage (conn)));
      g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
                   "Invalid database name %s: %s", dbname, message);
      return FALSE;
    }
  create_sql = g_strdup_printf ("CREATE DATABASE %s", quoted);
  PQfreemem (quoted);

  g_message ("Creating the database %s", dbname);
  result = PQexec (conn, create_sql);
  if (PQresultStatus (result) == PGRES_COMMAND_OK)
    return TRUE;

  /* Someone else created it meanwhile: fine. */
  sqlstate = PQresultErrorField (result, PG_DIAG_SQLSTATE);
  if (g_strcmp0 (sqlstate, "42P04") == 0)
    return TRUE;

  message = g_strchomp (g_strdup (PQresultErrorMessage (result)));
  g_set_error (error, CRM_CLUSTER_ERROR, CRM_CLUSTER_ERROR_FAILED,
               "Could not create the database %s: %s", dbname, message);
  return FALSE;
}
