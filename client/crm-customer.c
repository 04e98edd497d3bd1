/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "crm-customer"

#include "config.h"

#include "crm-customer.h"

/**
 * CrmCustomer:
 *
 * One customer record as the server sent it (`GET /api/v1/customers`), an item
 * of #CrmCustomerList. Immutable: an edited record is a new #CrmCustomer.
 */
struct _CrmCustomer
{
  GObject     parent_instance;

  JsonObject *object;
};

G_DEFINE_FINAL_TYPE (CrmCustomer, crm_customer, G_TYPE_OBJECT)

static void
crm_customer_finalize (GObject *object)
{
  CrmCustomer *self = CRM_CUSTOMER (object);

  g_clear_pointer (&self->object, json_object_unref);

  G_OBJECT_CLASS (crm_customer_parent_class)->finalize (object);
}

static void
crm_customer_class_init (CrmCustomerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = crm_customer_finalize;
}

static void
crm_customer_init (CrmCustomer *self)
{
}

/**
 * crm_customer_new:
 * @object: the record's JSON object
 *
 * Returns: (transfer full): a customer holding a reference on @object
 */
CrmCustomer *
crm_customer_new (JsonObject *object)
{
  CrmCustomer *self;

  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (CRM_TYPE_CUSTOMER, NULL);
  self->object = json_object_ref (object);
  return self;
}

/**
 * crm_customer_new_placeholder:
 *
 * A row of a #CrmCustomerList that is not loaded yet: no id (0), no fields.
 *
 * Returns: (transfer full): a new placeholder
 */
CrmCustomer *
crm_customer_new_placeholder (void)
{
  g_autoptr(JsonObject) object = json_object_new ();

  return crm_customer_new (object);
}

gboolean
crm_customer_is_placeholder (CrmCustomer *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER (self), FALSE);
  return !json_object_has_member (self->object, "id");
}

/**
 * crm_customer_get_object:
 * @self: a #CrmCustomer
 *
 * Returns: (transfer none): the record's JSON
 */
JsonObject *
crm_customer_get_object (CrmCustomer *self)
{
  g_return_val_if_fail (CRM_IS_CUSTOMER (self), NULL);

  return self->object;
}

/**
 * crm_customer_get_int:
 * @self: a #CrmCustomer
 * @member: a member name
 *
 * Returns: the integer @member, or 0 when it is absent, null or not an integer
 */
gint64
crm_customer_get_int (CrmCustomer *self,
                      const char  *member)
{
  JsonNode *node;

  g_return_val_if_fail (CRM_IS_CUSTOMER (self), 0);

  node = json_object_get_member (self->object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return json_node_get_int (node);
}

gint64
crm_customer_get_id (CrmCustomer *self)
{
  return crm_customer_get_int (self, "id");
}

gint64
crm_customer_get_version (CrmCustomer *self)
{
  return crm_customer_get_int (self, "version");
}

/**
 * crm_customer_get_string:
 * @self: a #CrmCustomer
 * @member: a member name
 *
 * Returns: (nullable) (transfer none): the string @member, or %NULL when it is
 *   absent, null or not a string
 */
const char *
crm_customer_get_string (CrmCustomer *self,
                         const char  *member)
{
  JsonNode *node;

  g_return_val_if_fail (CRM_IS_CUSTOMER (self), NULL);

  node = json_object_get_member (self->object, member);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}
