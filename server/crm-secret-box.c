/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-secret-box"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <sodium.h>

#include "crm-secret-box.h"
#include "crm-sodium.h"

/*
 * Keys live in sodium_malloc () memory (guard pages, locked, wiped on free), and so does
 * the key file's text while it is parsed: the parser works in place and the writer
 * formats one line at a time on the stack, so no copy of a key reaches the ordinary heap
 * (except GnuTLS's cipher state, which lives for one call and is cleared by its deinit).
 *
 * The key file is replaced only by rename () and created only by link (), so a reader
 * sees a whole file, and two processes creating it at once end up with the same keys.
 * crm_secret_box_rotate () locks the file and checks it is the one loaded, so two
 * rotations cannot each add a key 2 and lose one of them with the values it encrypted.
 *
 * encrypt, decrypt, get_current_key_id and blind_index may run in several threads at
 * once, also while another thread rotates.
 */

G_DEFINE_QUARK (crm-secret-box-error-quark, crm_secret_box_error)

#define KEY_SIZE          32
#define NONCE_SIZE        12
#define TAG_SIZE          16
#define TOKEN_PREFIX      "v1:"
#define MAX_KEY_FILE_SIZE (64 * 1024)
#define KEY_BASE64_SIZE   sodium_base64_ENCODED_LEN (KEY_SIZE, sodium_base64_VARIANT_ORIGINAL)

static const char key_file_header[] =
  "# Rapport field encryption keys. Keep this file secret and back it up with the\n"
  "# database: without it the encrypted fields cannot be read. Do not edit it by hand.\n"
  "[keys]\n";

typedef struct
{
  guint   id;
  guint8 *bytes;        /* KEY_SIZE bytes from sodium_malloc () */
} Key;

struct _CrmSecretBox
{
  GRWLock    lock;      /* guards keys and current_id against crm_secret_box_rotate () */
  GPtrArray *keys;      /* of Key; only ever grows */
  guint      current_id;
  guint8    *index_key; /* KEY_SIZE bytes from sodium_malloc (); never changes */
};

/* Text holding keys, in sodium_malloc () memory. */
typedef char SecretText;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecretText, sodium_free)

static gpointer
secret_alloc (gsize size)
{
  gpointer memory = sodium_malloc (size);

  if (memory == NULL)
    g_error ("%s: failed to allocate %" G_GSIZE_FORMAT " bytes", G_STRLOC, size);
  return memory;
}

static Key *
key_new_random (guint id)
{
  Key *key = g_new0 (Key, 1);

  key->id = id;
  key->bytes = secret_alloc (KEY_SIZE);
  randombytes_buf (key->bytes, KEY_SIZE);
  return key;
}

static void
key_free (gpointer data)
{
  Key *key = data;

  sodium_free (key->bytes);
  g_free (key);
}

static CrmSecretBox *
box_new (void)
{
  CrmSecretBox *self = g_new0 (CrmSecretBox, 1);

  g_rw_lock_init (&self->lock);
  self->keys = g_ptr_array_new_with_free_func (key_free);
  return self;
}

/* Called with the lock held. */
static Key *
find_key (CrmSecretBox *self,
          guint         id)
{
  for (guint i = 0; i < self->keys->len; i++)
    {
      Key *key = g_ptr_array_index (self->keys, i);

      if (key->id == id)
        return key;
    }
  return NULL;
}

/* A key id as written in files and tokens: 1 to CRM_SECRET_BOX_MAX_KEY_ID in decimal,
 * without sign or leading zeros, so that each id has one spelling. */
static gboolean
parse_key_id (const char *text,
              gsize       len,
              guint      *id)
{
  guint value = 0;

  if (len == 0 || len > 5 || text[0] == '0')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint) (text[i] - '0');
    }
  if (value > CRM_SECRET_BOX_MAX_KEY_ID)
    return FALSE;
  *id = value;
  return TRUE;
}

/* Decodes strict base64 (standard alphabet, padded, canonical) of exactly KEY_SIZE bytes. */
static guint8 *
decode_key (const char *text)
{
  guint8 *bytes = secret_alloc (KEY_SIZE);
  gsize text_len = strlen (text);
  const char *end = NULL;
  size_t len = 0;

  if (sodium_base642bin (bytes, KEY_SIZE, text, text_len, NULL, &len, &end,
                         sodium_base64_VARIANT_ORIGINAL) != 0
      || end != text + text_len || len != KEY_SIZE)
    {
      sodium_free (bytes);
      return NULL;
    }
  return bytes;
}

/* A @line of 0 means the whole file. */
static gboolean
key_file_error (GError     **error,
                const char  *path,
                guint        line,
                const char  *reason)
{
  if (line > 0)
    g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_KEY_FILE,
                 "Invalid key file %s, line %u: %s", path, line, reason);
  else
    g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_KEY_FILE,
                 "Invalid key file %s: %s", path, reason);
  return FALSE;
}

/* One "name=value" line of the [keys] group. Messages never quote the value. */
static gboolean
parse_entry (CrmSecretBox  *self,
             char          *line,
             const char    *path,
             guint          line_no,
             GError       **error)
{
  char *equals = strchr (line, '=');
  char *name;
  char *value;
  guint id;

  if (equals == NULL)
    return key_file_error (error, path, line_no, "expected name=value");
  *equals = '\0';
  name = g_strstrip (line);
  value = g_strstrip (equals + 1);

  if (strcmp (name, "current") == 0)
    {
      if (self->current_id != 0)
        return key_file_error (error, path, line_no, "\"current\" given twice");
      if (!parse_key_id (value, strlen (value), &self->current_id))
        return key_file_error (error, path, line_no, "\"current\" is not a key id");
    }
  else if (strcmp (name, "index") == 0)
    {
      if (self->index_key != NULL)
        return key_file_error (error, path, line_no, "\"index\" given twice");
      self->index_key = decode_key (value);
      if (self->index_key == NULL)
        return key_file_error (error, path, line_no, "\"index\" is not 32 bytes of base64");
    }
  else if (name[0] == 'k' && parse_key_id (name + 1, strlen (name + 1), &id))
    {
      Key *key;

      if (find_key (self, id) != NULL)
        return key_file_error (error, path, line_no, "key given twice");
      key = g_new0 (Key, 1);
      key->id = id;
      key->bytes = decode_key (value);
      if (key->bytes == NULL)
        {
          g_free (key);
          return key_file_error (error, path, line_no, "key is not 32 bytes of base64");
        }
      g_ptr_array_add (self->keys, key);
    }
  else
    return key_file_error (error, path, line_no, "unknown entry");
  return TRUE;
}

/* Parses @text in place (it is overwritten). */
static CrmSecretBox *
parse_key_file (char        *text,
                const char  *path,
                GError     **error)
{
  g_autoptr(CrmSecretBox) self = box_new ();
  gboolean in_group = FALSE;
  guint line_no = 0;

  for (char *line = text, *next; line != NULL; line = next)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      line_no++;
      g_strstrip (line);

      if (line[0] == '\0' || line[0] == '#')
        continue;
      if (line[0] == '[')
        {
          if (in_group || strcmp (line, "[keys]") != 0)
            {
              key_file_error (error, path, line_no, "expected one group, [keys]");
              return NULL;
            }
          in_group = TRUE;
          continue;
        }
      if (!in_group)
        {
          key_file_error (error, path, line_no, "entry outside [keys]");
          return NULL;
        }
      if (!parse_entry (self, line, path, line_no, error))
        return NULL;
    }

  if (self->current_id == 0 || self->index_key == NULL)
    {
      key_file_error (error, path, 0, "\"current\" or \"index\" is missing");
      return NULL;
    }
  if (find_key (self, self->current_id) == NULL)
    {
      key_file_error (error, path, 0, "\"current\" names no key in the file");
      return NULL;
    }
  return g_steal_pointer (&self);
}

/* ENOENT from open () is %CRM_SECRET_BOX_ERROR_NOT_FOUND, the rest %CRM_SECRET_BOX_ERROR_IO. */
static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what,
              const char  *path)
{
  gboolean missing = saved_errno == ENOENT && strcmp (what, "open") == 0;

  g_set_error (error, CRM_SECRET_BOX_ERROR,
               missing ? CRM_SECRET_BOX_ERROR_NOT_FOUND : CRM_SECRET_BOX_ERROR_IO,
               "Cannot %s key file %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

/* Reads and parses the open key file @fd, after checking that it is private. */
static CrmSecretBox *
read_key_file (int          fd,
               const char  *path,
               GError     **error)
{
  g_autoptr(SecretText) text = NULL;
  struct stat st;
  gsize len = 0;

  if (fstat (fd, &st) != 0)
    {
      set_io_error (error, errno, "read", path);
      return NULL;
    }
  if (!S_ISREG (st.st_mode) || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INSECURE,
                   "Key file %s must be a regular file that only its owner can access "
                   "(mode 0600), not %04o", path, (guint) (st.st_mode & 07777));
      return NULL;
    }
  if (st.st_size > MAX_KEY_FILE_SIZE)
    {
      key_file_error (error, path, 0, "the file is too large");
      return NULL;
    }

  /* One byte more than expected shows a file that grew meanwhile. */
  text = secret_alloc ((gsize) st.st_size + 2);
  while (len < (gsize) st.st_size + 1)
    {
      gssize n = read (fd, text + len, (gsize) st.st_size + 1 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_io_error (error, errno, "read", path);
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }
  text[len] = '\0';
  if (len != (gsize) st.st_size || strlen (text) != len)
    {
      key_file_error (error, path, 0, len != (gsize) st.st_size ? "the file changed while read"
                                                                 : "the file holds a NUL byte");
      return NULL;
    }
  return parse_key_file (text, path, error);
}

static gboolean
write_all (int         fd,
           const char *data,
           gsize       len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0)
        errno = EIO;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Writes "name=base64 (key)\n"; the line is formatted on the stack and wiped. */
static gboolean
write_key_line (int           fd,
                const char   *name,
                const guint8 *key)
{
  char line[16 + KEY_BASE64_SIZE];
  gsize name_len = strlen (name);
  gboolean ok;

  g_assert (name_len + 1 + KEY_BASE64_SIZE < sizeof line);
  memcpy (line, name, name_len);
  line[name_len] = '=';
  sodium_bin2base64 (line + name_len + 1, KEY_BASE64_SIZE, key, KEY_SIZE,
                     sodium_base64_VARIANT_ORIGINAL);
  strcat (line, "\n");
  ok = write_all (fd, line, strlen (line));
  sodium_memzero (line, sizeof line);
  return ok;
}

/* Called with the lock held, or on a box no other thread has yet. */
static gboolean
write_entries (CrmSecretBox *self,
               int           fd)
{
  char current[32];

  g_snprintf (current, sizeof current, "current=%u\n", self->current_id);
  if (!write_all (fd, key_file_header, strlen (key_file_header))
      || !write_all (fd, current, strlen (current))
      || !write_key_line (fd, "index", self->index_key))
    return FALSE;
  for (guint i = 0; i < self->keys->len; i++)
    {
      Key *key = g_ptr_array_index (self->keys, i);
      char name[16];

      g_snprintf (name, sizeof name, "k%u", key->id);
      if (!write_key_line (fd, name, key->bytes))
        return FALSE;
    }
  return TRUE;
}

/* Makes the rename () or link () into @path's directory survive a crash. */
static void
sync_directory (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || fsync (fd) != 0)
    g_warning ("Cannot sync directory %s: %s", dir, g_strerror (errno));
  if (fd >= 0)
    close (fd);
}

/* Writes the key ring to a new file (mode 0600 from the start) beside @path, then puts
 * it in place: by rename (), or with @exclusive by link (), which fails with *@exists
 * set if @path exists by then. Called as write_entries (). */
static gboolean
write_key_file (CrmSecretBox  *self,
                const char    *path,
                gboolean       exclusive,
                gboolean      *exists,
                GError       **error)
{
  g_autofree char *tmp_path = g_strconcat (path, ".XXXXXX", NULL);
  int fd;
  int saved_errno;
  gboolean ok;

  fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_io_error (error, errno, "create a temporary file for the", path);

  ok = write_entries (self, fd) && fsync (fd) == 0;
  saved_errno = errno;
  if (close (fd) != 0 && ok)
    {
      ok = FALSE;
      saved_errno = errno;
    }
  if (ok)
    {
      ok = exclusive ? link (tmp_path, path) == 0 : g_rename (tmp_path, path) == 0;
      saved_errno = errno;
    }
  if ((!ok || exclusive) && g_unlink (tmp_path) != 0)
    g_warning ("Cannot remove %s: %s", tmp_path, g_strerror (errno));
  if (!ok)
    {
      if (exists != NULL)
        *exists = saved_errno == EEXIST;
      return set_io_error (error, saved_errno, "write", path);
    }
  sync_directory (path);
  return TRUE;
}

/* Whether @fd is still the file at @path: a rotation renames a new file over it. */
static gboolean
is_same_file (int         fd,
              const char *path)
{
  struct stat open_st;
  GStatBuf path_st;

  return fstat (fd, &open_st) == 0 && g_stat (path, &path_st) == 0
         && open_st.st_dev == path_st.st_dev && open_st.st_ino == path_st.st_ino;
}

/* Called with @self's lock held; @other is private. */
static gboolean
has_same_keys (CrmSecretBox *self,
               CrmSecretBox *other)
{
  if (self->current_id != other->current_id || self->keys->len != other->keys->len
      || sodium_memcmp (self->index_key, other->index_key, KEY_SIZE) != 0)
    return FALSE;
  for (guint i = 0; i < self->keys->len; i++)
    {
      Key *key = g_ptr_array_index (self->keys, i);
      Key *other_key = find_key (other, key->id);

      if (other_key == NULL || sodium_memcmp (key->bytes, other_key->bytes, KEY_SIZE) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Sets up AES-256-GCM with key @id, or the current key for 0; *@used_id says which. */
static gboolean
open_cipher (CrmSecretBox             *self,
             guint                     id,
             gnutls_aead_cipher_hd_t  *cipher,
             guint                    *used_id,
             GError                  **error)
{
  Key *key;
  gnutls_datum_t datum;
  int rc;

  g_rw_lock_reader_lock (&self->lock);
  key = find_key (self, id != 0 ? id : self->current_id);
  if (key == NULL)
    {
      g_rw_lock_reader_unlock (&self->lock);
      g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_UNKNOWN_KEY,
                   "The value is encrypted with key %u, which is not in the key file", id);
      return FALSE;
    }
  datum.data = key->bytes;
  datum.size = KEY_SIZE;
  *used_id = key->id;
  rc = gnutls_aead_cipher_init (cipher, GNUTLS_CIPHER_AES_256_GCM, &datum);
  g_rw_lock_reader_unlock (&self->lock);

  if (rc < 0)
    {
      g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_FAILED,
                   "Cannot set up AES-256-GCM: %s", gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

/* Splits a token into its key id and its decoded nonce || ciphertext || tag. */
static gboolean
parse_token (const char  *token,
             guint       *id,
             guint8     **blob,
             gsize       *blob_len,
             GError     **error)
{
  g_autofree guint8 *bytes = NULL;
  const char *id_text;
  const char *colon;
  const char *data;
  const char *end = NULL;
  gsize data_len;
  gsize max_len;
  size_t len = 0;

  if (!g_str_has_prefix (token, TOKEN_PREFIX))
    {
      g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_TOKEN,
                           "The encrypted value is not a version 1 token");
      return FALSE;
    }
  id_text = token + strlen (TOKEN_PREFIX);
  colon = strchr (id_text, ':');
  if (colon == NULL || !parse_key_id (id_text, (gsize) (colon - id_text), id))
    {
      g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_TOKEN,
                           "The encrypted value has no valid key id");
      return FALSE;
    }

  data = colon + 1;
  data_len = strlen (data);
  max_len = data_len / 4 * 3;
  bytes = g_malloc (max_len + 1);
  if (sodium_base642bin (bytes, max_len, data, data_len, NULL, &len, &end,
                         sodium_base64_VARIANT_ORIGINAL) != 0
      || end != data + data_len || len < NONCE_SIZE + TAG_SIZE)
    {
      g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_TOKEN,
                           "The encrypted value is not valid base64 of a nonce, "
                           "ciphertext and tag");
      return FALSE;
    }
  *blob = g_steal_pointer (&bytes);
  *blob_len = len;
  return TRUE;
}

/**
 * crm_secret_box_load:
 * @path: the key file (format in crm-secret-box.h)
 * @create: whether to create @path, with a new encryption key 1 and a new index key, if it
 *   does not exist
 * @error: return location for a #GError
 *
 * Loads the key ring. The file must be a regular file that only its owner can access;
 * one that grants group or others any permission is refused, as are malformed files. A
 * created file has mode 0600 and is written in full before it appears; if another
 * process creates it first, that file is loaded instead.
 *
 * Returns: (transfer full) (nullable): the key ring, or %NULL with @error set
 */
CrmSecretBox *
crm_secret_box_load (const char  *path,
                     gboolean     create,
                     GError     **error)
{
  g_autoptr(CrmSecretBox) self = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  crm_sodium_init ();
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 && errno == ENOENT && create)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean exists = FALSE;

      self = box_new ();
      self->index_key = secret_alloc (KEY_SIZE);
      randombytes_buf (self->index_key, KEY_SIZE);
      g_ptr_array_add (self->keys, key_new_random (1));
      self->current_id = 1;

      if (write_key_file (self, path, TRUE, &exists, &local_error))
        {
          g_debug ("Created key file %s", path);
          return g_steal_pointer (&self);
        }
      if (!exists)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_clear_pointer (&self, crm_secret_box_free);
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
    }
  if (fd < 0)
    {
      set_io_error (error, errno, "open", path);
      return NULL;
    }

  self = read_key_file (fd, path, error);
  close (fd);
  if (self != NULL)
    g_debug ("Loaded %u keys from %s, current %u", self->keys->len, path, self->current_id);
  return g_steal_pointer (&self);
}

/**
 * crm_secret_box_free:
 * @self: (nullable) (transfer full): a key ring
 *
 * Wipes the keys and frees the key ring.
 */
void
crm_secret_box_free (CrmSecretBox *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->keys);
  if (self->index_key != NULL)
    sodium_free (self->index_key);
  g_rw_lock_clear (&self->lock);
  g_free (self);
}

/**
 * crm_secret_box_encrypt:
 * @self: a key ring
 * @plaintext: the value, any NUL-terminated text (empty too)
 * @context: what the value is, as "table.column" (e.g. "customers.id_number"); not empty
 * @error: return location for a #GError
 *
 * Encrypts @plaintext with AES-256-GCM under the current key and a random 96-bit nonce,
 * @context being the associated data: the token only decrypts with the same @context, so
 * it cannot be copied into another field. Encrypting a value twice gives two different
 * tokens; use crm_secret_box_blind_index () to look values up. A key should not encrypt
 * more than 2³² values (random nonces): rotate long before.
 *
 * Returns: (transfer full) (nullable): the token "v1:<key id>:<base64>", or %NULL with
 *   @error set (%CRM_SECRET_BOX_ERROR_FAILED)
 */
char *
crm_secret_box_encrypt (CrmSecretBox  *self,
                        const char    *plaintext,
                        const char    *context,
                        GError       **error)
{
  gnutls_aead_cipher_hd_t cipher;
  g_autofree guint8 *blob = NULL;
  g_autofree char *encoded = NULL;
  gsize plain_len;
  size_t cipher_len;
  guint id;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);
  g_return_val_if_fail (context != NULL && *context != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!open_cipher (self, 0, &cipher, &id, error))
    return NULL;

  plain_len = strlen (plaintext);
  blob = g_malloc (NONCE_SIZE + plain_len + TAG_SIZE);
  randombytes_buf (blob, NONCE_SIZE);
  cipher_len = plain_len + TAG_SIZE;
  rc = gnutls_aead_cipher_encrypt (cipher, blob, NONCE_SIZE, context, strlen (context),
                                   TAG_SIZE, plaintext, plain_len, blob + NONCE_SIZE,
                                   &cipher_len);
  gnutls_aead_cipher_deinit (cipher);
  if (rc < 0 || cipher_len != plain_len + TAG_SIZE)
    {
      g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_FAILED,
                   "Cannot encrypt with AES-256-GCM: %s",
                   rc < 0 ? gnutls_strerror (rc) : "unexpected length");
      return NULL;
    }

  encoded = g_base64_encode (blob, NONCE_SIZE + cipher_len);
  return g_strdup_printf (TOKEN_PREFIX "%u:%s", id, encoded);
}

/**
 * crm_secret_box_decrypt:
 * @self: a key ring
 * @token: a token from crm_secret_box_encrypt ()
 * @context: the context it was encrypted with
 * @error: return location for a #GError
 *
 * Decrypts @token with the key it names, which need not be the current one.
 *
 * Returns: (transfer full) (nullable): the plaintext (free it soon, and do not log it), or
 *   %NULL with @error set: %CRM_SECRET_BOX_ERROR_INVALID_TOKEN,
 *   %CRM_SECRET_BOX_ERROR_UNKNOWN_KEY or %CRM_SECRET_BOX_ERROR_AUTHENTICATION
 */
char *
crm_secret_box_decrypt (CrmSecretBox  *self,
                        const char    *token,
                        const char    *context,
                        GError       **error)
{
  gnutls_aead_cipher_hd_t cipher;
  g_autofree guint8 *blob = NULL;
  char *plaintext;
  gsize blob_len;
  size_t plain_len;
  guint id;
  guint used_id;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (token != NULL, NULL);
  g_return_val_if_fail (context != NULL && *context != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parse_token (token, &id, &blob, &blob_len, error)
      || !open_cipher (self, id, &cipher, &used_id, error))
    return NULL;

  plain_len = blob_len - NONCE_SIZE - TAG_SIZE;
  plaintext = g_malloc (plain_len + 1);
  rc = gnutls_aead_cipher_decrypt (cipher, blob, NONCE_SIZE, context, strlen (context),
                                   TAG_SIZE, blob + NONCE_SIZE, blob_len - NONCE_SIZE,
                                   plaintext, &plain_len);
  gnutls_aead_cipher_deinit (cipher);
  if (rc < 0 || plain_len != blob_len - NONCE_SIZE - TAG_SIZE
      || memchr (plaintext, '\0', plain_len) != NULL)
    {
      sodium_memzero (plaintext, blob_len - NONCE_SIZE - TAG_SIZE);
      g_free (plaintext);
      if (rc == GNUTLS_E_DECRYPTION_FAILED)
        g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_AUTHENTICATION,
                     "The value encrypted with key %u does not authenticate as %s: "
                     "it was altered or belongs elsewhere", id, context);
      else if (rc < 0)
        g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_FAILED,
                     "Cannot decrypt with AES-256-GCM: %s", gnutls_strerror (rc));
      else
        g_set_error_literal (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_INVALID_TOKEN,
                             "The decrypted value is not text");
      return NULL;
    }
  plaintext[plain_len] = '\0';
  return plaintext;
}

/**
 * crm_secret_box_get_current_key_id:
 * @self: a key ring
 *
 * Returns: the id of the key crm_secret_box_encrypt () uses
 */
guint
crm_secret_box_get_current_key_id (CrmSecretBox *self)
{
  guint id;

  g_return_val_if_fail (self != NULL, 0);

  g_rw_lock_reader_lock (&self->lock);
  id = self->current_id;
  g_rw_lock_reader_unlock (&self->lock);
  return id;
}

/**
 * crm_secret_box_token_get_key_id:
 * @token: a token from crm_secret_box_encrypt ()
 *
 * Tells which key a token is encrypted with, without decrypting it: a rotation job
 * re-encrypts the values whose key is not crm_secret_box_get_current_key_id ().
 *
 * Returns: the key id, or 0 if @token is malformed
 */
guint
crm_secret_box_token_get_key_id (const char *token)
{
  g_autofree guint8 *blob = NULL;
  gsize blob_len;
  guint id;

  g_return_val_if_fail (token != NULL, 0);

  if (!parse_token (token, &id, &blob, &blob_len, NULL))
    return 0;
  return id;
}

/**
 * crm_secret_box_rotate:
 * @self: a key ring
 * @path: its key file
 * @error: return location for a #GError
 *
 * Adds a new random key, with the next id, makes it current and rewrites @path (mode
 * 0600, replaced in one step). Old keys stay, so old tokens still decrypt; re-encrypt them
 * at leisure. The index key does not change. Fails with %CRM_SECRET_BOX_ERROR_CHANGED,
 * and changes nothing, if @path does not hold exactly the keys of @self, e.g. because
 * another process rotated meanwhile. Processes that loaded the file earlier must load it
 * again to decrypt the new key's tokens (they get %CRM_SECRET_BOX_ERROR_UNKNOWN_KEY).
 *
 * Returns: %TRUE if the new key is current and saved; else %FALSE with @error set, and
 *   @self unchanged
 */
gboolean
crm_secret_box_rotate (CrmSecretBox  *self,
                       const char    *path,
                       GError       **error)
{
  g_autoptr(CrmSecretBox) on_disk = NULL;
  guint max_id = 0;
  guint old_current;
  gboolean ok;
  int fd;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    return set_io_error (error, errno, "open", path);
  /* Released by close (): one rotation at a time; the next one finds a new file. */
  while (flock (fd, LOCK_EX) != 0)
    if (errno != EINTR)
      {
        set_io_error (error, errno, "lock", path);
        close (fd);
        return FALSE;
      }
  on_disk = read_key_file (fd, path, error);
  if (on_disk == NULL)
    {
      close (fd);
      return FALSE;
    }

  g_rw_lock_writer_lock (&self->lock);
  if (!is_same_file (fd, path) || !has_same_keys (self, on_disk))
    {
      g_rw_lock_writer_unlock (&self->lock);
      close (fd);
      g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_CHANGED,
                   "Key file %s changed since it was loaded; load it again", path);
      return FALSE;
    }
  for (guint i = 0; i < self->keys->len; i++)
    max_id = MAX (max_id, ((Key *) g_ptr_array_index (self->keys, i))->id);
  if (max_id >= CRM_SECRET_BOX_MAX_KEY_ID)
    {
      g_rw_lock_writer_unlock (&self->lock);
      close (fd);
      g_set_error (error, CRM_SECRET_BOX_ERROR, CRM_SECRET_BOX_ERROR_FAILED,
                   "Key file %s holds key %u, the last one possible", path, max_id);
      return FALSE;
    }

  old_current = self->current_id;
  g_ptr_array_add (self->keys, key_new_random (max_id + 1));
  self->current_id = max_id + 1;
  ok = write_key_file (self, path, FALSE, NULL, error);
  if (!ok)
    {
      g_ptr_array_remove_index (self->keys, self->keys->len - 1);
      self->current_id = old_current;
    }
  else
    g_debug ("Rotated key file %s to key %u", path, self->current_id);
  g_rw_lock_writer_unlock (&self->lock);
  close (fd);
  return ok;
}

/**
 * crm_secret_box_blind_index:
 * @self: a key ring
 * @normalized_value: the value in the one form lookups will use (the caller normalizes:
 *   trims, folds case, strips separators… as fits the field)
 * @context: the field, as for crm_secret_box_encrypt ()
 *
 * Computes HMAC-SHA256, under the index key, of @context and @normalized_value, to store
 * beside the token and find rows by exact value without decrypting them. Equal values
 * give equal indexes within a field, and unrelated ones across fields. Key rotation does
 * not change indexes. An index reveals which rows share a value, so index only fields
 * that need lookups, and not ones with few possible values.
 *
 * Returns: (transfer full): 64 lower-case hex digits
 */
char *
crm_secret_box_blind_index (CrmSecretBox *self,
                            const char   *normalized_value,
                            const char   *context)
{
  crypto_auth_hmacsha256_state state;
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (normalized_value != NULL, NULL);
  g_return_val_if_fail (context != NULL && *context != '\0', NULL);

  /* The index key never changes after loading: no lock. The context goes in with its
   * NUL, so that ("ab", "c") and ("a", "bc") differ. */
  crypto_auth_hmacsha256_init (&state, self->index_key, KEY_SIZE);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) context, strlen (context) + 1);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) normalized_value,
                                 strlen (normalized_value));
  crypto_auth_hmacsha256_final (&state, mac);
  sodium_memzero (&state, sizeof state);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);
  return g_strdup (hex);
}
