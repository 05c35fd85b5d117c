/* fuzz-halo-response.c: libFuzzer target for what Halyard does with a Halo answer's body: the
 * JSON guard (nesting, numbers), the parse, the records made from each object and read back,
 * the id normalisation, Halo's error text and the events' redaction.
 *
 * Invariant checked: whatever the guard accepts, a record's JSON text reads back as an object
 * (json-glib 1.6 writes some numbers as text it cannot read: 1e+308.0, inf.0).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "halo/hy-halo-client.h"
#include "json/hy-json-guard.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_record (JsonObject *object)
{
  HyHaloRecord *record = hy_halo_record_new (HY_HALO_KIND_ASSET, object);
  g_autoptr (JsonNode) back = json_from_string (hy_halo_record_get_json (record), NULL);

  if (back == NULL || !JSON_NODE_HOLDS_OBJECT (back))
    abort ();
  (void) hy_halo_record_get_object (record);
  (void) hy_halo_record_get_id (record);
  (void) hy_halo_record_get_client_id (record);
  (void) hy_halo_record_get_string (record, "inventory_number");
  (void) hy_halo_record_get_string (record, "key_field");
  (void) hy_halo_record_get_boolean (record, "inactive");
  (void) hy_halo_record_get_int (record, "assettype_id");
  hy_halo_record_unref (record);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const char *const secrets[] = { "fuzz-secret", "a b~c", NULL };
  const char *text = (const char *) data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *error_text = hy_halo_error_extract_text (text, size);
  g_autofree char *redacted = hy_halo_redact_body (text, size, secrets);
  JsonNode *root;

  if (!hy_json_guard_load (parser, text, size, NULL))
    return 0;
  root = json_parser_get_root (parser);
  if (root == NULL || !hy_json_guard_numbers (root, NULL))
    return 0;
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      JsonObject *object = json_node_get_object (root);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      check_record (object);
      /* a wrapper: {"record_count": N, "clients": [...]} */
      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        if (JSON_NODE_HOLDS_ARRAY (member))
          for (guint i = 0; i < json_array_get_length (json_node_get_array (member)); i++)
            {
              JsonNode *element = json_array_get_element (json_node_get_array (member), i);
              if (JSON_NODE_HOLDS_OBJECT (element))
                check_record (json_node_get_object (element));
            }
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_OBJECT (element))
            check_record (json_node_get_object (element));
        }
    }
  hy_halo_json_normalize_ids (root);
  return 0;
}
