/* hy-import-xml.c: computers from FusionInventory / OCS inventory XML (what
 * fusioninventory-inventory and the agents write: REQUEST/CONTENT/HARDWARE/NAME, BIOS/SSN,
 * OPERATINGSYSTEM/FULL_NAME, NETWORKS, ACCESSLOG/LOGDATE, ACCOUNTINFO TAG, DEVICEID)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "import/hy-import-private.h"

/* Deeper than any inventory (REQUEST/CONTENT/SOFTWARES/NAME is 4). */
#define XML_MAX_DEPTH 32
/* One value (a name, a serial) longer than this is not an inventory's. */
#define XML_MAX_VALUE (64 * 1024)

typedef enum
{
  V_NONE = -1,
  V_DEVICEID,
  V_QUERY,
  V_NAME,
  V_UUID,
  V_OSNAME,
  V_HW_IPADDR,
  V_SSN,
  V_FULL_NAME,
  V_LOGDATE,
  V_KEYNAME,
  V_KEYVALUE,
  V_NET_IPADDRESS,
  V_NET_MACADDR,
  V_NET_VIRTUALDEV,
  V_NET_TYPE,
  N_VALUES,
} Value;

/* Where each value is, under REQUEST. */
static const char *const value_paths[N_VALUES] = {
  [V_DEVICEID] = "DEVICEID",
  [V_QUERY] = "QUERY",
  [V_NAME] = "CONTENT/HARDWARE/NAME",
  [V_UUID] = "CONTENT/HARDWARE/UUID",
  [V_OSNAME] = "CONTENT/HARDWARE/OSNAME",
  [V_HW_IPADDR] = "CONTENT/HARDWARE/IPADDR",
  [V_SSN] = "CONTENT/BIOS/SSN",
  [V_FULL_NAME] = "CONTENT/OPERATINGSYSTEM/FULL_NAME",
  [V_LOGDATE] = "CONTENT/ACCESSLOG/LOGDATE",
  [V_KEYNAME] = "CONTENT/ACCOUNTINFO/KEYNAME",
  [V_KEYVALUE] = "CONTENT/ACCOUNTINFO/KEYVALUE",
  [V_NET_IPADDRESS] = "CONTENT/NETWORKS/IPADDRESS",
  [V_NET_MACADDR] = "CONTENT/NETWORKS/MACADDR",
  [V_NET_VIRTUALDEV] = "CONTENT/NETWORKS/VIRTUALDEV",
  [V_NET_TYPE] = "CONTENT/NETWORKS/TYPE",
};

typedef struct
{
  GString *path; /* "REQUEST/CONTENT/HARDWARE" below the root, "" at the root */
  guint depth;
  gboolean root_seen;
  gboolean content_seen;
  Value current;
  GString *values[N_VALUES];
  guint name_line; /* where HARDWARE/NAME is, for messages */
  guint logdate_line;
  char *tag;       /* ACCOUNTINFO with KEYNAME TAG */
  GPtrArray *ips;  /* IPv4 addresses of physical interfaces, distinct */
  GPtrArray *macs; /* their MAC addresses, distinct */
  char *first_mac; /* of the first physical interface */
} Inventory;

static void
inventory_init (Inventory *inv)
{
  memset (inv, 0, sizeof *inv);
  inv->path = g_string_new (NULL);
  inv->current = V_NONE;
  for (guint i = 0; i < N_VALUES; i++)
    inv->values[i] = g_string_new (NULL);
  inv->ips = g_ptr_array_new_with_free_func (g_free);
  inv->macs = g_ptr_array_new_with_free_func (g_free);
}

static void
inventory_clear (Inventory *inv)
{
  g_string_free (inv->path, TRUE);
  for (guint i = 0; i < N_VALUES; i++)
    g_string_free (inv->values[i], TRUE);
  g_free (inv->tag);
  g_free (inv->first_mac);
  g_ptr_array_unref (inv->ips);
  g_ptr_array_unref (inv->macs);
}

static gboolean
contains (GPtrArray *array, const char *text)
{
  for (guint i = 0; i < array->len; i++)
    if (g_ascii_strcasecmp (array->pdata[i], text) == 0)
      return TRUE;
  return FALSE;
}

static const char *
value (Inventory *inv, Value v)
{
  g_strstrip (inv->values[v]->str);
  inv->values[v]->len = strlen (inv->values[v]->str);
  return inv->values[v]->len > 0 ? inv->values[v]->str : NULL;
}

/* ---------------------------------------------------------------------------------------------
 * GMarkup callbacks
 * ------------------------------------------------------------------------------------------- */

static void
start_element_cb (GMarkupParseContext *context,
                  const char *element_name,
                  const char **attribute_names,
                  const char **attribute_values,
                  gpointer user_data,
                  GError **error)
{
  Inventory *inv = user_data;
  int line = 0;

  g_markup_parse_context_get_position (context, &line, NULL);
  if (++inv->depth > XML_MAX_DEPTH)
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   _ ("line %d: elements are nested more than %d deep, which no inventory is."),
                   line, XML_MAX_DEPTH);
      return;
    }
  if (inv->depth == 1)
    {
      if (!g_str_equal (element_name, "REQUEST"))
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       /* Translators: keep <REQUEST> as it is (an XML element) */
                       _ ("line %d: the document is a <%s>, not a <REQUEST>: this is not a "
                          "FusionInventory or OCS inventory."),
                       line, element_name);
          return;
        }
      inv->root_seen = TRUE;
      return;
    }

  if (inv->path->len > 0)
    g_string_append_c (inv->path, '/');
  g_string_append (inv->path, element_name);
  if (g_str_equal (inv->path->str, "CONTENT"))
    inv->content_seen = TRUE;

  inv->current = V_NONE;
  for (guint i = 0; i < N_VALUES; i++)
    if (g_str_equal (inv->path->str, value_paths[i]))
      {
        inv->current = i;
        /* A value repeated within its parent (two <NAME> in <HARDWARE>): the last one. */
        g_string_truncate (inv->values[i], 0);
        if (i == V_NAME)
          inv->name_line = line;
        if (i == V_LOGDATE)
          inv->logdate_line = line;
      }
}

static void
end_network (Inventory *inv)
{
  const char *ip = value (inv, V_NET_IPADDRESS);
  const char *mac = value (inv, V_NET_MACADDR);
  const char *virtual = value (inv, V_NET_VIRTUALDEV);
  const char *type = value (inv, V_NET_TYPE);

  if (g_strcmp0 (virtual, "1") == 0 || g_strcmp0 (type, "loopback") == 0)
    goto out;
  if (ip != NULL && !g_str_has_prefix (ip, "127.") && !contains (inv->ips, ip))
    g_ptr_array_add (inv->ips, g_strdup (ip));
  if (mac != NULL && g_strcmp0 (mac, "00:00:00:00:00:00") != 0)
    {
      if (!contains (inv->macs, mac))
        g_ptr_array_add (inv->macs, g_ascii_strdown (mac, -1));
      if (inv->first_mac == NULL)
        inv->first_mac = g_ascii_strdown (mac, -1);
    }

out:
  for (Value v = V_NET_IPADDRESS; v <= V_NET_TYPE; v++)
    g_string_truncate (inv->values[v], 0);
}

static void
end_element_cb (GMarkupParseContext *context,
                const char *element_name,
                gpointer user_data,
                GError **error)
{
  Inventory *inv = user_data;
  const char *slash;

  inv->depth--;
  inv->current = V_NONE;
  if (inv->depth == 0)
    return;

  if (g_str_equal (inv->path->str, "CONTENT/NETWORKS"))
    end_network (inv);
  else if (g_str_equal (inv->path->str, "CONTENT/ACCOUNTINFO"))
    {
      const char *key = value (inv, V_KEYNAME);
      const char *val = value (inv, V_KEYVALUE);

      if (g_strcmp0 (key, "TAG") == 0 && val != NULL)
        {
          g_free (inv->tag);
          inv->tag = g_strdup (val);
        }
      g_string_truncate (inv->values[V_KEYNAME], 0);
      g_string_truncate (inv->values[V_KEYVALUE], 0);
    }

  slash = strrchr (inv->path->str, '/');
  g_string_truncate (inv->path, slash ? (gsize) (slash - inv->path->str) : 0);
}

static void
text_cb (GMarkupParseContext *context,
         const char *text,
         gsize text_len,
         gpointer user_data,
         GError **error)
{
  Inventory *inv = user_data;

  if (inv->current == V_NONE)
    return;
  if (inv->values[inv->current]->len + text_len > XML_MAX_VALUE)
    {
      int line = 0;

      g_markup_parse_context_get_position (context, &line, NULL);
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                   _ ("line %d: the value of <%s> is longer than an inventory’s values are."), line,
                   value_paths[inv->current]);
      return;
    }
  g_string_append_len (inv->values[inv->current], text, text_len);
}

static const GMarkupParser parser = {
  start_element_cb, end_element_cb, text_cb, NULL, NULL,
};

/* ---------------------------------------------------------------------------------------------
 * The computer
 * ------------------------------------------------------------------------------------------- */

/* Serial numbers firmware writes when it has none. */
static gboolean
is_real_serial (const char *serial)
{
  static const char *const placeholders[] = {
    "tobefilledbyoem",
    "systemserialnumber",
    "defaultstring",
    "notspecified",
    "notapplicable",
    "none",
    "na",
    "0",
    "chassisserialnumber",
    "invalid",
    "123456789",
    "0123456789",
    "serialnumber",
    "oem",
    "empty",
    "unknown",
  };
  g_autofree char *folded = NULL;
  gboolean zeros = TRUE;

  if (serial == NULL)
    return FALSE;
  folded = _hy_import_fold_header (serial);
  if (*folded == '\0')
    return FALSE;
  for (const char *p = folded; *p != '\0'; p++)
    zeros = zeros && *p == '0';
  if (zeros)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (placeholders); i++)
    if (g_str_equal (folded, placeholders[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_real_uuid (const char *uuid)
{
  g_autofree char *folded = NULL;
  gboolean zeros = TRUE, effs = TRUE;

  if (uuid == NULL)
    return FALSE;
  folded = _hy_import_fold_header (uuid);
  for (const char *p = folded; *p != '\0'; p++)
    {
      zeros = zeros && *p == '0';
      effs = effs && *p == 'f';
    }
  return *folded != '\0' && !zeros && !effs;
}

static char *
join (GPtrArray *values)
{
  GString *out;

  if (values->len == 0)
    return NULL;
  out = g_string_new (NULL);
  for (guint i = 0; i < values->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? ", " : "", (const char *) values->pdata[i]);
  return g_string_free (out, FALSE);
}

/* The computer's stable id: what stays when its host name changes. The BIOS serial, else the
 * SMBIOS UUID, else the MAC address of its first physical interface, else the agent's
 * DEVICEID (which fusioninventory-inventory makes new on every run, from the host name). */
static char *
stable_id (Inventory *inv)
{
  const char *serial = value (inv, V_SSN);
  const char *uuid = value (inv, V_UUID);
  const char *device_id = value (inv, V_DEVICEID);

  if (is_real_serial (serial))
    return g_strconcat ("serial:", serial, NULL);
  if (is_real_uuid (uuid))
    {
      g_autofree char *lower = g_ascii_strdown (uuid, -1);
      return g_strconcat ("uuid:", lower, NULL);
    }
  if (inv->first_mac != NULL)
    return g_strconcat ("mac:", inv->first_mac, NULL);
  if (device_id != NULL)
    return g_strconcat ("deviceid:", device_id, NULL);
  return NULL;
}

gboolean
_hy_import_is_xml (const char *data, gsize length)
{
  const char *p = data;

  while (p < data + length && g_ascii_isspace (*p))
    p++;
  return p < data + length && *p == '<';
}

/* An error of this file ("inventory.xml: line 12: …" once the caller names the file). */
static gboolean
fail (GError **error, HyImportError code, const char *message)
{
  g_set_error_literal (error, HY_IMPORT_ERROR, code, message);
  return FALSE;
}

/* What an inventory says of its computer. */
typedef struct
{
  char *id;
  char *name;
  char *tag;
  char *serial;
  char *os;
  char *ip;
  char *mac;
  char *last_seen;
  guint line; /* of <HARDWARE><NAME> */
} XmlComputer;

static void
xml_computer_clear (XmlComputer *computer)
{
  g_clear_pointer (&computer->id, g_free);
  g_clear_pointer (&computer->name, g_free);
  g_clear_pointer (&computer->tag, g_free);
  g_clear_pointer (&computer->serial, g_free);
  g_clear_pointer (&computer->os, g_free);
  g_clear_pointer (&computer->ip, g_free);
  g_clear_pointer (&computer->mac, g_free);
  g_clear_pointer (&computer->last_seen, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (XmlComputer, xml_computer_clear)

/* Parses @data into @inv: well-formed XML, and an inventory request with a content */
static gboolean
parse_inventory (const char *data, gsize length, Inventory *inv, GError **error)
{
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) local_error = NULL;
  const char *query;

  context = g_markup_parse_context_new (&parser, 0, inv, NULL);
  if (!g_markup_parse_context_parse (context, data, length, &local_error) ||
      !g_markup_parse_context_end_parse (context, &local_error))
    {
      if (g_error_matches (local_error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT))
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_UNKNOWN_FORMAT, "%s",
                     local_error->message);
      else
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                     /* Translators: %s is the XML parser's message, with the line */
                     _ ("not well-formed XML (%s). Export the inventory again."),
                     local_error->message);
      return FALSE;
    }
  if (!inv->root_seen)
    {
      fail (error, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
            _ ("the document has no element: this is not a FusionInventory or OCS inventory."));
      return FALSE;
    }

  query = value (inv, V_QUERY);
  if (query != NULL && g_ascii_strcasecmp (query, "INVENTORY") != 0)
    {
      g_autofree char *message = g_strdup_printf (
          /* Translators: keep <QUERY> as it is (an XML element) */
          _ ("the request is a <QUERY>%s</QUERY>, not an inventory: import the files "
             "fusioninventory-inventory (or the agent with --local) writes."),
          query);
      fail (error, HY_IMPORT_ERROR_UNKNOWN_FORMAT, message);
      return FALSE;
    }
  if (!inv->content_seen)
    {
      fail (error, HY_IMPORT_ERROR_UNKNOWN_FORMAT,
            /* Translators: keep <REQUEST> and <CONTENT> as they are (XML elements) */
            _ ("the <REQUEST> has no <CONTENT>: this is not a FusionInventory or OCS inventory."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_inventory (const char *data, gsize length, XmlComputer *out, GError **error)
{
  const char *name, *serial, *os, *logdate;
  Inventory inv;
  gboolean ok = FALSE;

  memset (out, 0, sizeof *out);
  inventory_init (&inv);
  if (!parse_inventory (data, length, &inv, error))
    goto out;

  name = value (&inv, V_NAME);
  if (name == NULL)
    {
      g_autofree char *message = NULL;

      if (inv.name_line > 0)
        message = g_strdup_printf (
            /* Translators: keep <HARDWARE><NAME> as it is (XML elements) */
            _ ("line %u: the element <HARDWARE><NAME> (the computer’s name) is empty."),
            inv.name_line);
      else
        message = g_strdup (
            /* Translators: keep <CONTENT><HARDWARE><NAME> as it is (XML elements) */
            _ ("the element <CONTENT><HARDWARE><NAME> (the computer’s name) is missing: this is "
               "not a FusionInventory or OCS inventory."));
      fail (error, HY_IMPORT_ERROR_MISSING_FIELD, message);
      goto out;
    }

  out->id = stable_id (&inv);
  if (out->id == NULL)
    {
      g_autofree char *message = g_strdup_printf (
          _ ("line %u: the computer “%s” has no BIOS serial number, UUID, MAC address or "
             "DEVICEID to know it by; run the inventory again with its network and BIOS "
             "categories."),
          inv.name_line, name);
      fail (error, HY_IMPORT_ERROR_MISSING_FIELD, message);
      goto out;
    }

  logdate = value (&inv, V_LOGDATE);
  if (logdate != NULL)
    {
      out->last_seen = _hy_import_normalize_date (logdate);
      if (out->last_seen == NULL)
        {
          g_autofree char *message = g_strdup_printf (
              /* Translators: keep <ACCESSLOG><LOGDATE> as it is (XML elements) */
              _ ("line %u: the element <ACCESSLOG><LOGDATE> must be a date such as "
                 "2026-11-20 10:00:00, not “%s”."),
              inv.logdate_line, logdate);
          fail (error, HY_IMPORT_ERROR_WRONG_TYPE, message);
          goto out;
        }
    }

  serial = value (&inv, V_SSN);
  os = value (&inv, V_FULL_NAME);
  if (os == NULL)
    os = value (&inv, V_OSNAME);
  out->name = g_strdup (name);
  out->tag = g_strdup (inv.tag);
  out->serial = is_real_serial (serial) ? g_strdup (serial) : NULL;
  out->os = g_strdup (os);
  out->ip = join (inv.ips);
  if (out->ip == NULL)
    out->ip = g_strdup (value (&inv, V_HW_IPADDR));
  out->mac = join (inv.macs);
  out->line = inv.name_line;
  ok = TRUE;

out:
  inventory_clear (&inv);
  if (!ok)
    xml_computer_clear (out);
  return ok;
}

const char *const *
_hy_import_xml_columns (void)
{
  static const char *const columns[] = { "id", "name", "company",   "serial", "os",
                                         "ip", "mac",  "last_seen", NULL };
  return columns;
}

/* The import of a folder holds each computer once. */
static void
set_duplicate_error (GError **error, const XmlComputer *computer)
{
  g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DUPLICATE_ID,
               _ ("line %u: the computer “%s” (%s) is already in another inventory of the "
                  "folder; keep only its newest inventory."),
               computer->line, computer->name, computer->id);
}

GStrv
_hy_import_xml_preview (const char *data, gsize length, GHashTable *seen, GError **error)
{
  g_auto (XmlComputer) computer = { 0 };
  GStrvBuilder *builder;
  GStrv row;

  if (!read_inventory (data, length, &computer, error))
    return NULL;
  if (seen != NULL)
    {
      if (g_hash_table_contains (seen, computer.id))
        {
          set_duplicate_error (error, &computer);
          return NULL;
        }
      g_hash_table_add (seen, g_strdup (computer.id));
    }
  builder = g_strv_builder_new ();
  g_strv_builder_add (builder, computer.id);
  g_strv_builder_add (builder, computer.name);
  g_strv_builder_add (builder, computer.tag ? computer.tag : "");
  g_strv_builder_add (builder, computer.serial ? computer.serial : "");
  g_strv_builder_add (builder, computer.os ? computer.os : "");
  g_strv_builder_add (builder, computer.ip ? computer.ip : "");
  g_strv_builder_add (builder, computer.mac ? computer.mac : "");
  g_strv_builder_add (builder, computer.last_seen ? computer.last_seen : "");
  row = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return row;
}

gboolean
_hy_import_xml (HyImport *imp, const char *data, gsize length, GError **error)
{
  g_auto (XmlComputer) computer = { 0 };
  HyImportAnyRecord record;
  guint64 mask;

  imp->json = FALSE;
  if (!read_inventory (data, length, &computer, error))
    return FALSE;

  memset (&record, 0, sizeof record);
  record.computer.id = computer.id;
  record.computer.name = computer.name;
  record.computer.serial = computer.serial;
  record.computer.os = computer.os;
  record.computer.ip = computer.ip;
  record.computer.mac = computer.mac;
  record.computer.last_seen = computer.last_seen;

  /* Fields of HyComputer in hy_record_kind_get_fields () order: id name company location group
   * serial os ip mac last_seen. An inventory says nothing of location and group; of the
   * company only with --company or a TAG. */
  mask = 1 | 2 | (0x1F << 5);
  if (imp->options->company_id != NULL)
    {
      record.computer.company_id = (char *) imp->options->company_id;
      mask |= 4;
    }
  else if (computer.tag != NULL)
    {
      const char *company = _hy_import_company_for_name (imp, computer.tag, computer.line, error);

      if (company == NULL)
        return FALSE;
      record.computer.company_id = (char *) company;
      mask |= 4;
    }

  if (g_hash_table_contains (imp->ids[HY_RECORD_KIND_COMPUTER], computer.id))
    {
      set_duplicate_error (error, &computer);
      return FALSE;
    }

  imp->field_mask[HY_RECORD_KIND_COMPUTER] = mask;
  return _hy_import_record (imp, HY_RECORD_KIND_COMPUTER, &record, computer.line, error);
}
