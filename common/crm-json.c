/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-json"

#include "config.h"

#include "crm-json.h"

/** crm_json_get_type: the type of @member of @object (%NULL object: absent). */
CrmJsonType
crm_json_get_type (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL)
    return CRM_JSON_ABSENT;
  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return CRM_JSON_ABSENT;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return CRM_JSON_ARRAY;
  if (JSON_NODE_HOLDS_OBJECT (node))
    return CRM_JSON_OBJECT;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return CRM_JSON_OTHER;
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return CRM_JSON_STRING;
    case G_TYPE_INT64:
      return CRM_JSON_INT;
    case G_TYPE_BOOLEAN:
      return CRM_JSON_BOOLEAN;
    default:
      return CRM_JSON_OTHER;
    }
}

/** crm_json_get_string: (nullable): @member when it is a string, else %NULL. */
const char *
crm_json_get_string (JsonObject *object,
                     const char *member)
{
  if (crm_json_get_type (object, member) != CRM_JSON_STRING)
    return NULL;
  return json_object_get_string_member (object, member);
}

/**
 * crm_json_dup_strv:
 * @object: a JSON object
 * @member: the name of an array member, such as a custom field's "choices"
 *
 * Returns: (transfer full): the strings of the array, other elements left out; empty
 *   when @member is absent or no array
 */
GStrv
crm_json_dup_strv (JsonObject *object,
                   const char *member)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node)
                                                                  : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  return g_strv_builder_end (builder);
}

/**
 * crm_json_append:
 * @out: the text to append to
 * @node: a JSON value
 *
 * Appends @node as compact JSON text. json-glib 1.6 writes every control character of a
 * string escaped except U+001F, which it leaves raw: text no JSON parser (PostgreSQL's
 * jsonb, json-glib's own) accepts. Here that one is escaped too. A raw 0x1F byte can
 * only stand inside a string: the generator writes none between the values.
 */
void
crm_json_append (GString  *out,
                 JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize start = out->len;

  json_generator_set_root (generator, node);
  json_generator_to_gstring (generator, out);
  for (gsize i = start; i < out->len; i++)
    if (out->str[i] == '\x1f')
      {
        out->str[i] = '\\';
        g_string_insert (out, i + 1, "u001f");
        i += 5;
      }
}

/** crm_json_to_string: @node as compact JSON text (crm_json_append ()). */
char *
crm_json_to_string (JsonNode *node)
{
  GString *out = g_string_new (NULL);

  crm_json_append (out, node);
  return g_string_free (out, FALSE);
}
