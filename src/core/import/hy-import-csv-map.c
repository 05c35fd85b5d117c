/* hy-import-csv-map.c: which column of a CSV file gives which field — Halyard's own column
 * names, a map the technician gives ("name=Hostname,company=Site Name"), or the headers of
 * the device exports of common RMMs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "hy-import"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "import/hy-import-private.h"

/* ---------------------------------------------------------------------------------------------
 * The headers RMM device exports use, folded (lower case, letters and digits only), best
 * first: when two columns give the same field, the one earlier in its list wins.
 *
 * Datto RMM: Hostname, Site Name, Description, Int IP Address, Ext IP Address, Operating
 *   System, Serial Number, Last Seen, Last Audit, Device UID.
 * N-central: Device Name, Customer, Site, OS, Network Address, Serial Number, Last Check-in;
 *   its REST API's devices (what export scripts write): longName, discoveredName,
 *   customerName, siteName, supportedOs / supportedOsLabel, lastApplianceCheckinTime.
 * Atera: Device Name / Machine Name, Customer, OS, IP Address, MAC Address, Serial Number,
 *   Last Seen; its API's agents: MachineName, AgentName, CustomerName, OS, IpAddresses,
 *   MacAddresses, VendorSerialNumber, LastSeen.
 * NinjaOne: the device grid's Device, Organization, Location; Display Name, System Name,
 *   OS Name, Serial Number, IP Addresses, MAC Addresses, Last Contact.
 * Tactical RMM (no export of its own: API scripts write its agents' members): Hostname,
 *   Client / client_name, Site / site_name, Operating System, Local IPs, Last Seen.
 * Level: Hostname, Group, Operating System, Serial Number, IP Address, MAC Address, Last Seen.
 *
 * Location and group are references to ids already imported: they are read only from
 * Halyard's own column names or from a map the technician gives.
 * ------------------------------------------------------------------------------------------- */

typedef struct
{
  HyRecordKind kind;
  const char *field;
  const char *const *headers;
} Synonyms;

#define LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const Synonyms synonyms[] = {
  { HY_RECORD_KIND_COMPUTER, "id",
    LIST ("id", "deviceuid", "deviceid", "uid", "agentid", "machineid", "nodeid", "assetid") },
  { HY_RECORD_KIND_COMPUTER, "name",
    LIST ("name",
          "hostname",
          "devicename",
          "computername",
          "machinename",
          "systemname",
          "displayname",
          "devicehostname",
          "nodename",
          "dnsname",
          "agentname",
          "longname",
          "discoveredname",
          "device") },
  { HY_RECORD_KIND_COMPUTER, "company",
    LIST ("company",
          "companyname",
          "customer",
          "customername",
          "client",
          "clientname",
          "organization",
          "organisation",
          "organizationname",
          "organisationname",
          "sitename",
          "account",
          "accountname",
          "tenant") },
  { HY_RECORD_KIND_COMPUTER, "serial",
    LIST ("serial",
          "serialnumber",
          "serialno",
          "deviceserialnumber",
          "systemserialnumber",
          "biosserialnumber",
          "biosserial",
          "servicetag",
          "vendorserialnumber",
          "sn") },
  { HY_RECORD_KIND_COMPUTER, "os",
    LIST ("os",
          "operatingsystem",
          "osname",
          "osfullname",
          "osdescription",
          "supportedoslabel",
          "supportedos",
          "platform",
          "ostype") },
  { HY_RECORD_KIND_COMPUTER, "ip",
    LIST ("ip",
          "intipaddress",
          "internalipaddress",
          "internalip",
          "ipaddress",
          "ipaddresses",
          "localipaddress",
          "localip",
          "localips",
          "lanip",
          "privateip",
          "privateipaddress",
          "ipv4address",
          "networkaddress") },
  { HY_RECORD_KIND_COMPUTER, "mac",
    LIST ("mac", "macaddress", "macaddresses", "physicaladdress", "macs") },
  { HY_RECORD_KIND_COMPUTER, "last_seen",
    LIST ("lastseen",
          "lastcontact",
          "lastcheckin",
          "lastresponse",
          "lastonline",
          "lastaudit",
          "lastseendate",
          "lastappliancecheckintime",
          "lastupdate") },
  { HY_RECORD_KIND_COMPANY, "id",
    LIST ("id",
          "companyid",
          "customerid",
          "clientid",
          "organizationid",
          "organisationid",
          "siteuid",
          "siteid") },
  { HY_RECORD_KIND_COMPANY, "name",
    LIST ("name",
          "companyname",
          "customername",
          "customer",
          "clientname",
          "client",
          "organizationname",
          "organisationname",
          "organization",
          "organisation",
          "sitename") },
  { HY_RECORD_KIND_USER, "id", LIST ("id", "userid", "technicianid", "agentid") },
  { HY_RECORD_KIND_USER, "name", LIST ("name", "fullname", "displayname", "username") },
  { HY_RECORD_KIND_USER, "email", LIST ("email", "emailaddress", "mail", "workemail") },
};

/* ---------------------------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------------------------- */

char *
_hy_import_fold_header (const char *header)
{
  g_autofree char *folded = g_utf8_casefold (header, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* "id, name, company, …" */
static char *
field_list (HyRecordKind kind)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  GString *out = g_string_new (NULL);

  for (guint f = 0; f < n_fields; f++)
    g_string_append_printf (out, "%s%s", f > 0 ? ", " : "", fields[f].name);
  return g_string_free (out, FALSE);
}

/* "“Hostname”, “Site Name”" of the headers whose column is not used (all when @map NULL). */
static char *
header_list (GPtrArray *header, const HyImportColumnMap *map, guint n_fields)
{
  GString *out = g_string_new (NULL);

  for (guint c = 0; c < header->len; c++)
    {
      gboolean used = FALSE;

      for (guint f = 0; map != NULL && f < n_fields; f++)
        used = used || map->columns[f] == (int) c;
      if (used)
        continue;
      /* Translators: a column header of a CSV file, in a list of them */
      g_string_append_printf (out, "%s“%s”", out->len > 0 ? ", " : "",
                              (const char *) header->pdata[c]);
    }
  return g_string_free (out, FALSE);
}

static int
synonym_rank (HyRecordKind kind, const char *field, const char *folded)
{
  for (guint i = 0; i < G_N_ELEMENTS (synonyms); i++)
    {
      if (synonyms[i].kind != kind || !g_str_equal (synonyms[i].field, field))
        continue;
      for (int r = 0; synonyms[i].headers[r] != NULL; r++)
        if (g_str_equal (synonyms[i].headers[r], folded))
          return r;
      return -1;
    }
  /* Kinds without an RMM vocabulary: Halyard's own name only. */
  {
    g_autofree char *own = _hy_import_fold_header (field);
    return g_str_equal (own, folded) ? 0 : -1;
  }
}

/* ---------------------------------------------------------------------------------------------
 * A map the technician gives: "name=Hostname,company=Site Name,serial=\"Serial, BIOS\""
 * ------------------------------------------------------------------------------------------- */

/* The column whose header is @wanted: the same text, else the same once folded; -1: none */
static int
find_column (GPtrArray *header, const char *wanted)
{
  g_autofree char *folded = NULL;

  for (guint c = 0; c < header->len; c++)
    if (g_str_equal (header->pdata[c], wanted))
      return c;
  folded = _hy_import_fold_header (wanted);
  for (guint c = 0; c < header->len; c++)
    {
      g_autofree char *other = _hy_import_fold_header (header->pdata[c]);
      if (*folded != '\0' && g_str_equal (folded, other))
        return c;
    }
  return -1;
}

static gboolean
parse_spec (const char *file_name,
            HyRecordKind kind,
            GPtrArray *header,
            const char *spec,
            HyImportColumnMap *map,
            GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  const char *p = spec;

  while (*p != '\0')
    {
      g_autoptr (GString) item_field = g_string_new (NULL);
      g_autoptr (GString) item_header = g_string_new (NULL);
      g_autofree char *field_name = NULL;
      g_autofree char *wanted = NULL;
      gboolean in_header = FALSE;
      gboolean quoted = FALSE;
      int field = -1;
      int column;

      for (; *p != '\0'; p++)
        {
          if (*p == '"')
            quoted = !quoted;
          else if (*p == ',' && !quoted)
            {
              p++;
              break;
            }
          else if (*p == '=' && !in_header && !quoted)
            in_header = TRUE;
          else
            g_string_append_c (in_header ? item_header : item_field, *p);
        }
      field_name = g_ascii_strdown (g_strstrip (item_field->str), -1);
      wanted = g_strdup (g_strstrip (item_header->str));
      if (*field_name == '\0' && !in_header)
        continue;

      if (!in_header || *wanted == '\0')
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                       /* Translators: "name=Hostname" is an example of the syntax; keep it */
                       _ ("The column map “%s” is not FIELD=HEADER: write each field, an equals "
                          "sign and the column’s header, separated by commas (for example "
                          "name=Hostname,company=Site Name)."),
                       item_field->str);
          return FALSE;
        }
      for (guint f = 0; f < n_fields; f++)
        if (g_str_equal (fields[f].name, field_name))
          field = f;
      if (field < 0)
        {
          g_autofree char *list = field_list (kind);
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                       /* Translators: "The column map names the field “hostname”, which
                        * computers do not have; their fields are id, name, …" — the second %s
                        * is a record kind in English (plural), untranslated */
                       _ ("The column map names the field “%s”, which %s do not have; their "
                          "fields are %s."),
                       field_name, hy_record_kind_to_plural (kind), list);
          return FALSE;
        }
      if (map->columns[field] >= 0)
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                       _ ("The column map gives the field “%s” twice; give each field one "
                          "column."),
                       field_name);
          return FALSE;
        }

      column = find_column (header, wanted);
      if (column < 0)
        {
          g_autofree char *list = header_list (header, NULL, 0);
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD,
                       /* Translators: "computers.csv has no column “Hostnme” (for the field
                        * “name”). Its columns are “Hostname”, “Site Name”. Correct the
                        * column map." */
                       _ ("%s has no column “%s” (for the field “%s”). Its columns are %s. "
                          "Correct the column map."),
                       file_name, wanted, field_name, list);
          return FALSE;
        }
      map->columns[field] = column;
      if (fields[field].type == HY_FIELD_REF && fields[field].ref_kind == HY_RECORD_KIND_COMPANY)
        {
          g_autofree char *folded = _hy_import_fold_header (header->pdata[column]);
          map->company_by_name = !g_str_equal (folded, "company");
        }
    }
  map->foreign = TRUE;
  return TRUE;
}

/* The columns of a header without a map: Halyard's own header (it has an "id" column) by exact
 * names, another export's by the synonyms of each field; @ranks receives how well each field's
 * column names it */
static gboolean
guess_columns (HyRecordKind kind,
               GPtrArray *header,
               guint header_line,
               HyImportColumnMap *map,
               int *ranks,
               GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);
  gboolean own;

  /* Halyard's own header (it has an "id" column): exact names (lower case, trimmed), other
   * columns ignored, as always. */
  own = FALSE;
  for (guint c = 0; c < header->len && !own; c++)
    own = g_ascii_strcasecmp (header->pdata[c], "id") == 0;

  for (guint c = 0; c < header->len; c++)
    {
      g_autofree char *name = g_ascii_strdown (header->pdata[c], -1);
      g_autofree char *folded = _hy_import_fold_header (header->pdata[c]);

      for (guint f = 0; f < n_fields; f++)
        {
          int rank;

          if (own)
            rank = g_str_equal (name, fields[f].name) ? 0 : -1;
          else if (fields[f].type == HY_FIELD_REF && fields[f].ref_kind != HY_RECORD_KIND_COMPANY)
            rank = -1; /* ids of locations, groups, …: only through a map */
          else
            rank = synonym_rank (kind, fields[f].name, folded);
          if (rank < 0)
            continue;
          if (own && map->columns[f] >= 0)
            {
              g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_SYNTAX,
                           _ ("Line %u: the header names the column “%s” twice."), header_line,
                           fields[f].name);
              return FALSE;
            }
          if (rank < ranks[f])
            {
              ranks[f] = rank;
              map->columns[f] = c;
            }
        }
    }

  /* One column gives one field: a column chosen for two fields keeps the one it names best
   * (ties: the first field), the other field has none. */
  for (guint f = 0; f < n_fields; f++)
    for (guint g = f + 1; g < n_fields; g++)
      if (map->columns[f] >= 0 && map->columns[f] == map->columns[g])
        {
          if (ranks[g] < ranks[f])
            map->columns[f] = -1;
          else
            map->columns[g] = -1;
        }

  map->foreign = !own;
  if (!own && map->columns[2] >= 0 && kind == HY_RECORD_KIND_COMPUTER)
    {
      g_autofree char *folded = _hy_import_fold_header (header->pdata[map->columns[2]]);
      map->company_by_name = !g_str_equal (folded, "company");
    }
  return TRUE;
}

/* Every required field has its column (or a derived id) */
static gboolean
check_required_columns (HyRecordKind kind,
                        GPtrArray *header,
                        guint header_line,
                        HyImportColumnMap *map,
                        GError **error)
{
  guint n_fields;
  const HyFieldInfo *fields = hy_record_kind_get_fields (kind, &n_fields);

  for (guint f = 0; f < n_fields; f++)
    {
      g_autofree char *unused = NULL;

      if (!fields[f].required || map->columns[f] >= 0 || (f == 0 && map->derive_id))
        continue;
      unused = header_list (header, map, n_fields);
      if (!map->foreign)
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD,
                     /* Translators: "Line 1: the header has no “name” column, which
                      * computers need." — the last %s is a kind in English (plural) */
                     _ ("Line %u: the header has no “%s” column, which %s need. The first "
                        "line must name the columns."),
                     header_line, fields[f].name, hy_record_kind_to_plural (kind));
      else if (*unused == '\0')
        g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD,
                     /* Translators: "Line 1: no column gives the field “name”, which computers
                      * need, and every column is already used." */
                     _ ("Line %u: no column gives the field “%s”, which %s need, and every "
                        "column is already used. Add that column to the file."),
                     header_line, fields[f].name, hy_record_kind_to_plural (kind));
      else
        {
          g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD,
                       /* Translators: "Line 1: no column was recognised as the field “name”,
                        * which computers need. The columns “Gerät”, “Kunde” could be it: map
                        * one of them to that field." */
                       _ ("Line %u: no column was recognised as the field “%s”, which %s need. "
                          "The columns %s could be it: map one of them to that field."),
                       header_line, fields[f].name, hy_record_kind_to_plural (kind), unused);
          _hy_import_set_error_fix (error, HY_IMPORT_FIX_MAP_COLUMN, fields[f].name);
        }
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Entry point
 * ------------------------------------------------------------------------------------------- */

gboolean
_hy_import_map_columns (const char *file_name,
                        HyRecordKind kind,
                        GPtrArray *header,
                        const char *spec,
                        guint header_line,
                        HyImportColumnMap *map,
                        GError **error)
{
  guint n_fields;
  int ranks[HY_IMPORT_MAX_FIELDS];

  hy_record_kind_get_fields (kind, &n_fields);
  if (n_fields > HY_IMPORT_MAX_FIELDS)
    g_assert_not_reached ();
  memset (map, 0, sizeof *map);
  for (guint f = 0; f < HY_IMPORT_MAX_FIELDS; f++)
    {
      map->columns[f] = -1;
      ranks[f] = G_MAXINT;
    }

  if (spec != NULL)
    {
      if (!parse_spec (file_name, kind, header, spec, map, error))
        return FALSE;
    }
  else if (!guess_columns (kind, header, header_line, map, ranks, error))
    return FALSE;

  /* Computers and companies of a foreign export may lack an id: it is derived (computers: from
   * the serial, else the name; companies: from the name). */
  if (map->foreign && map->columns[0] < 0 &&
      (kind == HY_RECORD_KIND_COMPUTER || kind == HY_RECORD_KIND_COMPANY))
    map->derive_id = TRUE;

  if (!check_required_columns (kind, header, header_line, map, error))
    return FALSE;
  return TRUE;
}

/* ---------------------------------------------------------------------------------------------
 * Rows of a mapped file
 * ------------------------------------------------------------------------------------------- */

/* The local time zone, read once: g_time_zone_new_local () looks at /etc/localtime again on
 * every call, which a 100 000-row import would pay for each row. */
static GTimeZone *
local_zone (void)
{
  static GTimeZone *zone;

  if (g_once_init_enter (&zone))
    g_once_init_leave (&zone, g_time_zone_new_local ());
  return zone;
}

char *
_hy_import_normalize_date (const char *text)
{
  static GTimeZone *utc;
  g_autoptr (GDateTime) dt = NULL;
  int year, month, day, hour = 0, minute = 0, second = 0;
  int end = 0;

  /* "2026-11-20 10:00", "2026-11-20 10:00:00", "2026/11/20 10:00:00", "2026-11-20": local
   * time, as RMM exports and inventory agents write it. */
  if ((sscanf (text, "%4d-%2d-%2d %2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
               &end) == 6 &&
       text[end] == '\0') ||
      (sscanf (text, "%4d/%2d/%2d %2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
               &end) == 6 &&
       text[end] == '\0') ||
      (second = 0,
       sscanf (text, "%4d-%2d-%2d %2d:%2d%n", &year, &month, &day, &hour, &minute, &end) == 5 &&
           text[end] == '\0') ||
      (sscanf (text, "%4d/%2d/%2d %2d:%2d%n", &year, &month, &day, &hour, &minute, &end) == 5 &&
       text[end] == '\0') ||
      (hour = minute = 0,
       sscanf (text, "%4d-%2d-%2d%n", &year, &month, &day, &end) == 3 && text[end] == '\0'))
    {
      dt = g_date_time_new (local_zone (), year, month, day, hour, minute, second);
      if (dt == NULL)
        return NULL;
      return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S%:z");
    }

  if (g_once_init_enter (&utc))
    g_once_init_leave (&utc, g_time_zone_new_utc ());
  dt = g_date_time_new_from_iso8601 (text, utc);
  return dt != NULL ? g_strdup (text) : NULL;
}

/* "acme-ltd" for "ACME, Ltd." */
static char *
slug (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  GString *out = g_string_new (NULL);
  gboolean dash = FALSE;

  for (const char *p = folded; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        {
          if (dash && out->len > 0)
            g_string_append_c (out, '-');
          g_string_append_unichar (out, c);
          dash = FALSE;
        }
      else
        dash = TRUE;
    }
  return g_string_free (out, FALSE);
}

const char *
_hy_import_company_for_name (HyImport *imp, const char *name, guint line, GError **error)
{
  g_autofree char *folded = _hy_import_fold_header (name);
  g_autoptr (GPtrArray) found = NULL;
  g_autofree char *id = NULL;
  GError *local_error = NULL;
  gboolean exists = FALSE;
  const char *known;

  known = g_hash_table_lookup (imp->company_names, folded);
  if (known != NULL)
    return known;

  /* An id of the store or the file. */
  if (g_hash_table_contains (imp->ids[HY_RECORD_KIND_COMPANY], name) ||
      g_hash_table_contains (imp->known[HY_RECORD_KIND_COMPANY], name))
    exists = TRUE;
  else if (!hy_store_exists (imp->store, HY_RECORD_KIND_COMPANY, name, &exists, &local_error))
    goto store_failed;
  if (exists)
    {
      g_hash_table_insert (imp->company_names, g_strdup (folded), g_strdup (name));
      return g_hash_table_lookup (imp->company_names, folded);
    }

  /* A name. */
  found = hy_store_find_by_name (imp->store, HY_RECORD_KIND_COMPANY, name, &local_error);
  if (found == NULL)
    goto store_failed;
  if (found->len > 1)
    {
      HyCompany *a = found->pdata[0], *b = found->pdata[1];
      g_autofree char *here = _hy_import_where (imp, HY_RECORD_KIND_COMPUTER, line);
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_DANGLING_REFERENCE,
                   /* Translators: "Line 4: the company “Acme” is the name of several companies
                    * (c1, c7); rename one of them, or give company ids in that column." */
                   _ ("%s: the company “%s” is the name of several companies (%s, %s); rename "
                      "one of them, or give company ids in that column."),
                   here, name, a->id, b->id);
      return NULL;
    }
  if (found->len == 1)
    {
      HyCompany *company = found->pdata[0];
      g_hash_table_insert (imp->company_names, g_strdup (folded), g_strdup (company->id));
      return g_hash_table_lookup (imp->company_names, folded);
    }

  /* A new company, with an id made from its name ("Acme, Ltd." → acme-ltd). */
  id = slug (name);
  if (*id == '\0')
    {
      g_autofree char *here = _hy_import_where (imp, HY_RECORD_KIND_COMPUTER, line);
      g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_WRONG_TYPE,
                   _ ("%s: the company “%s” has no letter or digit to name it by; correct "
                      "the company column."),
                   here, name);
      return NULL;
    }
  if (!hy_store_exists (imp->store, HY_RECORD_KIND_COMPANY, id, &exists, &local_error))
    goto store_failed;
  if (!exists && !g_hash_table_contains (imp->ids[HY_RECORD_KIND_COMPANY], id))
    {
      HyImportAnyRecord record;

      memset (&record, 0, sizeof record);
      record.company.id = id;
      record.company.name = (char *) name;
      if (!_hy_import_record (imp, HY_RECORD_KIND_COMPANY, &record, line, error))
        return NULL;
    }
  g_hash_table_insert (imp->company_names, g_strdup (folded), g_steal_pointer (&id));
  return g_hash_table_lookup (imp->company_names, folded);

store_failed:
  {
    g_autofree char *here = _hy_import_where (imp, HY_RECORD_KIND_COMPUTER, line);
    g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_STORE, "%s: %s", here,
                 local_error->message);
    g_error_free (local_error);
    return NULL;
  }
}

gboolean
_hy_import_map_fix_record (HyImport *imp,
                           HyRecordKind kind,
                           const HyImportColumnMap *map,
                           HyImportAnyRecord *record,
                           guint line,
                           GPtrArray *scratch,
                           GError **error)
{
  if (kind == HY_RECORD_KIND_COMPUTER)
    {
      HyComputer *computer = &record->computer;

      if (map->company_by_name && computer->company_id != NULL && *computer->company_id != '\0')
        {
          const char *id = _hy_import_company_for_name (imp, computer->company_id, line, error);
          if (id == NULL)
            return FALSE;
          computer->company_id = (char *) id;
        }
      if (map->foreign && computer->last_seen != NULL && *computer->last_seen != '\0')
        {
          char *date = _hy_import_normalize_date (computer->last_seen);

          if (date == NULL)
            {
              g_autofree char *here = _hy_import_where (imp, kind, line);
              g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_WRONG_TYPE,
                           /* Translators: the example dates are formats; keep them */
                           _ ("%s: the field “%s” must be a date and time such as "
                              "2026-11-20 10:00:00 or 2026-11-20T10:00:00Z, not “%s”. Export "
                              "the dates in that form, or leave the column out of the map."),
                           here, "last_seen", computer->last_seen);
              return FALSE;
            }
          g_ptr_array_add (scratch, date);
          computer->last_seen = date;
        }
      if (map->derive_id)
        {
          char *id = NULL;

          if ((computer->serial == NULL || *computer->serial == '\0') &&
              (computer->name == NULL || *computer->name == '\0'))
            {
              g_autofree char *here = _hy_import_where (imp, kind, line);
              g_set_error (error, HY_IMPORT_ERROR, HY_IMPORT_ERROR_MISSING_FIELD,
                           _ ("%s: the required field “%s” is missing or empty."), here, "name");
              return FALSE;
            }

          if (computer->serial != NULL && *computer->serial != '\0')
            id = g_strconcat ("serial:", computer->serial, NULL);
          else if (computer->name != NULL && *computer->name != '\0')
            {
              g_autofree char *lower = g_utf8_strdown (computer->name, -1);
              id = g_strconcat ("name:", lower, NULL);
            }
          if (id != NULL)
            {
              g_ptr_array_add (scratch, id);
              computer->id = id;
            }
        }
    }
  else if (kind == HY_RECORD_KIND_COMPANY && map->derive_id && record->company.name != NULL &&
           *record->company.name != '\0')
    {
      char *id = slug (record->company.name);

      g_ptr_array_add (scratch, id);
      record->company.id = id;
    }
  return TRUE;
}
